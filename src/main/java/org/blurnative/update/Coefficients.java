package org.blurnative.update;

/** The two scalars of u = c_f·g_f + c_r·g_r (DESIGN.md §1). */
public record Coefficients(double cf, double cr) {

  /**
   * {@code numerator / squaredNorm}-style coefficient {@code c} computed from finite sums: 0 when
   * it leaves float32's range, which the kernels scale float32 gradients by. A squared norm that
   * small (below about 1e-76 against the numerator) means the gradient underflowed float32: it is
   * treated as the zero gradient, as a zero norm is, rather than stopping the run on a refused
   * coefficient. Sums that are not finite (poisoned gradients) pass {@code c} through unchanged,
   * so the trainer still sees them.
   */
  /**
   * γ − d/N, the coefficient of the protected level's gradient (N its squared norm) that makes
   * ⟨g, u⟩ = γN: 0 when N = 0 (nothing to protect) or when the quotient leaves float32's range.
   */
  static double protectedLevel(double gamma, double dot, double squaredNorm) {
    return squaredNorm == 0 ? 0 : withinFloatRange(gamma - dot / squaredNorm, dot, squaredNorm);
  }

  static double withinFloatRange(double c, double... sums) {
    for (double s : sums) {
      if (!Double.isFinite(s)) {
        return c;
      }
    }
    return Math.abs(c) > Float.MAX_VALUE ? 0 : c;
  }
}
