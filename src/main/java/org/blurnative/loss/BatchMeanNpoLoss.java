package org.blurnative.loss;

import static org.bytedeco.pytorch.global.torch.log_sigmoid;

import java.util.Set;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * The official BLUR code's NPO on TOFU (--compat batch-mean-npo), kept to reproduce it: the
 * answers' log-ratios are averaged over the micro-batch before the log-sigmoid, so the loss is
 * NPO's of one averaged sample, not the average of NPO's per sample
 * (OptimAI-Lab/BLURLLMUnlearning@075f00e, TOFU/src/trainer/utils.py:24-34, compute_batch_nll
 * returns loss.mean(), and :57):
 *
 * <pre>  loss = −(2/β)·log σ(−β·mean_b(log π_θ(y_b|x_b) − log π_ref(y_b|x_b)))</pre>
 *
 * Each micro-batch's value is weighted by its share of the batch's samples, 1/K for K equal
 * micro-batches, as Hugging Face's Trainer divides by K.
 */
public record BatchMeanNpoLoss(double beta) implements Loss {
  public BatchMeanNpoLoss {
    NpoLoss.requireBeta(beta);
  }

  @Override
  public String name() {
    return "npo-batch-mean";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.LOGITS, Need.REFERENCE_LOGITS);
  }

  @Override
  public Tensor value(LossInputs in) {
    Tensor meanRatio = AnswerLogProbs.logRatio(in).mean();
    double share = (double) in.logits().size(0) / in.scale().samples();
    return log_sigmoid(meanRatio.mul(new Scalar(-beta))).mul(new Scalar(-2 / beta * share));
  }
}
