package org.blurnative.eval.muse;

import java.util.Arrays;

/**
 * The Min-K% Prob membership score (Shi et al. 2024) as MUSE's metrics/privleak.py computes it:
 * take the log-probabilities of a text's tokens after the first (each given its prefix), keep the
 * ⌊n·k⌋ lowest, and negate their mean. The result is ≥ 0 and low for memorized text.
 *
 * <p>⌊n·k⌋ is Python's {@code int(len(all_prob) * ratio)} in double arithmetic. For MUSE's ratios
 * (0.05 … 0.6) that is the exact floor for every n below two million; for others it need not be
 * (n = 90, k = 0.7 keeps 62 tokens, not 63), and this class keeps 62 as MUSE would.
 */
public final class MinKPercent {
  /** MUSE's PrivLeak uses Min-40%. */
  public static final double MUSE_K = 0.4;

  private MinKPercent() {}

  public static double score(double[] tokenLogProbs) {
    return score(tokenLogProbs, MUSE_K);
  }

  public static double score(double[] tokenLogProbs, double k) {
    if (!(k > 0 && k <= 1)) {
      throw new IllegalArgumentException("Min-K% needs 0 < k ≤ 1, got " + k);
    }
    int kept = (int) (tokenLogProbs.length * k);
    if (kept == 0) {
      // MUSE would take the mean of nothing (NaN) and sklearn would then refuse the AUC
      throw new IllegalArgumentException("Min-" + Math.round(k * 100) + "% needs at least "
          + (int) Math.ceil(1 / k) + " token log-probabilities, got " + tokenLogProbs.length);
    }
    double[] sorted = tokenLogProbs.clone();
    Arrays.sort(sorted);
    double sum = 0;
    for (int i = 0; i < kept; i++) {
      sum += sorted[i];
    }
    return -(sum / kept);
  }
}
