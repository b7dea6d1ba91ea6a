package org.blurnative.eval.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Expected values from scipy 1.17.1: {@code r = scipy.stats.ks_2samp(x, y)} (method='auto',
 * two-sided), {@code r.statistic, r.pvalue} printed with repr.
 */
class KolmogorovSmirnovTest {

  // x_i = ((i·mult) mod 1000)/1000 + shift, the same doubles in Python and Java
  static double[] spread(int n, int mult, double shift) {
    return IntStream.range(0, n).mapToDouble(i -> ((long) i * mult % 1000) / 1000.0 + shift).toArray();
  }

  // one decimal, so many ties: (((i·mult) mod 1000) // 100)/10 + shift
  static double[] tied(int n, int mult, double shift) {
    return IntStream.range(0, n).mapToDouble(i -> ((long) i * mult % 1000 / 100) / 10.0 + shift).toArray();
  }

  static void assertKs(double d, double p, KsResult r) {
    assertEquals(d, r.statistic(), 1e-15, "D");
    assertEquals(p, r.pValue(), 1e-12 * p, "p-value");
  }

  @Test
  void separatedSamplesHaveTheClosedFormPValue() {
    // D = 1: only the 2 orderings with one sample wholly below the other, of C(7, 3) = 35
    KsResult r = KolmogorovSmirnov.twoSample(new double[] {1, 2, 3}, new double[] {4, 5, 6, 7});
    assertKs(1.0, 0.05714285714285715, r);  // ks_2samp([1,2,3], [4,5,6,7])
    assertEquals(2.0 / 35, r.pValue(), 1e-15);
    assertTrue(r.exact());
    // ks_2samp(range(10), range(10, 20)): 2/C(20, 10)
    double[] low = IntStream.range(0, 10).asDoubleStream().toArray();
    double[] high = IntStream.range(10, 20).asDoubleStream().toArray();
    assertKs(1.0, 1.0825088224469026e-05, KolmogorovSmirnov.twoSample(low, high));
  }

  @Test
  void threeAgainstFour() {
    // ks_2samp([0.1, 0.5, 0.9], [0.2, 0.3, 0.6, 1.4])
    assertKs(0.3333333333333333, 0.9714285714285715,
        KolmogorovSmirnov.twoSample(new double[] {0.1, 0.5, 0.9}, new double[] {0.2, 0.3, 0.6, 1.4}));
  }

  @Test
  void tenAgainstTenWithTies() {
    // ks_2samp([1,2,2,3,3,3,4,5,6,7], [3,3,4,4,5,5,6,8,9,9]): ties within and across samples
    double[] x = {1, 2, 2, 3, 3, 3, 4, 5, 6, 7};
    double[] y = {3, 3, 4, 4, 5, 5, 6, 8, 9, 9};
    assertKs(0.4, 0.41752365281777043, KolmogorovSmirnov.twoSample(x, y));
  }

  @Test
  void threeHundredAgainstThreeHundred() {
    // ks_2samp(spread(300, 7919, 0.0), spread(300, 104729, 0.1))
    assertKs(0.10333333333333333, 0.0812184963146534,
        KolmogorovSmirnov.twoSample(spread(300, 7919, 0.0), spread(300, 104729, 0.1)));
    // ks_2samp(tied(300, 7919, 0.0), tied(300, 104729, 0.1))
    assertKs(0.2, 1.1562157228282306e-05,
        KolmogorovSmirnov.twoSample(tied(300, 7919, 0.0), tied(300, 104729, 0.1)));
  }

  @Test
  void unequalSizesWithTiesAndEitherOrder() {
    // ks_2samp(tied(40, 7919, 0.0), tied(57, 104729, 0.2)), and with the samples swapped
    double[] x = tied(40, 7919, 0.0), y = tied(57, 104729, 0.2);
    assertKs(0.29473684210526313, 0.025296801159900476, KolmogorovSmirnov.twoSample(x, y));
    assertKs(0.29473684210526313, 0.025296801159900476, KolmogorovSmirnov.twoSample(y, x));
  }

  @Test
  void identicalAndSingletonSamples() {
    // ks_2samp([1,2,3], [3,2,1]) → (0.0, 1.0); ks_2samp([1.0], [2.0]) → (1.0, 1.0)
    assertKs(0.0, 1.0, KolmogorovSmirnov.twoSample(new double[] {1, 2, 3}, new double[] {3, 2, 1}));
    assertKs(1.0, 1.0, KolmogorovSmirnov.twoSample(new double[] {1}, new double[] {2}));
  }

  @Test
  void anExactPValueOfOnePlusOneUlpFallsBackLikeScipy() {
    // ks_2samp([.1,.3,.5,.7,.9], [.2,.4,.6,.8,1.0]) → (0.2, 1.0); scipy's series gives
    // 1.0000000000000002 here, warns, and takes the asymptotic branch
    KsResult r = KolmogorovSmirnov.twoSample(
        new double[] {0.1, 0.3, 0.5, 0.7, 0.9}, new double[] {0.2, 0.4, 0.6, 0.8, 1.0});
    assertKs(0.2, 1.0, r);
    assertFalse(r.exact());
  }

  @Test
  void largeSamplesUseTheAsymptoticBranch() {
    // ks_2samp(spread(10001, 7919, 0.0), spread(12000, 104729, 0.02))
    KsResult r = KolmogorovSmirnov.twoSample(spread(10001, 7919, 0.0), spread(12000, 104729, 0.02));
    assertEquals(0.0210972902709729, r.statistic(), 1e-15);
    assertEquals(0.015341471874895181, r.pValue(), 1e-9 * r.pValue());
    assertFalse(r.exact());
  }

  @Test
  void agreesWithCommonsMathWhereThatIsExact() {
    // Commons Math 3.6.1 is exact while n1·n2 < 200 and there are no ties: an independent check
    double[] x = spread(9, 7919, 0.0), y = spread(13, 104729, 0.1505);  // no value in common
    double commons = new org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest().kolmogorovSmirnovTest(x, y, false);  // Pr(D ≥ d)
    assertEquals(commons, KolmogorovSmirnov.twoSample(x, y).pValue(), 1e-12);
  }

  @Test
  void rejectsEmptyOrNaNSamples() {
    assertThrows(IllegalArgumentException.class,
        () -> KolmogorovSmirnov.twoSample(new double[0], new double[] {1}));
    assertThrows(IllegalArgumentException.class,
        () -> KolmogorovSmirnov.twoSample(new double[] {Double.NaN}, new double[] {1}));
  }
}
