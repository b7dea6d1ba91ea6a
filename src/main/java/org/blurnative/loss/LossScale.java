package org.blurnative.loss;

/**
 * The size of the whole batch a micro-batch belongs to. Losses divide by these totals, never by
 * the micro-batch's own, so the gradients accumulated over micro-batches are exactly the gradient
 * of the whole batch's loss (the reference code's projection under accumulation is not).
 *
 * @param samples sequences in the whole batch
 * @param answerTokens label positions (≠ −100) in the whole batch
 * @param inputTokens attended positions in the whole batch (RMU's activations)
 */
public record LossScale(long samples, long answerTokens, long inputTokens) {
  public LossScale {
    if (samples <= 0 || answerTokens < 0 || inputTokens < 0) {
      throw new IllegalArgumentException("a batch needs samples > 0, got " + this);
    }
  }
}
