package org.blurnative.update;

import org.blurnative.kernel.GradientSums;

/**
 * PCGrad (Yu et al. 2020, "Gradient Surgery for Multi-Task Learning", Algorithm 1) for two
 * tasks: when the gradients conflict (d < 0) each is projected off the other,
 * g_f' = g_f − (d/R)·g_r and g_r' = g_r − (d/F)·g_f, and u = g_f' + g_r'; otherwise u = g_f + g_r.
 * So c_f = 1 − d/F, c_r = 1 − d/R when d < 0, else (1, 1). Then ⟨g_f, u⟩ = F − d²/R ≥ 0 and
 * ⟨g_r, u⟩ = R − d²/F ≥ 0 by Cauchy–Schwarz: neither objective gets worse to first order. d < 0
 * implies F, R > 0; a projection coefficient leaving float32's range (an underflowed gradient)
 * is dropped as in {@link BlurRule}. A NaN d fails "d < 0" but the sums pass through unchanged.
 */
public record PcGradRule() implements UpdateRule {

  @Override
  public Coefficients coefficients(GradientSums s) {
    double d = s.dot();
    if (!(d < 0)) {
      return Double.isNaN(d) ? new Coefficients(d, d) : new Coefficients(1, 1);
    }
    return Coefficients.withinFloatRange(1 - d / s.ff(), 1 - d / s.rr(), s);
  }
}
