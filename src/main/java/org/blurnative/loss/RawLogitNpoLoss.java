package org.blurnative.loss;

import static org.bytedeco.pytorch.global.torch.log_sigmoid;

import java.util.Set;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * The official BLUR code's NPO on MUSE (--compat raw-logit-npo), kept to reproduce it: the "log
 * ratio" is the difference of raw logits at every position and vocabulary entry, not of the
 * answers' log-probabilities, and the mean runs over all of them, padding included
 * (OptimAI-Lab/BLURLLMUnlearning@075f00e, MUSE/baselines/baselines/iterative.py:289-290):
 *
 * <pre>  neg_log_ratio = ref_logits − logits;  loss = −(2/β)·mean_{b,t,v} log σ(β·neg_log_ratio)</pre>
 *
 * Hugging Face's Trainer takes that mean per micro-batch and divides by the number of
 * micro-batches; here each micro-batch's mean is weighted by its share of the batch's samples,
 * which is the same for equal micro-batches and keeps "micro-batch losses add up to the batch's".
 */
public record RawLogitNpoLoss(double beta) implements Loss {
  public RawLogitNpoLoss {
    NpoLoss.requireBeta(beta);
  }

  @Override
  public String name() {
    return "npo-raw-logits";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.LOGITS, Need.REFERENCE_LOGITS);
  }

  @Override
  public Tensor value(LossInputs in) {
    Tensor logits = Precision.atLeastFloat(in.logits());
    Tensor negLogRatio = Precision.atLeastFloat(in.referenceLogits()).detach().sub(logits);
    double share = (double) logits.size(0) / in.scale().samples();
    return log_sigmoid(negLogRatio.mul(new Scalar(beta))).mean().mul(new Scalar(-2 / beta * share));
  }
}
