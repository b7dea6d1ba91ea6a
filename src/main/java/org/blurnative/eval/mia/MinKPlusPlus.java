package org.blurnative.eval.mia;

/**
 * Min-K%++'s token scores (Zhang et al. 2024) as open-unlearning computes them
 * (src/evals/metrics/mia/min_k_plus_plus.py, commit d3d7cf9): each token's log-probability
 * standardised by the mean and spread of log π over the vocabulary at that position,
 * (log π(x_t) − μ_t)/√max(σ²_t, 1e-6), with μ = Σ_v π(v)·log π(v) and
 * σ² = Σ_v π(v)·log π(v)² − μ². Min-K% of these is the score.
 */
public final class MinKPlusPlus {
  /** open-unlearning's {@code torch.clamp(sigma, min=1e-6)} "for numerical stability". */
  static final double MIN_VARIANCE = 1e-6;

  private MinKPlusPlus() {}

  public static double[] normalized(MiaSample s) {
    double[] lp = s.tokenLogProbs(), mu = s.vocabMean(), var = s.vocabVariance();
    if (mu.length != lp.length) {
      throw new IllegalStateException("mia_min_k_plus_plus needs the vocabulary statistics of every token");
    }
    double[] out = new double[lp.length];
    for (int t = 0; t < lp.length; t++) {
      out[t] = (lp[t] - mu[t]) / Math.sqrt(Math.max(var[t], MIN_VARIANCE));
    }
    return out;
  }
}
