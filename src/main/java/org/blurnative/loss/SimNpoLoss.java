package org.blurnative.loss;

import static org.bytedeco.pytorch.global.torch.log_sigmoid;

import java.util.Set;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Forget, SimNPO: −(2/β)·mean_b log σ(−(β/|y_b|)·log π_θ(y_b|x_b) − δ), with each sample's own
 * answer length |y_b|; no reference model.
 */
public record SimNpoLoss(double beta, double delta) implements Loss {
  public SimNpoLoss {
    if (!(beta > 0) || Double.isInfinite(beta) || !Double.isFinite(delta)) {
      throw new IllegalArgumentException(
          "SimNPO needs beta > 0 and a finite delta, got beta " + beta + ", delta " + delta);
    }
  }

  @Override
  public String name() {
    return "simnpo";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.LOGITS);
  }

  @Override
  public Tensor value(LossInputs in) {
    AnswerLogProbs lp = AnswerLogProbs.of(in.logits(), in.labels());
    Tensor lengths = lp.lengths().clamp_min(new Scalar(1.0));  // an empty answer adds log σ(−δ)
    Tensor margin = lp.perSample().div(lengths).mul(new Scalar(-beta)).sub(new Scalar(delta));
    return log_sigmoid(margin).sum().mul(new Scalar(-2 / beta / in.scale().samples()));
  }
}
