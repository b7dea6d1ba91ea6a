package org.blurnative.eval.muse;

import java.util.Arrays;

/**
 * The Min-K% Prob membership score (Shi et al. 2024): keep the lowest fraction k of a text's token
 * log-probabilities and negate their mean. The result is ≥ 0 and low for memorized text. MUSE and
 * open-unlearning count the kept tokens alike but differ at the edge, so each has its entry point.
 *
 * <p>The count is Python's {@code int(len * k)} in double arithmetic. For MUSE's ratios (0.05 …
 * 0.6) that is the exact floor for every n below two million; for others it need not be (n = 90,
 * k = 0.7 keeps 62 tokens, not 63), and this class keeps 62 as Python would.
 */
public final class MinKPercent {
  /** MUSE's PrivLeak and open-unlearning's mia_min_k configs use Min-40%. */
  public static final double MUSE_K = 0.4;

  private MinKPercent() {}

  public static double score(double[] tokenLogProbs) {
    return score(tokenLogProbs, MUSE_K);
  }

  /**
   * MUSE's metrics/privleak.py: the ⌊n·k⌋ lowest of the tokens after the first. A text too short
   * to keep one token is refused: MUSE would take the mean of nothing (NaN), and sklearn would then
   * refuse the AUC.
   */
  public static double score(double[] tokenLogProbs, double k) {
    requireK(k);
    int kept = (int) (tokenLogProbs.length * k);
    if (kept == 0) {
      throw new IllegalArgumentException("Min-" + Math.round(k * 100) + "% needs at least "
          + (int) Math.ceil(1 / k) + " token log-probabilities, got " + tokenLogProbs.length);
    }
    return -bottomMean(tokenLogProbs, kept);
  }

  /**
   * open-unlearning's MinKProbAttack.compute_score (src/evals/metrics/mia/min_k.py, commit
   * d3d7cf9): {@code num_k = max(1, int(len(lp) * k))}, {@code -mean(sort(lp)[:num_k])}, and 0 for
   * a sample without tokens. Its Min-K%++ ranks its normalised token scores the same way.
   */
  public static double openUnlearning(double[] tokenScores, double k) {
    requireK(k);
    if (tokenScores.length == 0) {
      return 0;
    }
    return -bottomMean(tokenScores, Math.max(1, (int) (tokenScores.length * k)));
  }

  private static void requireK(double k) {
    if (!(k > 0 && k <= 1)) {
      throw new IllegalArgumentException("Min-K% needs 0 < k ≤ 1, got " + k);
    }
  }

  /** Mean of the {@code kept} lowest values. */
  private static double bottomMean(double[] values, int kept) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double sum = 0;
    for (int i = 0; i < kept; i++) {
      sum += sorted[i];
    }
    return sum / kept;
  }
}
