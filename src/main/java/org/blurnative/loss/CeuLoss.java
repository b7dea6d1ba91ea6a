package org.blurnative.loss;

import java.util.Set;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Forget, CE-U (cross-entropy unlearning; Yang et al. 2025, arXiv 2503.01224), as open-unlearning
 * computes it (src/trainer/unlearn/ceu.py, cross_entropy_unlearning_loss and compute_batch_ceu with
 * ignore_first_n_answer_tokens = 1, commit d3d7cf9): at each answer position the cross entropy of
 * π_θ against q = softmax of the model's own logits (detached) with the answer token's set to −∞,
 * i.e. the model's distribution with the true token removed. Each sample's first answer token is
 * left out (the paper's footnote). Normalisation: one mean over the remaining answer tokens of the
 * whole batch, |answer tokens| − |samples whose first answer token is predicted| (LossScale).
 */
public record CeuLoss() implements Loss {

  @Override
  public String name() {
    return "ceu";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.LOGITS);
  }

  @Override
  public Tensor value(LossInputs in) {
    Tensor logits = NextTokenPositions.predictingLogits(in.logits());  // [B, T−1, V]
    Tensor index = NextTokenPositions.targetIndex(in.labels());
    Tensor q = logits.detach().scatter(-1, index, new Scalar(Double.NEGATIVE_INFINITY)).softmax(-1);
    Tensor perPosition = q.mul(logits.log_softmax(-1)).sum(-1).neg();  // [B, T−1]
    Tensor kept = NextTokenPositions.answerMask(laterAnswerTokens(in.labels()), perPosition);
    long count = in.scale().answerTokens() - in.scale().answeredSamples();
    return perPosition.mul(kept).sum().div(new Scalar((double) Math.max(1, count)));
  }

  /** The labels with each sample's first answer token (unshifted) turned into −100. */
  static Tensor laterAnswerTokens(Tensor labels) {
    Tensor answer = labels.ne(new Scalar(AnswerLogProbs.IGNORE));
    Tensor first = answer.cumsum(1).le(new Scalar(1L)).logical_and(answer);
    return labels.masked_fill(first, new Scalar(AnswerLogProbs.IGNORE));
  }
}
