package org.blurnative.update;

/** The two scalars of u = c_f·g_f + c_r·g_r (DESIGN.md §1). */
public record Coefficients(double cf, double cr) {

  /**
   * A coefficient that divides by a squared norm (d/F, 1/√F), or 0 when the norm is too small for
   * the quotient to be a float32, which is what the kernels scale float32 gradients by. F that
   * small (below about 1e-76 against d) means the gradient underflowed float32 long ago: it is
   * treated as the zero gradient, as F = 0 is, rather than stopping the run on a refused
   * coefficient. NaN stays NaN, so a non-finite gradient is still seen.
   */
  static double withinFloatRange(double c) {
    return Math.abs(c) > Float.MAX_VALUE ? 0 : c;
  }
}
