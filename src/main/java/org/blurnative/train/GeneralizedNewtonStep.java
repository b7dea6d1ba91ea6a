package org.blurnative.train;

/**
 * The step-size rule of GeN (Bu and Xu 2024, arXiv 2407.02772) that NGDiff uses as its adaptive
 * learning rate (Bu et al. 2024, arXiv 2410.22086). After a step θ → θ + Δ, the probe loss is
 * measured at θ − Δ, θ and θ + Δ; the parabola through the three points has its minimum at
 * r*·Δ, where
 *
 * <pre>
 *   r* = ½ · (L(−Δ) − L(+Δ)) / (L(+Δ) − 2·L(θ) + L(−Δ))
 * </pre>
 *
 * is η* ÷ η for the learning rate η that produced Δ (an AdamW or SGD step is linear in η). As in
 * GeN, the estimate moves the learning rate only part of the way, within a factor of two per
 * probe, and only when the parabola has a minimum ahead (descending and curving up); otherwise
 * the rate stays. A non-finite probe loss means the step overshot: the rate halves.
 */
final class GeneralizedNewtonStep {
  /** Weight of the current scale in the new one (GeN's smoothing). */
  static final double SMOOTHING = 0.9;
  /** The estimate is clamped to [1/MAX_CHANGE, MAX_CHANGE] times the current rate. */
  static final double MAX_CHANGE = 2;

  private GeneralizedNewtonStep() {}

  /**
   * r* from the probe losses at θ − Δ, θ and θ + Δ; NaN when the parabola has no minimum ahead
   * (the step ascends, or the curvature is not positive) or a loss is not finite.
   */
  static double optimalRatio(double minus, double zero, double plus) {
    double descent = (minus - plus) / 2;       // −dL/dr at r = 0, in loss units per step
    double curvature = plus - 2 * zero + minus;  // d²L/dr²
    if (!(descent > 0) || !(curvature > 0) || !Double.isFinite(descent / curvature)) {
      return Double.NaN;
    }
    return descent / curvature;
  }

  /** The learning-rate scale after a probe that measured these losses. */
  static double nextScale(double scale, double minus, double zero, double plus) {
    if (!Double.isFinite(minus) || !Double.isFinite(plus)) {
      return scale / MAX_CHANGE;
    }
    double ratio = optimalRatio(minus, zero, plus);
    if (Double.isNaN(ratio)) {
      return scale;
    }
    double clamped = Math.max(1 / MAX_CHANGE, Math.min(MAX_CHANGE, ratio));
    return scale * (SMOOTHING + (1 - SMOOTHING) * clamped);
  }
}
