package org.blurnative.update;

import org.blurnative.kernel.GradientSums;

/**
 * What the paper plots (Figs. 2, 3, C.2–C.4), free from the scalars the step already has
 * (DESIGN.md §1). A quantity whose denominator is zero is NaN: it is undefined, not zero.
 *
 * @param cos cos(g_f, g_r) = d/√(FR)
 * @param forgetAlignment A_f = ⟨g_f, u⟩/F = c_f + c_r·d/F (γ for BLUR, Lemma A.1(a))
 * @param retainAlignment A_r = ⟨g_r, u⟩/R = c_f·d/R + c_r
 * @param updateNorm ‖u‖ = √(c_f²F + 2c_f·c_r·d + c_r²R)
 */
public record Diagnostics(
    double cos, double forgetAlignment, double retainAlignment, double updateNorm) {

  public static Diagnostics of(GradientSums s, Coefficients c) {
    double d = s.dot(), f = s.ff(), r = s.rr();
    double cos = f > 0 && r > 0 ? d / Math.sqrt(f * r) : Double.NaN;
    double forget = f > 0 ? c.cf() + c.cr() * d / f : Double.NaN;
    double retain = r > 0 ? c.cf() * d / r + c.cr() : Double.NaN;
    // max(0, ·): rounding can push an exactly-zero ‖u‖² slightly negative
    double normSq = c.cf() * c.cf() * f + 2 * c.cf() * c.cr() * d + c.cr() * c.cr() * r;
    return new Diagnostics(cos, forget, retain, Math.sqrt(Math.max(0, normSq)));
  }
}
