package org.blurnative.update;

import org.blurnative.kernel.GradientSums;

/**
 * The two scalars of u = c_f·g_f + c_r·g_r (DESIGN.md §1).
 *
 * @param forgetUnderflowed c_f is 0 because g_f underflowed float32 ({@link #withinFloatRange})
 * @param retainUnderflowed c_r is 0 because g_r underflowed float32
 */
public record Coefficients(double cf, double cr, boolean forgetUnderflowed, boolean retainUnderflowed) {

  public Coefficients(double cf, double cr) {
    this(cf, cr, false, false);
  }

  /** Whether either gradient underflowed and was treated as zero. */
  public boolean underflowed() {
    return forgetUnderflowed || retainUnderflowed;
  }

  /**
   * γ − d/N, the coefficient of the protected level's gradient (N its squared norm) that makes
   * ⟨g, u⟩ = γN; 0 when N = 0 (nothing to protect).
   */
  static double protectedLevel(double gamma, double dot, double squaredNorm) {
    return squaredNorm == 0 ? 0 : gamma - dot / squaredNorm;
  }

  /**
   * (c_f, c_r) as a rule's formula gives them, except that a coefficient computed from finite sums
   * that leaves float32's range, which the kernels scale float32 gradients by, is 0 and flagged. A
   * squared norm that small (below about 1e-76 against the numerator) means the gradient
   * underflowed float32: it is treated as the zero gradient, as a zero norm is, rather than
   * stopping the run on a refused coefficient; the flag lets the caller say so. Sums that are not
   * finite (poisoned gradients) pass the coefficients through unchanged, so the trainer still sees
   * them.
   */
  static Coefficients withinFloatRange(double cf, double cr, GradientSums s) {
    if (!(Double.isFinite(s.dot()) && Double.isFinite(s.ff()) && Double.isFinite(s.rr()))) {
      return new Coefficients(cf, cr);
    }
    boolean forget = Math.abs(cf) > Float.MAX_VALUE;
    boolean retain = Math.abs(cr) > Float.MAX_VALUE;
    return new Coefficients(forget ? 0 : cf, retain ? 0 : cr, forget, retain);
  }
}
