package org.blurnative.loss;

import java.util.Set;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * The official BLUR code's KL retain loss on MUSE (--compat raw-logit-kl), kept to reproduce it:
 * raw logits passed where log-probabilities belong, F.kl_div(logits, ref_logits,
 * reduction="batchmean", log_target=True) (OptimAI-Lab/BLURLLMUnlearning@075f00e,
 * MUSE/baselines/baselines/iterative.py:302-307), which is
 *
 * <pre>  Σ_{b,t,v} exp(ref)·(ref − logits) / B</pre>
 *
 * over every position, padding included; neither term is a distribution, so it is not a
 * divergence and can be negative. B is the whole batch's sample count, as in {@link KlLoss}.
 */
public record RawLogitKlLoss() implements Loss {
  @Override
  public String name() {
    return "kl-raw-logits";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.LOGITS, Need.REFERENCE_LOGITS);
  }

  @Override
  public Tensor value(LossInputs in) {
    Tensor logits = Precision.atLeastFloat(in.logits());
    Tensor reference = Precision.atLeastFloat(in.referenceLogits()).detach();
    return reference.exp().mul(reference.sub(logits)).sum()
        .div(new Scalar((double) in.scale().samples()));
  }
}
