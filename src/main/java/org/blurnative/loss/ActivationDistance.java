package org.blurnative.loss;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/** RMU's distance: mean over D of (h − target)², summed over attended tokens, over the batch's. */
final class ActivationDistance {
  private ActivationDistance() {}

  /** hidden [B, T, D]; target broadcastable to it; the mask [B, T] drops padding. */
  static Tensor of(Tensor hidden, Tensor target, Tensor attentionMask, LossScale scale) {
    Tensor h = Precision.atLeastFloat(hidden);
    Tensor diff = h.sub(target.to(h.device(), h.scalar_type()));
    Tensor perToken = diff.mul(diff).mean(-1);  // [B, T]
    return perToken.mul(attentionMask.to(h.scalar_type())).sum()
        .div(new Scalar((double) Math.max(1, scale.inputTokens())));
  }
}
