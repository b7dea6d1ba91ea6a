package org.blurnative.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * (a) The LibTorch model against the independent float64 forward of {@link ReferenceLlama}, on a
 * checkpoint written to disk and loaded back: logits agree to 1e-5 at every real token, for a
 * LLaMA-2, a LLaMA-3 (GQA, llama3 rope scaling, tied) and a Mistral (GQA, explicit head_dim,
 * sliding window shorter than the sequence) config, in a batch of two with left and right padding.
 */
class ReferenceForwardTest {
  static final double TOLERANCE = 1e-5;

  @TempDir
  Path dir;

  static String json(String which) {
    return switch (which) {
      case "llama2" -> TinyCheckpoints.LLAMA2;
      case "llama3" -> TinyCheckpoints.LLAMA3;
      default -> TinyCheckpoints.MISTRAL;
    };
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"llama2", "llama3", "mistral"})
  void paddedBatchMatchesFloat64Reference(String which) throws Exception {
    ModelConfig config = TinyCheckpoints.config(json(which));
    Map<String, float[]> weights = TinyCheckpoints.randomWeights(config, 11);
    try (PointerScope scope = new PointerScope()) {
      TinyCheckpoints.write(dir, json(which), TinyCheckpoints.tensors(config, weights));
    }
    ReferenceLlama reference = new ReferenceLlama(config, weights);

    // row 0: 5 tokens left-padded by 2; row 1: 6 tokens right-padded by 1
    int[] row0 = {1, 17, 42, 96, 3};
    int[] row1 = {1, 55, 8, 23, 70, 61};
    long[] ids = {0, 0, 1, 17, 42, 96, 3, /**/ 1, 55, 8, 23, 70, 61, 0};
    long[] mask = {0, 0, 1, 1, 1, 1, 1, /**/ 1, 1, 1, 1, 1, 1, 0};

    try (PointerScope scope = new PointerScope(); LlamaModel model = LlamaModel.load(dir)) {
      Tensor logits = model.forward(HostArrays.longs(ids, 2, 7), HostArrays.longs(mask, 2, 7));
      assertEquals(3, logits.dim());
      double[] got = HostArrays.toDoubles(logits);  // (2, 7, 97)
      double scale = compare(reference.logits(row0), got, 0, 2, which + " row 0 (left-padded)");
      compare(reference.logits(row1), got, 7, 0, which + " row 1 (right-padded)");
      assertTrue(scale > 1, "logits should be O(1) for the check to mean something: " + scale);

      // no padding, no mask: the plain causal path
      long[] full = {1, 17, 42, 96, 3, 9, 12, /**/ 1, 55, 8, 23, 70, 61, 4};
      double[] unmasked = HostArrays.toDoubles(model.forward(HostArrays.longs(full, 2, 7), null));
      compare(reference.logits(new int[] {1, 17, 42, 96, 3, 9, 12}), unmasked, 0, 0, which + " unmasked row 0");
      compare(reference.logits(new int[] {1, 55, 8, 23, 70, 61, 4}), unmasked, 7, 0, which + " unmasked row 1");
    }
  }

  /** RMU's M_l(x): the residual stream after layer 0, against the reference, with padding. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"llama3", "mistral"})
  void layerOutputMatchesFloat64Reference(String which) throws Exception {
    ModelConfig config = TinyCheckpoints.config(json(which));
    Map<String, float[]> weights = TinyCheckpoints.randomWeights(config, 12);
    ReferenceLlama reference = new ReferenceLlama(config, weights);
    int[] row = {1, 30, 31, 32, 33};
    try (PointerScope scope = new PointerScope();
        LlamaModel model = LlamaModel.load(write(config, which, weights))) {
      Tensor ids = HostArrays.longs(new long[] {0, 0, 1, 30, 31, 32, 33}, 1, 7);
      Tensor mask = HostArrays.longs(new long[] {0, 0, 1, 1, 1, 1, 1}, 1, 7);
      for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
        Tensor h = model.layerOutput(ids, mask, layer);
        assertEquals(java.util.List.of(1L, 7L, 32L), java.util.Arrays.stream(h.sizes().vec().get()).boxed().toList());
        compare(reference.residual(row, layer + 1), HostArrays.toDoubles(h), 0, 2,
            which + " after layer " + layer);
      }
    }
  }

  private Path write(ModelConfig config, String which, Map<String, float[]> weights) throws Exception {
    try (PointerScope scope = new PointerScope()) {
      TinyCheckpoints.write(dir, json(which), TinyCheckpoints.tensors(config, weights));
    }
    return dir;
  }

  /**
   * Compares reference logits [n][V] with rows {@code firstRow + offset …} of the flat (B·T, V)
   * result; returns the largest |logit| seen.
   */
  static double compare(double[][] expected, double[] got, int firstRow, int offset, String what) {
    int v = expected[0].length;
    double worst = 0;
    double scale = 0;
    for (int t = 0; t < expected.length; t++) {
      for (int j = 0; j < v; j++) {
        double e = expected[t][j];
        double g = got[(firstRow + offset + t) * v + j];
        worst = Math.max(worst, Math.abs(e - g));
        scale = Math.max(scale, Math.abs(e));
      }
    }
    assertTrue(worst <= TOLERANCE, what + ": max |logit error| " + worst + " > " + TOLERANCE);
    return scale;
  }
}
