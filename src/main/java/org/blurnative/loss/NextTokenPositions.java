package org.blurnative.loss;

import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Hugging Face's shift for the token-level losses: the logits at t (t < T−1) predict the label at
 * t + 1. Targets at non-answer positions are clamped to 0 so they can index a row; every loss
 * masks those positions out.
 */
final class NextTokenPositions {
  private NextTokenPositions() {}

  /** logits[:, :−1, :] in float32 or wider, [B, T−1, V]. */
  static Tensor predictingLogits(Tensor logits) {
    long t = logits.size(1);
    return Precision.atLeastFloat(logits.slice(1, new LongOptional(0), new LongOptional(t - 1), 1));
  }

  /** labels[:, 1:] with −100 replaced by 0, [B, T−1, 1] int64, for gather/scatter along V. */
  static Tensor targetIndex(Tensor labels) {
    return shifted(labels).clamp_min(new Scalar(0L)).unsqueeze(-1);
  }

  /** labels[:, 1:] ≠ −100 as {@code like}'s dtype, [B, T−1]. */
  static Tensor answerMask(Tensor labels, Tensor like) {
    return shifted(labels).ne(new Scalar(AnswerLogProbs.IGNORE)).to(like.scalar_type());
  }

  /** Positions whose token and next token are both attended (real, not padding), [B, T−1]. */
  static Tensor attendedMask(Tensor attentionMask, Tensor like) {
    long t = attentionMask.size(1);
    Tensor now = attentionMask.slice(1, new LongOptional(0), new LongOptional(t - 1), 1);
    return now.mul(shifted(attentionMask)).to(like.scalar_type());
  }

  static Tensor shifted(Tensor perPosition) {
    long t = perPosition.size(1);
    return perPosition.slice(1, new LongOptional(1), new LongOptional(t), 1);
  }
}
