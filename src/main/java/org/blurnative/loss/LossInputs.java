package org.blurnative.loss;

import org.bytedeco.pytorch.Tensor;

/**
 * What one micro-batch's forward passes produced, for a {@link Loss} to reduce to a scalar.
 * Fields a loss does not declare in {@link Loss#needs()} may be null.
 *
 * @param logits the trained model's logits, [B, T, V]
 * @param labels answer token ids, −100 elsewhere, unshifted as in Hugging Face, [B, T] int64
 * @param attentionMask 1 on real tokens, 0 on padding, [B, T]
 * @param hidden the trained model's activations M_l(x; θ) at the loss's layer, [B, T, D]
 * @param referenceLogits the frozen reference model's logits (no gradient), [B, T, V]
 * @param referenceHidden the frozen model's activations M_l(x; θ₀) (no gradient), [B, T, D]
 * @param scale totals of the whole batch
 * @param alternate the same rows with their alternate answers (a preference loss's preferred
 *     answers): logits, labels, mask and reference logits as its loss's ALTERNATE needs ask, the
 *     same scale; null for the losses that compare no answers
 */
public record LossInputs(
    Tensor logits,
    Tensor labels,
    Tensor attentionMask,
    Tensor hidden,
    Tensor referenceLogits,
    Tensor referenceHidden,
    LossScale scale,
    LossInputs alternate) {

  /** Inputs without alternate answers. */
  public LossInputs(Tensor logits, Tensor labels, Tensor attentionMask, Tensor hidden, Tensor referenceLogits,
      Tensor referenceHidden, LossScale scale) {
    this(logits, labels, attentionMask, hidden, referenceLogits, referenceHidden, scale, null);
  }
}
