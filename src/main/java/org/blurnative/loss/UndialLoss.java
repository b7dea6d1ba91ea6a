package org.blurnative.loss;

import static org.bytedeco.pytorch.global.torch.zeros_like;

import java.util.Set;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Forget, UNDIAL (Dong et al. 2025, self-distillation with adjusted logits), as open-unlearning
 * computes it (src/trainer/utils.py, compute_undial_loss, commit d3d7cf9): the cross entropy of
 * π_θ against the soft label softmax(z_ref − β·1[v = y_t]) at each position, the frozen reference's
 * logits with the answer token's logit lowered by the strength β (at non-answer positions, plain
 * softmax(z_ref): distillation toward the original model). Normalisation: one mean over the
 * predicting positions of the whole batch, prompt included, as open-unlearning's loss.mean(); we
 * leave padding out of it (open-unlearning counts padded positions too, so its value depends on
 * how a batch is padded, and a sum over micro-batches would not be the batch's loss). There, a
 * non-answer position's label −100 indexes the vocabulary from its end and lowers token V−100's
 * logit: an indexing accident we do not reproduce.
 */
public record UndialLoss(double strength) implements Loss {
  public UndialLoss {
    if (!Double.isFinite(strength)) {
      throw new IllegalArgumentException("UNDIAL strength must be finite, got " + strength);
    }
  }

  @Override
  public String name() {
    return "undial";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.LOGITS, Need.REFERENCE_LOGITS);
  }

  @Override
  public Tensor value(LossInputs in) {
    Tensor logP = NextTokenPositions.predictingLogits(in.logits()).log_softmax(-1);  // [B, T−1, V]
    Tensor teacher = NextTokenPositions.predictingLogits(in.referenceLogits()).detach();
    Tensor answer = NextTokenPositions.answerMask(in.labels(), teacher).unsqueeze(-1);  // [B, T−1, 1]
    Tensor lowered = zeros_like(teacher).scatter(-1, NextTokenPositions.targetIndex(in.labels()),
        new Scalar(strength)).mul(answer);
    Tensor soft = teacher.sub(lowered).softmax(-1);
    Tensor perPosition = soft.mul(logP).sum(-1).neg();  // [B, T−1]
    Tensor attended = NextTokenPositions.attendedMask(in.attentionMask(), perPosition);
    long positions = in.scale().inputTokens() - in.scale().samples();  // Σ_b (n_b − 1)
    return perPosition.mul(attended).sum().div(new Scalar((double) Math.max(1, positions)));
  }
}
