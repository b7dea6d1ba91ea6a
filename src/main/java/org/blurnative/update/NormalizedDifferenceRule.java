package org.blurnative.update;

import org.blurnative.kernel.GradientSums;

/**
 * NGDiff (Bu et al. 2024, arXiv 2410.22086): u = g_f/‖g_f‖ + g_r/‖g_r‖, each task's gradient
 * normalised so neither dominates. A zero gradient (or one so small that 1/‖g‖ leaves float32's
 * range) contributes nothing rather than 0/0. The method's adaptive learning rate is the
 * trainer's business, not the direction's.
 */
public record NormalizedDifferenceRule() implements UpdateRule {

  @Override
  public Coefficients coefficients(GradientSums s) {
    return Coefficients.withinFloatRange(inverseNorm(s.ff()), inverseNorm(s.rr()), s);
  }

  static double inverseNorm(double squaredNorm) {
    if (!Double.isFinite(squaredNorm)) {
      return Double.NaN;  // a poisoned gradient must not read as a zero one (1/√∞ = 0)
    }
    return squaredNorm == 0 ? 0 : 1 / Math.sqrt(squaredNorm);
  }
}
