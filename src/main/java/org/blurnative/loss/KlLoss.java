package org.blurnative.loss;

import java.util.Set;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Retain, KL: KL(π_ref ‖ π_θ) of the next-token distributions at the answer positions, averaged
 * over the batch's answer tokens: stay where the frozen model was on the retain set.
 */
public record KlLoss() implements Loss {
  @Override
  public String name() {
    return "kl";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.LOGITS, Need.REFERENCE_LOGITS);
  }

  @Override
  public Tensor value(LossInputs in) {
    long t = in.logits().size(1);
    Tensor logP = predicting(in.logits(), t).log_softmax(-1);  // [B, T−1, V]
    Tensor logRef = predicting(in.referenceLogits(), t).log_softmax(-1).detach();
    Tensor perToken = logRef.exp().mul(logRef.sub(logP)).sum(-1);  // [B, T−1]
    Tensor mask = AnswerLogProbs.of(in.referenceLogits(), in.labels()).answerMask();
    return perToken.mul(mask).sum()
        .div(new Scalar((double) Math.max(1, in.scale().answerTokens())));
  }

  private static Tensor predicting(Tensor logits, long t) {
    return Precision.atLeastFloat(logits.slice(1, new LongOptional(0), new LongOptional(t - 1), 1));
  }
}
