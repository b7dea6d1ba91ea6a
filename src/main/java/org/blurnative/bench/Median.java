package org.blurnative.bench;

import java.util.stream.DoubleStream;

/** The median of timings: robust to the odd run slowed by the OS or another process. */
final class Median {
  private Median() {}

  /** The middle value, or the mean of the middle two; at least one value. */
  static double of(DoubleStream values) {
    double[] sorted = values.sorted().toArray();
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
