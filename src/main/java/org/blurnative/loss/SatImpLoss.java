package org.blurnative.loss;

import java.util.Set;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Forget, SatImp (Yang et al. 2025, saturation and importance reweighting), as open-unlearning
 * computes it (src/trainer/utils.py, compute_satimp_loss, commit d3d7cf9): mean over answer tokens
 * of π(y_t)^β₁·(1 − π(y_t))^β₂·log π(y_t), the weight held constant (detached). Normalisation: one
 * mean over every answer token of the whole batch, as open-unlearning's mask-then-mean.
 */
public record SatImpLoss(double beta1, double beta2) implements Loss {
  public SatImpLoss {
    if (!Double.isFinite(beta1) || !Double.isFinite(beta2)) {
      throw new IllegalArgumentException("SatImp betas must be finite, got " + beta1 + ", " + beta2);
    }
  }

  @Override
  public String name() {
    return "satimp";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.LOGITS);
  }

  @Override
  public Tensor value(LossInputs in) {
    AnswerLogProbs lp = AnswerLogProbs.of(in.logits(), in.labels());
    Tensor logP = lp.tokenLogProbs();
    Tensor p = logP.exp().detach();
    // off the answers p = 1 and (1 − p)^β₂ may be 0^β₂; the mask keeps 0·∞ and 0/0 out
    Tensor weight = p.pow(new Scalar(beta1)).mul(p.neg().add(new Scalar(1.0)).pow(new Scalar(beta2)))
        .mul(lp.answerMask());
    return weight.mul(logP).sum().div(new Scalar((double) Math.max(1, in.scale().answerTokens())));
  }
}
