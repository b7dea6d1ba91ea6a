package org.blurnative.update;

import org.blurnative.kernel.GradientSums;

/**
 * The official BLUR code's combination for RMU on WMDP (--compat rmu-alpha), kept to reproduce it
 * (OptimAI-Lab/BLURLLMUnlearning@075f00e, WMDP/rmu/unlearn_bi.py:105-108):
 *
 * <pre>  u = g_f + α·(g_r − (d/F)·g_f),  i.e. c_f = 1 − α·d/F, c_r = α</pre>
 *
 * which is α times eq. 14 with γ = 1/α: ⟨g_f, u⟩ = F whatever α, and the retain step is α times
 * longer than eq. 14's. α is the retain weight (--lambda). With F = 0 the official code divides
 * by zero; here, as in {@link BlurRule}, there is then nothing to protect and u = α·g_r.
 */
public record RmuAlphaBlurRule(double alpha) implements UpdateRule {

  public RmuAlphaBlurRule {
    if (!Double.isFinite(alpha)) {
      throw new IllegalArgumentException("alpha must be finite, got " + alpha);
    }
  }

  @Override
  public Coefficients coefficients(GradientSums s) {
    double cf = s.ff() == 0 ? 0 : 1 - alpha * s.dot() / s.ff();
    return Coefficients.withinFloatRange(cf, alpha, s);
  }
}
