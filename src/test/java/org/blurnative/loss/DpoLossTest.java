package org.blurnative.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.blurnative.model.HostArrays;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AbstractTensor;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DPO against numbers computed without our code: scripts/dpo_reference.py runs open-unlearning's
 * compute_dpo_loss (commit d3d7cf9) in float64 torch on fixed logits and writes the loss and its
 * gradients to src/test/resources/loss/dpo_reference.json. Four rows with right padding, a
 * one-token answer and a row with no forget-answer tokens; the alternate answers have other
 * lengths.
 */
class DpoLossTest {
  static JsonNode fixture;
  static int b, t, v;

  @BeforeAll
  static void read() throws IOException {
    try (InputStream in = DpoLossTest.class.getResourceAsStream("/loss/dpo_reference.json")) {
      fixture = new ObjectMapper().readTree(in);
    }
    b = fixture.get("shape").get(0).asInt();
    t = fixture.get("shape").get(1).asInt();
    v = fixture.get("shape").get(2).asInt();
  }

  @Test
  void valueAndGradientsMatchOpenUnlearningsFormulaInFloat64() {
    for (JsonNode c : fixture.get("cases")) {
      double beta = c.get("beta").asDouble();
      try (PointerScope scope = new PointerScope()) {
        Tensor logits = logits("logits").requires_grad_(true);
        Tensor alternateLogits = logits("alternate_logits").requires_grad_(true);
        Tensor loss = new DpoLoss(beta).value(inputs(logits, alternateLogits, 0, b, b));
        loss.backward();
        assertEquals(c.get("loss").asDouble(), loss.item_double(), 1e-12 * Math.abs(c.get("loss").asDouble()),
            "beta " + beta);
        assertArrayEquals(doubles(c.get("grad_logits")), HostArrays.toDoubles(logits.grad()), 1e-12, "beta " + beta);
        assertArrayEquals(doubles(c.get("grad_alternate_logits")), HostArrays.toDoubles(alternateLogits.grad()), 1e-12,
            "beta " + beta);
      }
    }
  }

  /** Rows split 1 + 3 and 2 + 2, each piece scaled by the whole batch: the pieces add up to it. */
  @Test
  void microBatchesOfPairsAddUpToTheBatch() {
    DpoLoss loss = new DpoLoss(1.5);
    try (PointerScope scope = new PointerScope()) {
      double whole = loss.value(inputs(logits("logits"), logits("alternate_logits"), 0, b, b)).item_double();
      for (int cut : new int[] {1, 2}) {
        double parts = loss.value(inputs(logits("logits"), logits("alternate_logits"), 0, cut, b)).item_double()
            + loss.value(inputs(logits("logits"), logits("alternate_logits"), cut, b, b)).item_double();
        assertEquals(whole, parts, 1e-12, "cut at row " + cut);
      }
    }
  }

  /** The pairing matters: the forget answers beside another row's alternates give another loss. */
  @Test
  void misalignedPairsGiveAnotherLoss() {
    DpoLoss loss = new DpoLoss(1.5);
    try (PointerScope scope = new PointerScope()) {
      double aligned = loss.value(inputs(logits("logits"), logits("alternate_logits"), 0, b, b)).item_double();
      LossInputs in = inputs(logits("logits"), logits("alternate_logits"), 0, b, b);
      LossInputs alt = in.alternate();
      Tensor reversed = AbstractTensor.create(new long[] {3, 2, 1, 0}, 4);
      LossInputs shuffled = new LossInputs(in.logits(), in.labels(), in.attentionMask(), null, in.referenceLogits(),
          null, in.scale(), new LossInputs(alt.logits().index_select(0, reversed), alt.labels().index_select(0, reversed),
              alt.attentionMask(), null, alt.referenceLogits().index_select(0, reversed), null, alt.scale()));
      assertNotEquals(aligned, loss.value(shuffled).item_double(), 1e-3);
    }
  }

  @Test
  void betaIsValidated() {
    assertThrows(IllegalArgumentException.class, () -> new DpoLoss(0));
    assertThrows(IllegalArgumentException.class, () -> new DpoLoss(Double.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> new DpoLoss(Double.NaN));
  }

  // ---- helpers: rows [from, to) of the fixture, scaled by a batch of `samples` rows

  static LossInputs inputs(Tensor logits, Tensor alternateLogits, long from, long to, int samples) {
    LossScale scale = new LossScale(samples, 1, 1, 0);  // DPO divides by samples alone
    long[] attended = new long[b * t];
    java.util.Arrays.fill(attended, 1);  // DPO reads the labels alone, never the mask
    Tensor ones = rows(AbstractTensor.create(attended, b, t), from, to);
    LossInputs alternate = new LossInputs(rows(alternateLogits, from, to), rows(labels("alternate_labels"), from, to),
        ones, null, rows(logits("reference_alternate_logits"), from, to), null, scale);
    return new LossInputs(rows(logits, from, to), rows(labels("labels"), from, to), ones, null,
        rows(logits("reference_logits"), from, to), null, scale, alternate);
  }

  static Tensor logits(String key) {
    return AbstractTensor.create(doubles(fixture.get(key)), b, t, v);
  }

  static Tensor labels(String key) {
    JsonNode a = fixture.get(key);
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asLong();
    }
    return AbstractTensor.create(out, b, t);
  }

  static Tensor rows(Tensor x, long from, long to) {
    return x.slice(0, new LongOptional(from), new LongOptional(to), 1);
  }

  static double[] doubles(JsonNode a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asDouble();
    }
    return out;
  }
}
