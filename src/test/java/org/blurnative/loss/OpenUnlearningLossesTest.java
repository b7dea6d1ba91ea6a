package org.blurnative.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AbstractTensor;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/**
 * open-unlearning's forget losses on three samples small enough to compute by hand: V = 4, T = 3,
 * every logit 0 (π = ¼ everywhere) except where a test says, answers at t = 1, 2 of samples 0 and
 * 1 and at t = 2 of sample 2 (5 answer tokens, 3 samples whose first answer token is predicted),
 * no padding (6 predicting positions). DPO's alternate answers are {@link #ALTERNATE_LABELS}.
 */
class OpenUnlearningLossesTest {
  static final int B = 3, T = 3, V = 4;
  static final long[] LABELS = {-100, 1, 2, -100, 3, 0, -100, -100, 2};
  static final LossScale SCALE = new LossScale(B, 5, B * T, 3);
  static final double LOG4 = Math.log(4);

  @Test
  void wgaWeighsEachTokensLogProbabilityByItsProbability() {
    // every token: π^β·log π = ¼^β·(−log 4)
    assertEquals(Math.pow(0.25, 2) * -LOG4, value(new WgaLoss(2), new double[B * T * V]), 1e-12);
    assertEquals(0.25 * -LOG4, value(new WgaLoss(1), new double[B * T * V]), 1e-12);
  }

  @Test
  void satImpWeighsByProbabilityAndItsComplement() {
    // ¼^5·¾·(−log 4) per token
    assertEquals(Math.pow(0.25, 5) * 0.75 * -LOG4, value(new SatImpLoss(5, 1), new double[B * T * V]), 1e-15);
    // sample 0's first answer token made certain (logit 1000 at y = 1): its weight (1 − π)^β₂ = 0,
    // its log π = 0; the other four tokens keep ¼^β₁·¾^β₂·(−log 4), over 5 answer tokens
    double[] logits = new double[B * T * V];
    logits[1] = 1000;  // sample 0, t = 0 predicts label 1
    assertEquals(4.0 / 5 * 0.25 * 0.75 * -LOG4, value(new SatImpLoss(1, 1), logits), 1e-12);
  }

  @Test
  void ceuIsTheCrossEntropyAgainstTheOtherTokensAndSkipsFirstAnswerTokens() {
    // uniform π: q is uniform over the 3 other tokens, and −Σ q log π = log 4 at every kept position
    assertEquals(LOG4, value(new CeuLoss(), new double[B * T * V]), 1e-12);
    // logits (0, 0, 0, ln 2) at sample 0, t = 1 (predicting its second answer token y = 2): π = (1,1,1,2)/5,
    // q = (1, 1, 0, 2)/4 and −Σ q log π = log 5 − ½ log 2 there; the kept positions are that one and
    // sample 1's second (log 4): sample 2's only answer token is its first
    double[] logits = new double[B * T * V];
    logits[V + 3] = Math.log(2);
    assertEquals((Math.log(5) - 0.5 * Math.log(2) + LOG4) / 2, value(new CeuLoss(), logits), 1e-12);
  }

  @Test
  void undialDistilsTheReferenceWithTheAnswerTokenLowered() {
    // a uniform student: the cross entropy of any q against it is log 4, whatever β
    assertEquals(LOG4, value(new UndialLoss(10), new double[B * T * V]), 1e-12);
    // student logits ln 3 on token 0 at sample 2, t = 0 (a prompt position, no answer): π = (3,1,1,1)/6
    // and q = softmax(z_ref = 0) = ¼ there, so −Σ q log π = log 6 − ¼ log 3; the 5 other positions keep log 4
    double[] logits = new double[B * T * V];
    logits[2 * T * V] = Math.log(3);
    assertEquals((Math.log(6) - 0.25 * Math.log(3) + 5 * LOG4) / 6, value(new UndialLoss(10), logits), 1e-12);
    // a reference sure of sample 0's first answer (z_ref = 2·ln 3 on y = 1 at t = 0) lowered by β = ln 9
    // becomes uniform again: nothing changes
    double[] reference = new double[B * T * V];
    reference[1] = 2 * Math.log(3);
    assertEquals(LOG4, value(new UndialLoss(Math.log(9)), new double[B * T * V], reference), 1e-12);
  }

  /** Alternate answers to the same three prompts: one token for sample 0, two for samples 1 and 2. */
  static final long[] ALTERNATE_LABELS = {-100, 0, -100, -100, 2, 1, -100, 3, 3};

  @Test
  void dpoPrefersTheAlternateAnswerToTheForgetAnswerRelativeToTheReference() {
    double[] zeros = new double[B * T * V];
    // model = reference: every log-ratio 0, and −(2/β)·log σ(0) = (2/β)·log 2 per sample
    assertEquals(20 * Math.log(2), dpo(0.1, zeros, zeros, zeros, zeros), 1e-12);
    // sample 0's forget answer made likelier (logit ln 3 on y = 1 at t = 0: π = ½ against the
    // reference's ¼), a log-ratio of ln 2 on the dispreferred side; sample 2's alternate answer
    // made likelier at both its tokens (y = 3 at t = 0 and 1), ln 4 on the preferred side. With
    // β = 1 the samples give log σ(−ln 2) = log ⅓, log σ(0) = log ½, log σ(ln 4) = log ⅘, and
    // −(2/3)·(log ⅓ + log ½ + log ⅘) = (2/3)·ln 7.5
    double[] forget = new double[B * T * V];
    forget[1] = Math.log(3);
    double[] alternate = new double[B * T * V];
    alternate[2 * T * V + 3] = Math.log(3);
    alternate[2 * T * V + V + 3] = Math.log(3);
    assertEquals(2.0 / 3 * Math.log(7.5), dpo(1, forget, zeros, alternate, zeros), 1e-12);
    // the same logits in the reference: the ratios are 0 again
    assertEquals(2 * Math.log(2), dpo(1, forget, forget, alternate, alternate), 1e-12);
  }

  static double dpo(double beta, double[] logits, double[] reference, double[] alternate, double[] alternateReference) {
    try (PointerScope scope = new PointerScope()) {
      Tensor ones = AbstractTensor.create(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, B, T);
      LossInputs preferred = new LossInputs(AbstractTensor.create(alternate, B, T, V),
          AbstractTensor.create(ALTERNATE_LABELS, B, T), ones, null, AbstractTensor.create(alternateReference, B, T, V),
          null, SCALE);
      LossInputs in = new LossInputs(AbstractTensor.create(logits, B, T, V), AbstractTensor.create(LABELS, B, T),
          ones, null, AbstractTensor.create(reference, B, T, V), null, SCALE, preferred);
      return new DpoLoss(beta).value(in).item_double();
    }
  }

  static double value(Loss loss, double[] logits) {
    return value(loss, logits, new double[B * T * V]);
  }

  static double value(Loss loss, double[] logits, double[] reference) {
    try (PointerScope scope = new PointerScope()) {
      Tensor ones = AbstractTensor.create(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, B, T);
      LossInputs in = new LossInputs(AbstractTensor.create(logits, B, T, V), AbstractTensor.create(LABELS, B, T),
          ones, null, AbstractTensor.create(reference, B, T, V), null, SCALE);
      return loss.value(in).item_double();
    }
  }
}
