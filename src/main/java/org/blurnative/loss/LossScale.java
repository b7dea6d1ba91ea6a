package org.blurnative.loss;

/**
 * The size of the whole batch a micro-batch belongs to. Losses divide by these totals, never by
 * the micro-batch's own, so the gradients accumulated over micro-batches are exactly the gradient
 * of the whole batch's loss (the reference code's projection under accumulation is not).
 *
 * @param samples sequences in the whole batch
 * @param answerTokens label positions (≠ −100) in the whole batch
 * @param inputTokens attended positions in the whole batch (RMU's activations)
 * @param answeredSamples sequences whose first answer token is a predicted position (t ≥ 1): what
 *     CE-U, which skips each sample's first answer token, takes off answerTokens
 */
public record LossScale(long samples, long answerTokens, long inputTokens, long answeredSamples) {
  public LossScale {
    if (samples <= 0 || answerTokens < 0 || inputTokens < 0 || answeredSamples < 0 || answeredSamples > samples) {
      throw new IllegalArgumentException("a batch needs samples > 0, got " + this);
    }
  }
}
