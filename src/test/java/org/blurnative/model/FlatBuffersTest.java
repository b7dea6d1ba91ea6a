package org.blurnative.model;

import static org.bytedeco.pytorch.global.torch.ScalarType;
import static org.bytedeco.pytorch.global.torch.cross_entropy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * (d) Gradients accumulated into flat-buffer views, and parameters living in one flat θ, against
 * an identical model trained the ordinary way: bit for bit.
 */
@ExtendWith(NativeScopePerTest.class)
class FlatBuffersTest {
  static final ModelConfig CONFIG = TinyCheckpoints.config(TinyCheckpoints.LLAMA3);


  static Tensor ids(long seed) {
    long[] v = new long[2 * 6];
    java.util.Random r = new java.util.Random(seed);
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextInt(97);
    }
    return HostArrays.longs(v, 2, 6);
  }

  static final Tensor MASK = HostArrays.longs(new long[] {0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 2, 6);

  /** Next-token cross-entropy over a padded batch, the kind of loss the trainer backpropagates. */
  static void backward(LlamaModel m, long seed) {
    try (PointerScope step = new PointerScope()) {
      Tensor ids = ids(seed);
      Tensor logits = m.forward(ids, MASK);                          // (2, 6, 97)
      Tensor predicted = logits.narrow(1, 0, 5).reshape(10, 97);
      Tensor targets = ids.narrow(1, 1, 5).reshape(10);
      cross_entropy(predicted, targets).backward();
    }
  }

  @Test
  void gradientsInFlatViewsEqualOrdinaryGradients() {
    LlamaModel plain = LlamaModel.random(CONFIG, 5);
    LlamaModel flat = LlamaModel.random(CONFIG, 5);
    FlatParameters theta = FlatParameters.adopt(flat);
    FlatGradients grads = FlatGradients.of(flat);
    Tensor gf = grads.allocate();
    Tensor gr = grads.allocate();
    assertEquals(CONFIG.tieWordEmbeddings(), !flat.parameters().containsKey("lm_head.weight"));
    long n = LlamaModel.parameterShapes(CONFIG).values().stream()
        .mapToLong(s -> java.util.Arrays.stream(s).reduce(1, (a, b) -> a * b)).sum();
    assertEquals(n, theta.theta().numel());
    assertTrue(theta.aliased());

    // two micro-batches accumulate into G_f
    grads.pointAt(gf);
    backward(plain, 1);
    backward(plain, 2);
    backward(flat, 1);
    backward(flat, 2);
    for (ParameterLayout.Slice s : grads.layout().slices()) {
      Tensor expected = plain.parameters().get(s.name()).grad();
      assertArrayEquals(HostArrays.toFloats(expected), HostArrays.toFloats(grads.layout().view(gf, s)),
          s.name());
      Tensor p = flat.parameters().get(s.name());
      assertEquals(p.grad().data_ptr().address(), grads.layout().view(gf, s).data_ptr().address(),
          s.name() + ".grad is a view of G_f");
      assertTrue(p.is_leaf(), s.name() + " stays a leaf");
    }
    float[] gfAfterForget = HostArrays.toFloats(gf);

    // switch to G_r: the next backward lands there, G_f untouched
    grads.pointAt(gr);
    backward(flat, 3);
    assertArrayEquals(gfAfterForget, HostArrays.toFloats(gf));
    assertNotEquals(0.0, gr.abs().sum().item_double());
    try (NoGradGuard g = new NoGradGuard()) {
      for (Tensor p : plain.parameters().values()) {
        p.grad().zero_();
      }
    }
    backward(plain, 3);
    float[] plainGr = new float[(int) n];
    int at = 0;
    for (ParameterLayout.Slice s : grads.layout().slices()) {
      float[] g = HostArrays.toFloats(plain.parameters().get(s.name()).grad());
      System.arraycopy(g, 0, plainGr, at, g.length);
      at += g.length;
    }
    assertArrayEquals(plainGr, HostArrays.toFloats(gr));
  }

  @Test
  void parametersAreViewsOfTheta() {
    LlamaModel plain = LlamaModel.random(CONFIG, 6);
    LlamaModel flat = LlamaModel.random(CONFIG, 6);
    FlatParameters theta = FlatParameters.adopt(flat);
    Tensor ids = ids(4);
    assertArrayEquals(HostArrays.toFloats(plain.forward(ids, MASK)),
        HostArrays.toFloats(flat.forward(ids, MASK)), "adopting θ changes no weight");

    // the module's own view of its parameters now points into θ
    long base = theta.theta().data_ptr().address();
    long end = base + theta.theta().nbytes();
    StringTensorDict named = flat.module().named_parameters();
    assertEquals(flat.parameters().size(), named.size());
    for (long i = 0; i < named.size(); i++) {
      long address = named.get(i).value().data_ptr().address();
      assertTrue(address >= base && address < end, named.get(i).key().getString() + " lives in θ");
    }

    // a raw in-place write to θ (as the fused kernel does) is the same as updating each weight
    Tensor delta = HostArrays.floats(randomFloats(theta.theta().numel(), 9), theta.theta().numel());
    try (NoGradGuard g = new NoGradGuard()) {
      theta.theta().add_(delta, new Scalar(1e-2));
      for (ParameterLayout.Slice s : theta.layout().slices()) {
        plain.parameters().get(s.name()).add_(theta.layout().view(delta, s), new Scalar(1e-2));
      }
    }
    theta.publish();  // no-op for float32
    assertArrayEquals(HostArrays.toFloats(plain.forward(ids, MASK)),
        HostArrays.toFloats(flat.forward(ids, MASK)));
  }

  @Test
  void trainableSubsetByRegex() {
    LlamaModel m = LlamaModel.random(CONFIG, 7);
    List<String> chosen = m.setTrainable("layers\\.1\\.mlp\\.");
    assertEquals(List.of("model.layers.1.mlp.gate_proj.weight", "model.layers.1.mlp.up_proj.weight",
        "model.layers.1.mlp.down_proj.weight"), chosen);
    assertEquals(chosen, List.copyOf(m.trainableParameters().keySet()));
    FlatParameters theta = FlatParameters.adopt(m);
    FlatGradients grads = FlatGradients.of(m);
    assertEquals(3L * 64 * 32, theta.theta().numel());
    Tensor g = grads.allocate();
    grads.pointAt(g);
    backward(m, 1);
    assertNotEquals(0.0, g.abs().sum().item_double());
    for (Map.Entry<String, Tensor> e : m.parameters().entrySet()) {
      assertEquals(chosen.contains(e.getKey()), e.getValue().requires_grad(), e.getKey());
      if (!chosen.contains(e.getKey())) {
        assertFalse(e.getValue().grad().defined(), e.getKey() + " got a gradient");
      }
    }
    assertThrows(IllegalArgumentException.class, () -> m.setTrainable("no_such_weight"));
    IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
        () -> grads.pointAt(HostArrays.floats(new float[5], 5)));
    assertTrue(wrong.getMessage().contains("6144"), wrong.getMessage());
  }

  @Test
  void bfloat16ModelKeepsAFloat32Master() {
    LlamaModel m = LlamaModel.random(CONFIG.withTorchDtype(Dtype.BFLOAT16), 8);
    Map<String, Tensor> before = Map.copyOf(m.parameters());
    float[] original = HostArrays.toFloats(before.get("model.layers.0.mlp.up_proj.weight"));
    FlatParameters theta = FlatParameters.adopt(m);
    assertFalse(theta.aliased());
    assertEquals(Dtype.FLOAT32, Dtype.of(theta.theta().scalar_type()));
    ParameterLayout.Slice up = theta.layout().slices().stream()
        .filter(s -> s.name().equals("model.layers.0.mlp.up_proj.weight")).findFirst().orElseThrow();
    assertArrayEquals(original, HostArrays.toFloats(theta.layout().view(theta.theta(), up)),
        "θ holds the bf16 weights exactly");

    try (NoGradGuard g = new NoGradGuard()) {
      theta.theta().add_(new Scalar(1e-3f));
    }
    Tensor p = m.parameters().get("model.layers.0.mlp.up_proj.weight");
    assertArrayEquals(original, HostArrays.toFloats(p), "not published yet");
    theta.publish();
    Tensor rounded = theta.layout().view(theta.theta(), up).to(ScalarType.BFloat16);
    assertArrayEquals(HostArrays.toFloats(rounded), HostArrays.toFloats(p));

    FlatGradients grads = FlatGradients.of(m);
    Tensor g = grads.allocate();
    assertEquals(Dtype.BFLOAT16, Dtype.of(g.scalar_type()));
    grads.pointAt(g);
    backward(m, 2);
    assertNotEquals(0.0, g.to(ScalarType.Float).abs().sum().item_double());
  }

  @Test
  void frozenCopyHasNoGradientsAndIsIndependent() {
    LlamaModel m = LlamaModel.random(CONFIG, 9);
    LlamaModel ref = m.frozenCopy();
    assertTrue(ref.frozen());
    assertTrue(ref.parameters().values().stream().noneMatch(Tensor::requires_grad));
    Tensor ids = ids(5);
    Tensor refLogits = ref.forward(ids, MASK);
    assertFalse(refLogits.requires_grad());
    assertTrue(m.forward(ids, MASK).requires_grad());
    float[] before = HostArrays.toFloats(refLogits);
    assertArrayEquals(HostArrays.toFloats(m.forward(ids, MASK)), before);
    try (NoGradGuard g = new NoGradGuard()) {
      m.parameters().get("model.norm.weight").mul_(new Scalar(2.0));
    }
    assertArrayEquals(before, HostArrays.toFloats(ref.forward(ids, MASK)), "the copy did not move");
    assertThrows(IllegalStateException.class, () -> ref.setTrainable(".*"));
    ref.close();
  }

  /** Models, flat buffers and caches made inside a training step's scope survive its close. */
  @Test
  void longLivedObjectsOutliveTheScopeTheyWereMadeIn() {
    LlamaModel m;
    FlatParameters theta;
    FlatGradients grads;
    Tensor g;
    try (PointerScope step = new PointerScope()) {
      m = LlamaModel.random(CONFIG, 10);
      theta = FlatParameters.adopt(m);
      grads = FlatGradients.of(m);
      g = grads.allocate();
      grads.pointAt(g);
    }
    System.gc();
    backward(m, 1);
    assertNotEquals(0.0, g.abs().sum().item_double());
    assertEquals(theta.theta().numel(), g.numel());
    assertEquals(List.of(new Completion(new int[] {}, false)).size(),
        m.generate(List.of(new int[] {1, 2}), GenerationSettings.greedy(3)).size());
  }

  static float[] randomFloats(long n, long seed) {
    java.util.Random r = new java.util.Random(seed);
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }
}
