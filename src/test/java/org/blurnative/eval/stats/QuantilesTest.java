package org.blurnative.eval.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class QuantilesTest {
  @Test
  void interpolatesBetweenSortedValuesAsNumpyDoes() {
    // numpy.quantile([7, 1, 3, 5, 2], [0, .1, .5, .9, 1]) = [1, 1.4, 3, 6.2, 7]
    Quantiles q = Quantiles.of(new double[] {7, 1, 3, 5, 2});
    assertEquals(new Quantiles(1, 1.4, 3, 6.2, 7), roundedTo12(q));
    assertEquals(new Quantiles(4, 4, 4, 4, 4), Quantiles.of(new double[] {4}));
  }

  private static Quantiles roundedTo12(Quantiles q) {
    return new Quantiles(r(q.min()), r(q.p10()), r(q.median()), r(q.p90()), r(q.max()));
  }

  private static double r(double x) {
    return Math.round(x * 1e12) / 1e12;
  }
}
