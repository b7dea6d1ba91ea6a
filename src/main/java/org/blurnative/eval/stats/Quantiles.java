package org.blurnative.eval.stats;

import java.util.Arrays;

/**
 * The five numbers a report shows of a distribution. Quantiles interpolate linearly between order
 * statistics, at position p·(n − 1) of the sorted values (numpy.quantile's default, "linear").
 */
public record Quantiles(double min, double p10, double median, double p90, double max) {

  public static Quantiles of(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("quantiles of no values");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return new Quantiles(sorted[0], at(sorted, 0.1), at(sorted, 0.5), at(sorted, 0.9), sorted[sorted.length - 1]);
  }

  private static double at(double[] sorted, double p) {
    double h = p * (sorted.length - 1);
    int below = (int) Math.floor(h);
    int above = Math.min(below + 1, sorted.length - 1);
    return sorted[below] + (h - below) * (sorted[above] - sorted[below]);
  }
}
