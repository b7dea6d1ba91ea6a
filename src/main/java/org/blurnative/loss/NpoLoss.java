package org.blurnative.loss;

import static org.bytedeco.pytorch.global.torch.log_sigmoid;

import java.util.Set;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Forget, NPO: −(2/β)·mean_b log σ(−β·(log π_θ(y_b|x_b) − log π_ref(y_b|x_b))), each
 * log-probability summed over the answer tokens of its own sample (the reference code averages
 * over the batch first, which is a different and wrong objective).
 */
public record NpoLoss(double beta) implements Loss {
  public NpoLoss {
    requireBeta(beta);
  }

  /** NPO's β, here and in the official code's variants ({@link BatchMeanNpoLoss}, {@link RawLogitNpoLoss}). */
  static void requireBeta(double beta) {
    if (!(beta > 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException("NPO beta must be > 0, got " + beta);
    }
  }

  @Override
  public String name() {
    return "npo";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.LOGITS, Need.REFERENCE_LOGITS);
  }

  @Override
  public Tensor value(LossInputs in) {
    Tensor perSample = log_sigmoid(AnswerLogProbs.logRatio(in).mul(new Scalar(-beta)));
    return perSample.sum().mul(new Scalar(-2 / beta / in.scale().samples()));
  }
}
