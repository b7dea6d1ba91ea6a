package org.blurnative.loss;

import java.util.Set;
import org.bytedeco.pytorch.Tensor;

/** Forget, GA (paper eq. 3): the negated NLL of the forget answers; minimising it ascends the NLL. */
public record GradientAscentLoss() implements Loss {
  private static final NllLoss NLL = new NllLoss();

  @Override
  public String name() {
    return "ga";
  }

  @Override
  public Set<Need> needs() {
    return NLL.needs();
  }

  @Override
  public Tensor value(LossInputs in) {
    return NLL.value(in).neg();
  }
}
