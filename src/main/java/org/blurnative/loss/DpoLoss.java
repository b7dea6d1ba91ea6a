package org.blurnative.loss;

import static org.bytedeco.pytorch.global.torch.log_sigmoid;

import java.util.Set;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Forget, DPO with the forget answer dispreferred (Rafailov et al. 2023's objective, applied to
 * unlearning by TOFU, Maini et al. 2024, with "I don't know" preferred), as open-unlearning
 * computes it (src/trainer/utils.py, compute_dpo_loss, called by src/trainer/unlearn/dpo.py with
 * win_inputs = the alternate answer and lose_inputs = the forget answer, commit d3d7cf9):
 * −(2/β)·mean_b log σ(β·(log π_θ/π_ref(y_w,b) − log π_θ/π_ref(y_l,b))), each log-probability
 * summed over its own sample's answer tokens (compute_batch_nll), the reference's detached.
 * open-unlearning scales by 2/β, where the DPO paper has 1; we keep its scale, so that its
 * learning rates and --lambda carry over. Normalisation: one mean over the samples of the whole
 * batch, each sample's two answers together.
 */
public record DpoLoss(double beta) implements Loss {
  public DpoLoss {
    if (!(beta > 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException("DPO beta must be > 0, got " + beta);
    }
  }

  @Override
  public String name() {
    return "dpo";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.LOGITS, Need.REFERENCE_LOGITS, Need.ALTERNATE_LOGITS, Need.REFERENCE_ALTERNATE_LOGITS);
  }

  @Override
  public Tensor value(LossInputs in) {
    Tensor preferred = AnswerLogProbs.logRatio(in.alternate());  // the alternate answer, y_w
    Tensor dispreferred = AnswerLogProbs.logRatio(in);  // the forget answer, y_l
    Tensor perSample = log_sigmoid(preferred.sub(dispreferred).mul(new Scalar(beta)));
    return perSample.sum().mul(new Scalar(-2 / beta / in.scale().samples()));
  }
}
