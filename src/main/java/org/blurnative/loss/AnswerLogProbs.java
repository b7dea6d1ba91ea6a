package org.blurnative.loss;

import static org.bytedeco.pytorch.global.torch.cross_entropy_loss;

import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;

/**
 * log π(y|x) of each sample's answer: the token log-probabilities at label positions, summed per
 * sample, with Hugging Face's shift (the logits at t predict the label at t + 1).
 *
 * @param tokenLogProbs log π of each label token, 0 elsewhere, [B, T−1], float32 or wider
 * @param answerMask 1 at label positions, [B, T−1], the same dtype
 */
public record AnswerLogProbs(Tensor tokenLogProbs, Tensor answerMask) {
  static final long IGNORE = -100;
  private static final long NO_REDUCTION = 0;  // at::Reduction::None

  public static AnswerLogProbs of(Tensor logits, Tensor labels) {
    long b = logits.size(0), t = logits.size(1), v = logits.size(2);
    Tensor predicting = logits.slice(1, new LongOptional(0), new LongOptional(t - 1), 1);  // [B, T−1, V]
    Tensor targets = labels.slice(1, new LongOptional(1), new LongOptional(t), 1);  // [B, T−1]
    // cross entropy per token, in float32 or wider whatever the weights' dtype
    Tensor nll = cross_entropy_loss(
        Precision.atLeastFloat(predicting).reshape(-1, v), targets.reshape(-1), new TensorOptional(),
        NO_REDUCTION, IGNORE, 0.0);
    Tensor mask = targets.ne(new Scalar(IGNORE)).to(nll.scalar_type());
    return new AnswerLogProbs(nll.neg().view(b, t - 1), mask);
  }

  /**
   * log π_θ(y_b|x_b) − log π_ref(y_b|x_b) of each sample, the reference's side detached, [B]: what
   * NPO and DPO compare the model with the frozen one by.
   */
  public static Tensor logRatio(LossInputs in) {
    Tensor current = of(in.logits(), in.labels()).perSample();
    return current.sub(of(in.referenceLogits(), in.labels()).perSample().detach());
  }

  /** log π(y_b|x_b) = Σ_t log π(y_t | x, y_<t), [B]. */
  public Tensor perSample() {
    return tokenLogProbs.sum(1);
  }

  /** |y_b|, [B]. */
  public Tensor lengths() {
    return answerMask.sum(1);
  }

  /** Σ over every answer token of the micro-batch, 0-dim. */
  public Tensor total() {
    return tokenLogProbs.sum();
  }
}
