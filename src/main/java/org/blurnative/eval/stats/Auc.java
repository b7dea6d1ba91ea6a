package org.blurnative.eval.stats;

import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

/**
 * Area under the ROC curve of a score that should be higher on positives than on negatives:
 * AUC = Pr(s⁺ > s⁻) + ½·Pr(s⁺ = s⁻), the Mann–Whitney U over n⁺·n⁻. This is the area that
 * sklearn's {@code auc(*roc_curve(y, s))} integrates with the trapezoid rule, ties included.
 *
 * <p>By ranks (Commons Math, ties get their average rank): U = R⁺ − n⁺(n⁺ + 1)/2 with R⁺ the
 * rank sum of the positives. Ranks are multiples of ½, so U is exact in a double.
 */
public final class Auc {
  private Auc() {}

  public static double of(double[] positives, double[] negatives) {
    int np = positives.length, nn = negatives.length;
    if (np == 0 || nn == 0) {
      throw new IllegalArgumentException(
          "AUC needs at least one positive and one negative score, got " + np + " and " + nn);
    }
    double[] pooled = new double[np + nn];
    System.arraycopy(positives, 0, pooled, 0, np);
    System.arraycopy(negatives, 0, pooled, np, nn);
    double[] ranks;
    try {
      ranks = new NaturalRanking(NaNStrategy.FAILED, TiesStrategy.AVERAGE).rank(pooled);
    } catch (org.apache.commons.math3.exception.NotANumberException e) {
      throw new IllegalArgumentException("AUC got a NaN score", e);
    }
    double rankSum = 0;
    for (int i = 0; i < np; i++) {
      rankSum += ranks[i];
    }
    double u = rankSum - np * (np + 1.0) / 2;
    return u / ((double) np * nn);
  }
}
