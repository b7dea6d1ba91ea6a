package org.blurnative.update;

import org.blurnative.kernel.GradientSums;

/**
 * MGDA's two-task min-norm direction (Désidéri 2012; Sener &amp; Koltun 2018, "Multi-Task Learning
 * as Multi-Objective Optimization", Algorithm 1, the two-task solver): the shortest vector of the hull
 * {α·g_f + (1−α)·g_r : α ∈ [0, 1]}, whose squared norm α²F + (1−α)²R + 2α(1−α)d is minimised at
 * α* = clip((R − d)/(F + R − 2d), 0, 1). So c_f = α*, c_r = 1 − α*. When g_f = g_r (F + R − 2d =
 * 0, including both zero) every α gives the same u and we take ½. A zero gradient gives α* = 1 or
 * 0 toward it, i.e. u = 0: MGDA stops at a Pareto-stationary point, by design. The coefficients
 * never leave [0, 1], so no float32 guard is needed; NaN sums give a NaN α (Math.max/min keep it).
 */
public record MinNormRule() implements UpdateRule {

  @Override
  public Coefficients coefficients(GradientSums s) {
    double alpha = alpha(s.dot(), s.ff(), s.rr());
    return new Coefficients(alpha, 1 - alpha);
  }

  static double alpha(double d, double f, double r) {
    double distanceSq = f + r - 2 * d;  // ‖g_f − g_r‖²
    if (distanceSq == 0) {
      return 0.5;
    }
    return Math.min(1, Math.max(0, (r - d) / distanceSq));
  }
}
