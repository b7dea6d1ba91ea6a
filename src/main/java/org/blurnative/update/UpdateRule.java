package org.blurnative.update;

import org.blurnative.kernel.GradientSums;

/** What direction: a pure function of (d, F, R) to (c_f, c_r). */
public interface UpdateRule {
  Coefficients coefficients(GradientSums sums);
}
