package org.blurnative.loss;

import org.blurnative.model.HostArrays;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AbstractTensor;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Each loss against its definition written out in plain Java ({@link LossReference}): the value,
 * the gradient against central finite differences of that definition, and the split of a batch
 * into micro-batches (the micro-batch losses add up to the batch loss).
 */
class LossesTest {
  static final int B = 4, T = 5, V = 6, D = 3;
  static final long[][] LABELS = {
    {-100, -100, 2, 5, 1},
    {-100, 3, 3, -100, -100},  // right padding after the answer
    {-100, -100, -100, -100, 4},
    {-100, -100, -100, -100, -100},  // no answer tokens at all
  };
  static final long[][] MASK = {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}, {1, 1, 1, 1, 1}, {1, 1, 0, 0, 0}};
  static final long ANSWER_TOKENS = 3 + 2 + 1;
  static final long INPUT_TOKENS = 5 + 3 + 5 + 2;
  static final long ANSWERED = 3;  // rows 0–2 have an answer token at t ≥ 1

  final Random random = new Random(20261127);
  final double[][][] logits = randomArray(B, T, V, 2.0);
  final double[][][] referenceLogits = randomArray(B, T, V, 2.0);
  final double[][][] hidden = randomArray(B, T, D, 1.0);
  final double[][][] referenceHidden = randomArray(B, T, D, 1.0);
  final LossScale scale = new LossScale(B, ANSWER_TOKENS, INPUT_TOKENS, ANSWERED);

  @Test
  void valuesMatchTheDefinitions() {
    LossReference ref = new LossReference(logits, referenceLogits, LABELS, B, ANSWER_TOKENS);
    assertLoss(new NllLoss(), ref.nll());
    assertLoss(new GradientAscentLoss(), -ref.nll());
    assertLoss(new NpoLoss(0.1), ref.npo(0.1));
    assertLoss(new SimNpoLoss(2.5, 0.3), ref.simNpo(2.5, 0.3));
    assertLoss(new KlLoss(), ref.kl());
    assertLoss(new WgaLoss(1.5), ref.wga(1.5, logits));
    assertLoss(new SatImpLoss(5, 1), ref.satImp(5, 1, logits));
    assertLoss(new UndialLoss(10), ref.undial(10, MASK));
    assertLoss(new CeuLoss(), ref.ceu(logits));
    assertLoss(new RmuRetainLoss(1),
        LossReference.activationDistance(hidden, referenceHidden, MASK, INPUT_TOKENS));
    RmuForgetLoss rmu = RmuForgetLoss.seeded(1, D, 6.5, 7);
    double[] control = HostArrays.toDoubles(rmu.control());
    assertEquals(6.5, Math.sqrt(control[0] * control[0] + control[1] * control[1] + control[2] * control[2]), 1e-5);
    assertLoss(rmu, LossReference.activationDistance(hidden, broadcast(control), MASK, INPUT_TOKENS));
  }

  @Test
  void gradientsMatchFiniteDifferencesOfTheDefinitions() {
    ToDoubleFunction<double[][][]> nll = l -> new LossReference(l, referenceLogits, LABELS, B, ANSWER_TOKENS).nll();
    assertLogitGradient(new NllLoss(), nll);
    assertLogitGradient(new GradientAscentLoss(), l -> -nll.applyAsDouble(l));
    assertLogitGradient(new NpoLoss(0.1),
        l -> new LossReference(l, referenceLogits, LABELS, B, ANSWER_TOKENS).npo(0.1));
    assertLogitGradient(new SimNpoLoss(2.5, 0.3),
        l -> new LossReference(l, referenceLogits, LABELS, B, ANSWER_TOKENS).simNpo(2.5, 0.3));
    assertLogitGradient(new KlLoss(),
        l -> new LossReference(l, referenceLogits, LABELS, B, ANSWER_TOKENS).kl());
    // the weights and CE-U's target are detached: held at the unperturbed logits (a copy, since
    // the finite differences perturb `logits` in place)
    double[][][] frozen = java.util.Arrays.stream(logits)
        .map(plane -> java.util.Arrays.stream(plane).map(double[]::clone).toArray(double[][]::new))
        .toArray(double[][][]::new);
    assertLogitGradient(new WgaLoss(1.5),
        l -> new LossReference(l, referenceLogits, LABELS, B, ANSWER_TOKENS).wga(1.5, frozen));
    assertLogitGradient(new SatImpLoss(5, 1),
        l -> new LossReference(l, referenceLogits, LABELS, B, ANSWER_TOKENS).satImp(5, 1, frozen));
    assertLogitGradient(new UndialLoss(10),
        l -> new LossReference(l, referenceLogits, LABELS, B, ANSWER_TOKENS).undial(10, MASK));
    assertLogitGradient(new CeuLoss(),
        l -> new LossReference(l, referenceLogits, LABELS, B, ANSWER_TOKENS).ceu(frozen));
    assertHiddenGradient(new RmuRetainLoss(1),
        h -> LossReference.activationDistance(h, referenceHidden, MASK, INPUT_TOKENS));
    RmuForgetLoss rmu = RmuForgetLoss.seeded(1, D, 6.5, 7);
    double[][][] target = broadcast(HostArrays.toDoubles(rmu.control()));
    assertHiddenGradient(rmu, h -> LossReference.activationDistance(h, target, MASK, INPUT_TOKENS));
  }

  @Test
  void microBatchesAddUpToTheBatch() {
    for (Loss loss : List.of(new NllLoss(), new GradientAscentLoss(), new NpoLoss(0.1),
        new SimNpoLoss(2.5, 0.3), new KlLoss(), new WgaLoss(1.5), new SatImpLoss(5, 1), new UndialLoss(10),
        new CeuLoss(), new RmuRetainLoss(1), RmuForgetLoss.seeded(1, D, 6.5, 7))) {
      try (PointerScope scope = new PointerScope()) {
        double whole = loss.value(inputs(tensor(logits), tensor(hidden))).item_double();
        double parts = 0;
        for (int start = 0; start < B; start += 2) {
          parts += loss.value(slice(inputs(tensor(logits), tensor(hidden)), start, start + 2)).item_double();
        }
        assertEquals(whole, parts, 1e-12, loss.name());
      }
    }
  }

  @Test
  void parametersAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> new NpoLoss(0));
    assertThrows(IllegalArgumentException.class, () -> new SimNpoLoss(1, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new LossScale(0, 1, 1, 0));
  }

  // ---- helpers ---------------------------------------------------------------------------

  void assertLoss(Loss loss, double expected) {
    try (PointerScope scope = new PointerScope()) {
      double actual = loss.value(inputs(tensor(logits), tensor(hidden))).item_double();
      assertEquals(expected, actual, 1e-12 * Math.max(1, Math.abs(expected)), loss.name());
    }
  }

  void assertLogitGradient(Loss loss, ToDoubleFunction<double[][][]> definition) {
    try (PointerScope scope = new PointerScope()) {
      Tensor leaf = tensor(logits).requires_grad_(true);
      loss.value(inputs(leaf, tensor(hidden))).backward();
      assertMatchesFiniteDifferences(loss.name(), HostArrays.toDoubles(leaf.grad()), logits, definition);
    }
  }

  void assertHiddenGradient(Loss loss, ToDoubleFunction<double[][][]> definition) {
    try (PointerScope scope = new PointerScope()) {
      Tensor leaf = tensor(hidden).requires_grad_(true);
      loss.value(inputs(tensor(logits), leaf)).backward();
      assertMatchesFiniteDifferences(loss.name(), HostArrays.toDoubles(leaf.grad()), hidden, definition);
    }
  }

  static void assertMatchesFiniteDifferences(
      String name, double[] gradient, double[][][] at, ToDoubleFunction<double[][][]> f) {
    double h = 1e-6;
    int k = 0;
    for (double[][] plane : at) {
      for (double[] row : plane) {
        for (int i = 0; i < row.length; i++, k++) {
          double saved = row[i];
          row[i] = saved + h;
          double up = f.applyAsDouble(at);
          row[i] = saved - h;
          double down = f.applyAsDouble(at);
          row[i] = saved;
          double numeric = (up - down) / (2 * h);
          assertEquals(numeric, gradient[k], 1e-7 * Math.max(1, Math.abs(numeric)), name + " coordinate " + k);
        }
      }
    }
  }

  LossInputs inputs(Tensor logitsTensor, Tensor hiddenTensor) {
    return new LossInputs(logitsTensor, AbstractTensor.create(flat(LABELS), B, T),
        AbstractTensor.create(flat(MASK), B, T), hiddenTensor, tensor(referenceLogits),
        tensor(referenceHidden), scale);
  }

  static LossInputs slice(LossInputs in, long from, long to) {
    return new LossInputs(rows(in.logits(), from, to), rows(in.labels(), from, to),
        rows(in.attentionMask(), from, to), rows(in.hidden(), from, to),
        rows(in.referenceLogits(), from, to), rows(in.referenceHidden(), from, to), in.scale());
  }

  static Tensor rows(Tensor t, long from, long to) {
    return t.slice(0, new LongOptional(from), new LongOptional(to), 1);
  }

  double[][][] randomArray(int a, int b, int c, double scale) {
    double[][][] x = new double[a][b][c];
    for (double[][] plane : x) for (double[] row : plane) for (int i = 0; i < c; i++) row[i] = scale * random.nextGaussian();
    return x;
  }

  static double[][][] broadcast(double[] vector) {
    double[][][] x = new double[B][T][];
    for (double[][] plane : x) for (int t = 0; t < T; t++) plane[t] = vector.clone();
    return x;
  }

  static Tensor tensor(double[][][] x) {
    double[] flat = new double[x.length * x[0].length * x[0][0].length];
    int k = 0;
    for (double[][] plane : x) for (double[] row : plane) for (double v : row) flat[k++] = v;
    return AbstractTensor.create(flat, x.length, x[0].length, x[0][0].length);
  }

  static long[] flat(long[][] x) {
    return java.util.Arrays.stream(x).flatMapToLong(java.util.Arrays::stream).toArray();
  }

}
