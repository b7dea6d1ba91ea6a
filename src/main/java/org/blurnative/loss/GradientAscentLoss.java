package org.blurnative.loss;

import java.util.Set;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/** Forget, GA (paper eq. 3): the negated NLL of the forget answers; minimising it ascends the NLL. */
public record GradientAscentLoss() implements Loss {
  @Override
  public String name() {
    return "ga";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.LOGITS);
  }

  @Override
  public Tensor value(LossInputs in) {
    Tensor logProb = AnswerLogProbs.of(in.logits(), in.labels()).total();
    return logProb.div(new Scalar((double) Math.max(1, in.scale().answerTokens())));
  }
}
