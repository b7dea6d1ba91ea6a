package org.blurnative.update;

import org.blurnative.kernel.GradientSums;

/**
 * BLUR with the roles swapped (paper Remark 2.1): the retain loss is the lower level, so
 * u = g_f + γ·g_r − (d/R)·g_r and ⟨g_r, u⟩ = γR. For ablations; R = 0 (or R so small that c_r
 * leaves float32's range) gives u = g_f.
 */
public record SwappedBlurRule(double gamma) implements UpdateRule {

  public SwappedBlurRule {
    if (!Double.isFinite(gamma)) {
      throw new IllegalArgumentException("gamma must be finite, got " + gamma);
    }
  }

  @Override
  public Coefficients coefficients(GradientSums s) {
    return Coefficients.withinFloatRange(1, Coefficients.protectedLevel(gamma, s.dot(), s.rr()), s);
  }
}
