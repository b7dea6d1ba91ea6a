package org.blurnative.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AbstractTensor;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The official BLUR code's MUSE losses (--compat raw-logit-npo, raw-logit-kl): by hand on three
 * samples, and against PyTorch's float64 evaluation of the official expressions
 * (scripts/official_blur_reference.py → compat/official.json).
 */
class OfficialCompatLossesTest {
  // three samples, one position, two vocabulary entries
  static final double[][][] LOGITS = {{{0, 0}}, {{1, -1}}, {{2, 0}}};
  static final double[][][] ZEROS = {{{0, 0}}, {{0, 0}}, {{0, 0}}};
  static final double[][][] REFERENCE = {{{0, 0}}, {{0, 1}}, {{1, 1}}};

  @Test
  void rawLogitNpoByHand() {
    // β = 1, reference 0: log σ(−logit) at the six entries 0, 0, 1, −1, 2, 0; the mean over all six
    double sum = 3 * logSigmoid(0) + logSigmoid(-1) + logSigmoid(1) + logSigmoid(-2);
    assertEquals(-2 * sum / 6, value(new RawLogitNpoLoss(1), LOGITS, ZEROS, 3), 1e-12);
  }

  @Test
  void rawLogitKlByHand() {
    // Σ exp(ref)·(ref − logit): sample 0 gives 0; sample 1: 1·(0 − 1) + e·(1 + 1); sample 2: e·(1 − 2) + e·(1 − 0)
    double sum = 0 + (-1 + 2 * Math.E) + (-Math.E + Math.E);
    assertEquals(sum / 3, value(new RawLogitKlLoss(), LOGITS, REFERENCE, 3), 1e-12);
  }

  @Test
  void batchMeanNpoByHand() {
    // one position predicts the answer token at t = 1; vocabulary of two; reference logits 0 (log ½ each)
    double[][][] logits = {{{0, 0}, {0, 0}}, {{1, -1}, {0, 0}}, {{2, 0}, {0, 0}}};
    double[][][] reference = {{{0, 0}, {0, 0}}, {{0, 0}, {0, 0}}, {{0, 0}, {0, 0}}};
    long[][] labels = {{-100, 0}, {-100, 0}, {-100, 1}};
    // log π_θ − log π_ref per sample: 0; log σ(2) − log ½; log σ(−2) − log ½; their mean, then NPO of it
    double mean = (0 + (logSigmoid(2) + Math.log(2)) + (logSigmoid(-2) + Math.log(2))) / 3;
    double expected = -2 / 0.5 * logSigmoid(-0.5 * mean);
    assertEquals(expected, value(new BatchMeanNpoLoss(0.5), logits, reference, labels, 3), 1e-12);
    // a micro-batch of the first two of the batch's three samples weighs 2/3
    double two = (0 + (logSigmoid(2) + Math.log(2))) / 2;
    assertEquals(-2 / 0.5 * logSigmoid(-0.5 * two) * 2 / 3, value(new BatchMeanNpoLoss(0.5),
        new double[][][] {logits[0], logits[1]}, new double[][][] {reference[0], reference[1]},
        new long[][] {labels[0], labels[1]}, 3), 1e-12);
  }

  @Test
  void matchPyTorchOnTheOfficialExpressions() throws IOException {
    JsonNode expected = official();
    double[][][] logits = cube(expected.get("logits"));
    double[][][] reference = cube(expected.get("reference_logits"));
    double beta = expected.get("beta").asDouble();
    assertEquals(expected.get("npo_raw_logits").asDouble(),
        value(new RawLogitNpoLoss(beta), logits, reference, logits.length), 1e-12);
    assertEquals(expected.get("kl_raw_logits").asDouble(),
        value(new RawLogitKlLoss(), logits, reference, logits.length), 1e-12);
    JsonNode l = expected.get("labels");
    long[][] labels = new long[l.size()][];
    for (int b = 0; b < labels.length; b++) {
      labels[b] = new long[l.get(b).size()];
      for (int t = 0; t < labels[b].length; t++) {
        labels[b][t] = l.get(b).get(t).asLong();
      }
    }
    assertEquals(expected.get("npo_batch_mean").asDouble(),
        value(new BatchMeanNpoLoss(beta), logits, reference, labels, logits.length), 1e-12);
  }

  @Test
  void microBatchesAddUpToTheBatch() {
    for (Loss loss : new Loss[] {new RawLogitNpoLoss(0.7), new RawLogitKlLoss()}) {
      double whole = value(loss, LOGITS, REFERENCE, 3);
      double parts = value(loss, new double[][][] {LOGITS[0], LOGITS[1]}, new double[][][] {REFERENCE[0], REFERENCE[1]}, 3)
          + value(loss, new double[][][] {LOGITS[2]}, new double[][][] {REFERENCE[2]}, 3);
      assertEquals(whole, parts, 1e-12, loss.name());
    }
  }

  static JsonNode official() throws IOException {
    try (InputStream in = OfficialCompatLossesTest.class.getResourceAsStream("/compat/official.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  /** The loss of a micro-batch of {@code logits.length} samples in a batch of {@code samples}. */
  private static double value(Loss loss, double[][][] logits, double[][][] reference, long samples) {
    return value(loss, logits, reference, null, samples);
  }

  private static double value(Loss loss, double[][][] logits, double[][][] reference, long[][] labels, long samples) {
    try (PointerScope scope = new PointerScope()) {
      Tensor l = LossesTest.tensor(logits), r = LossesTest.tensor(reference);
      Tensor y = labels == null ? null : AbstractTensor.create(LossesTest.flat(labels), labels.length, labels[0].length);
      return loss.value(new LossInputs(l, y, null, null, r, null, new LossScale(samples, 0, 0, 0))).item_double();
    }
  }

  private static double logSigmoid(double x) {
    return -Math.log1p(Math.exp(-x));
  }

  private static double[][][] cube(JsonNode node) {
    double[][][] x = new double[node.size()][][];
    for (int b = 0; b < x.length; b++) {
      x[b] = new double[node.get(b).size()][];
      for (int t = 0; t < x[b].length; t++) {
        JsonNode row = node.get(b).get(t);
        x[b][t] = new double[row.size()];
        for (int v = 0; v < row.size(); v++) {
          x[b][t][v] = row.get(v).asDouble();
        }
      }
    }
    return x;
  }
}
