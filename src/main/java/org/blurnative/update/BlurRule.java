package org.blurnative.update;

import org.blurnative.kernel.GradientSums;

/**
 * BLUR with the forget loss as the lower level (paper eq. 14): u = γ·g_f + g_r − (d/F)·g_f, so
 * ⟨g_f, u⟩ = γF for every g_r (Lemma A.1(a)). When F = 0 there is nothing to protect and the
 * step is the pure retain step u = g_r (the reference code divides by zero here); so it is when
 * F is so small that c_f would leave float32's range (g_f has underflowed).
 */
public record BlurRule(double gamma) implements UpdateRule {

  public BlurRule {
    if (!Double.isFinite(gamma)) {
      throw new IllegalArgumentException("gamma must be finite, got " + gamma);
    }
  }

  @Override
  public Coefficients coefficients(GradientSums s) {
    // F == 0 rather than F > 0: a NaN F must stay visible in c_f, not turn into the retain step
    return Coefficients.withinFloatRange(Coefficients.protectedLevel(gamma, s.dot(), s.ff()), 1, s);
  }
}
