package org.blurnative.eval.mia;

import org.blurnative.eval.stats.Auc;

/**
 * open-unlearning's MIA AUC (src/evals/metrics/mia/utils.py, mia_auc, commit d3d7cf9):
 * {@code roc_auc_score} with the forget set labelled 0 and the holdout set 1, over scores that are
 * higher for non-members. So AUC = Pr(score_holdout > score_forget) + ½·Pr(tie): 1 when the forget
 * set looks far more like training data than the holdout set, ½ when the attack cannot tell.
 */
public final class MembershipAuc {
  private MembershipAuc() {}

  public static double of(double[] forgetScores, double[] holdoutScores) {
    return Auc.of(holdoutScores, forgetScores);
  }
}
