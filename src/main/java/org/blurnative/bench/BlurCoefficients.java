package org.blurnative.bench;

import org.blurnative.kernel.GradientSums;

/**
 * (c_f, c_r) of BLUR, eq. 14: c_f = γ − d/F, c_r = 1, so that ⟨g_f, u⟩ = γ·F. The bench computes it
 * between reduce and apply, as a training step does, so its cost (nil) is inside the timed step.
 */
record BlurCoefficients(double cf, double cr) {

  /** γ = 1, the paper's setting for TOFU and MUSE. */
  static final double GAMMA = 1.0;

  /** F = 0 means g_f = 0, so c_f multiplies nothing; 0 keeps it finite. */
  static BlurCoefficients of(GradientSums sums) {
    double cf = sums.ff() == 0 ? 0 : GAMMA - sums.dot() / sums.ff();
    return new BlurCoefficients(cf, 1.0);
  }
}
