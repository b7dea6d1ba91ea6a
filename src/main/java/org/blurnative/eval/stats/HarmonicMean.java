package org.blurnative.eval.stats;

/**
 * n / Σ 1/xᵢ, as {@code scipy.stats.hmean}: 0 as soon as one value is 0, undefined for negative
 * values.
 */
public final class HarmonicMean {
  private HarmonicMean() {}

  public static double of(double... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("The harmonic mean needs at least one value");
    }
    double reciprocals = 0;
    for (double v : values) {
      if (!(v >= 0)) {
        throw new IllegalArgumentException("The harmonic mean is defined for values ≥ 0, got " + v);
      }
      reciprocals += 1.0 / v;  // 1/0 = ∞, so one zero makes the mean 0
    }
    return values.length / reciprocals;
  }
}
