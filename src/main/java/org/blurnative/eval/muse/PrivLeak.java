package org.blurnative.eval.muse;

import org.blurnative.eval.stats.Auc;

/**
 * MUSE's privacy leakage (Shi et al. 2024, §3.3; MUSE eval.py): PrivLeak = (AUC_unlearned −
 * AUC_retrain)/AUC_retrain × 100, where AUC is that of a membership attack (Min-40%) telling the
 * forget set from the holdout set. 0 is ideal; strongly negative means the forget set still looks
 * like training data, positive means it was over-unlearned.
 */
public final class PrivLeak {
  /** MUSE's AUC of its retrained reference model, key forget_holdout_Min-40% (constants.py). */
  public static final double MUSE_NEWS_RETRAIN_AUC = 0.47719999999999996;
  public static final double MUSE_BOOKS_RETRAIN_AUC = 0.5392999999999999;

  private PrivLeak() {}

  public static double of(double aucUnlearned, double aucRetrain) {
    if (!(aucRetrain > 0)) {
      throw new IllegalArgumentException("PrivLeak needs a positive retrain AUC, got " + aucRetrain);
    }
    return (aucUnlearned - aucRetrain) / aucRetrain * 100;
  }

  /**
   * open-unlearning's privleak (src/evals/metrics/privacy.py, commit d3d7cf9) from its MIA AUCs
   * ({@link org.blurnative.eval.mia.MembershipAuc}) of the model and of the retain model: it turns
   * each into MUSE's convention, 1 − AUC, and takes (s − r)/(r + 1e-10) × 100.
   */
  public static double openUnlearning(double miaAuc, double retainMiaAuc) {
    double score = 1 - miaAuc, reference = 1 - retainMiaAuc;
    return (score - reference) / (reference + 1e-10) * 100;
  }

  /**
   * MUSE's {@code forget_holdout_Min-40%} AUC from the Min-K% scores of the two sets. MUSE labels
   * the holdout texts 1, the forget texts 0, and ranks by −score, so the AUC is Pr(score_forget >
   * score_holdout) + ½·Pr(tie): near 0 while the model still knows the forget set.
   */
  public static double auc(double[] forgetScores, double[] holdoutScores) {
    return Auc.of(forgetScores, holdoutScores);
  }
}
