package org.blurnative.loss;

import java.util.Set;
import org.bytedeco.pytorch.Tensor;

/** Retain, RMU: ‖M_l(x; θ) − M_l(x; θ₀)‖², keeping layer l's activations on retain text. */
public record RmuRetainLoss(int layer) implements Loss {
  @Override
  public String name() {
    return "rmu-retain";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.HIDDEN, Need.REFERENCE_HIDDEN);
  }

  @Override
  public int hiddenLayer() {
    return layer;
  }

  @Override
  public Tensor value(LossInputs in) {
    return ActivationDistance.of(in.hidden(), in.referenceHidden().detach(), in.attentionMask(), in.scale());
  }
}
