package org.blurnative.update;

import org.blurnative.kernel.GradientSums;

/**
 * A step's (c_f, c_r) after clipping: when ‖u‖ exceeds the limit, both coefficients are scaled by
 * limit/‖u‖, so clipping shortens u and never g_f or g_r alone (DESIGN.md §2). ‖u‖ comes from (d, F,
 * R) and the coefficients ({@link Diagnostics#updateNorm}), with no pass over the buffers.
 *
 * @param scale the factor u was shortened by; null when it was not (u short enough, or no limit)
 */
public record ClippedCoefficients(Coefficients coefficients, Double scale) {

  /** {@code c} clipped to {@code maxNorm}; 0 means no limit. */
  public static ClippedCoefficients of(Coefficients c, GradientSums sums, double maxNorm) {
    double norm = Diagnostics.of(sums, c).updateNorm();
    if (maxNorm > 0 && norm > maxNorm) {
      double scale = maxNorm / norm;
      return new ClippedCoefficients(new Coefficients(c.cf() * scale, c.cr() * scale, c.forgetUnderflowed(),
          c.retainUnderflowed()), scale);
    }
    return new ClippedCoefficients(c, null);
  }
}
