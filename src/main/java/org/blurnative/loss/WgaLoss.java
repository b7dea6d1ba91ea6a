package org.blurnative.loss;

import java.util.Set;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Forget, WGA (weighted gradient ascent; Wang et al. 2025, "Rethinking LLM Unlearning Objectives"),
 * as open-unlearning computes it (src/trainer/utils.py, compute_wga_loss, commit d3d7cf9):
 * mean over answer tokens of w_t·log π(y_t), w_t = π(y_t)^β held constant (detached). Minimising
 * it ascends the NLL of tokens the model still predicts well. Normalisation: one mean over every
 * answer token of the whole batch (not per sample), as open-unlearning's mask-then-mean.
 */
public record WgaLoss(double beta) implements Loss {
  public WgaLoss {
    if (!Double.isFinite(beta)) {
      throw new IllegalArgumentException("WGA beta must be finite, got " + beta);
    }
  }

  @Override
  public String name() {
    return "wga";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.LOGITS);
  }

  @Override
  public Tensor value(LossInputs in) {
    Tensor logP = AnswerLogProbs.of(in.logits(), in.labels()).tokenLogProbs();  // 0 off the answers
    Tensor weight = logP.mul(new Scalar(beta)).exp().detach();  // π^β
    return weight.mul(logP).sum().div(new Scalar((double) Math.max(1, in.scale().answerTokens())));
  }
}
