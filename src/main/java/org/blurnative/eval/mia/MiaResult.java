package org.blurnative.eval.mia;

/** One attack's per-sample scores on the forget (members) and holdout (non-members) sets. */
public record MiaResult(MembershipAttack attack, double[] forget, double[] holdout) {

  public MiaResult {
    forget = forget.clone();
    holdout = holdout.clone();
  }

  /** open-unlearning's agg_value of the attack: its AUC. */
  public double auc() {
    return MembershipAuc.of(forget, holdout);
  }
}
