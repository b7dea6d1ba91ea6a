package org.blurnative.loss;

import java.util.Set;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/** Retain: the mean negative log-likelihood over the batch's answer tokens. */
public record NllLoss() implements Loss {
  @Override
  public String name() {
    return "nll";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.LOGITS);
  }

  @Override
  public Tensor value(LossInputs in) {
    Tensor logProb = AnswerLogProbs.of(in.logits(), in.labels()).total();
    return logProb.neg().div(new Scalar((double) Math.max(1, in.scale().answerTokens())));
  }
}
