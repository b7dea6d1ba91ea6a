package org.blurnative.update;

import org.blurnative.kernel.GradientSums;

/**
 * u = g_f + λ·g_r with a fixed λ (paper eq. 1, 6): GradDiff, NPO, SimNPO and RMU as baselines
 * (with their own losses), and GA with λ = 0 (eq. 3).
 */
public record WeightedSumRule(double lambda) implements UpdateRule {

  public WeightedSumRule {
    if (!Double.isFinite(lambda)) {
      throw new IllegalArgumentException("lambda must be finite, got " + lambda);
    }
  }

  /** Gradient ascent on the forget set alone. */
  public static WeightedSumRule gradientAscent() {
    return new WeightedSumRule(0);
  }

  @Override
  public Coefficients coefficients(GradientSums s) {
    return new Coefficients(1, lambda);
  }
}
