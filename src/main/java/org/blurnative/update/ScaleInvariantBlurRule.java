package org.blurnative.update;

import org.blurnative.kernel.GradientSums;

/**
 * Scale-invariant BLUR, our extension (not in the paper): eq. 14 applied to the normalised
 * gradients ĝ = g/‖g‖, u = γ·ĝ_f + ĝ_r − ⟨ĝ_f, ĝ_r⟩·ĝ_f, so ⟨ĝ_f, u⟩ = γ whatever the two norms.
 * Plain BLUR's correction d/F is cos·‖g_r‖/‖g_f‖, about 1 % of γ on the demo, whose F is 146–1220×
 * R (README, "What a run shows"); here it is cos itself. On the raw gradients, with cos = d/√(FR):
 * c_f = (γ − cos)/√F and c_r = 1/√R. A zero g_f leaves u = ĝ_r (nothing to protect, as
 * {@link BlurRule}); a zero g_r leaves u = γ·ĝ_f; a gradient so small that 1/‖g‖ leaves float32's
 * range counts as zero ({@link Coefficients#withinFloatRange}). Like NGDiff, ‖u‖ no longer
 * carries the gradients' scale, so --lr means a step length.
 */
public record ScaleInvariantBlurRule(double gamma) implements UpdateRule {

  public ScaleInvariantBlurRule {
    if (!Double.isFinite(gamma)) {
      throw new IllegalArgumentException("gamma must be finite, got " + gamma);
    }
  }

  @Override
  public Coefficients coefficients(GradientSums s) {
    double invF = NormalizedDifferenceRule.inverseNorm(s.ff());
    double invR = NormalizedDifferenceRule.inverseNorm(s.rr());
    double cos = s.dot() * invF * invR;  // 0 when either gradient is zero (its inverse norm is 0); NaN stays NaN
    return Coefficients.withinFloatRange((gamma - cos) * invF, invR, s);
  }
}
