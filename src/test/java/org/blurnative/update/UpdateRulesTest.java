package org.blurnative.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.blurnative.kernel.GradientSums;
import org.junit.jupiter.api.Test;

/**
 * Every rule's (c_f, c_r) and the diagnostics against values computed by hand for
 * g_f = (1, 2, 2), g_r = (2, 0, 1): d = 4, F = 9, R = 5.
 */
class UpdateRulesTest {
  static final GradientSums SUMS = GradientSums.of(4, 9, 5);
  static final double EXACT = 1e-15;

  @Test
  void blurProjectsTheRetainGradientOffTheForgetGradient() {
    // c_f = γ − d/F = 1 − 4/9 = 5/9
    assertCoefficients(5.0 / 9, 1, new BlurRule(1).coefficients(SUMS));
    assertCoefficients(0.5 - 4.0 / 9, 1, new BlurRule(0.5).coefficients(SUMS));
  }

  @Test
  void blurWithZeroForgetGradientIsThePureRetainStep() {
    assertCoefficients(0, 1, new BlurRule(1).coefficients(GradientSums.of(0, 0, 5)));
  }

  @Test
  void anUnderflowedGradientCountsAsZeroInsteadOfAnOutOfRangeCoefficient() {
    // g_f of float32 denormals: F = 1e-80, d = 1e-40, so d/F = 1e40 > FLT_MAX
    GradientSums tiny = GradientSums.of(1e-40, 1e-80, 5);
    assertCoefficients(0, 1, new BlurRule(1).coefficients(tiny));
    assertCoefficients(0, 1 / Math.sqrt(5), new NormalizedDifferenceRule().coefficients(tiny));
    assertCoefficients(1, 0, new SwappedBlurRule(1).coefficients(GradientSums.of(1e-40, 5, 1e-80)));
    // just inside the range the projection is kept
    GradientSums small = GradientSums.of(1e-20, 1e-50, 5);
    assertEquals(1 - 1e30, new BlurRule(1).coefficients(small).cf(), 1e16);
    // and NaN is never hidden
    assertTrue(Double.isNaN(new BlurRule(1).coefficients(new GradientSums(1, Double.NaN, 1, true)).cf()));
    assertTrue(Double.isNaN(new NormalizedDifferenceRule()
        .coefficients(new GradientSums(1, Double.POSITIVE_INFINITY, 1, true)).cf()));
  }

  @Test
  void swappedBlurProjectsTheForgetGradientOffTheRetainGradient() {
    // c_r = γ − d/R = 1 − 4/5
    assertCoefficients(1, 0.2, new SwappedBlurRule(1).coefficients(SUMS));
    assertCoefficients(1, 0, new SwappedBlurRule(1).coefficients(GradientSums.of(0, 9, 0)));
  }

  @Test
  void weightedSumAndGradientAscent() {
    assertCoefficients(1, 0.25, new WeightedSumRule(0.25).coefficients(SUMS));
    assertCoefficients(1, 0, WeightedSumRule.gradientAscent().coefficients(SUMS));
  }

  @Test
  void ngdiffNormalisesEachGradient() {
    assertCoefficients(1.0 / 3, 1 / Math.sqrt(5), new NormalizedDifferenceRule().coefficients(SUMS));
    assertCoefficients(0, 1 / Math.sqrt(5),
        new NormalizedDifferenceRule().coefficients(GradientSums.of(0, 0, 5)));
  }

  @Test
  void diagnosticsOfBlurShowForgetAlignmentGamma() {
    Coefficients c = new BlurRule(1).coefficients(SUMS);
    Diagnostics dg = Diagnostics.of(SUMS, c);
    assertEquals(4 / Math.sqrt(45), dg.cos(), EXACT);
    assertEquals(1.0, dg.forgetAlignment(), EXACT);  // A_f = γ
    // A_r = c_f·d/R + c_r = (5/9)(4/5) + 1 = 13/9
    assertEquals(13.0 / 9, dg.retainAlignment(), EXACT);
    // u = (5/9)(1,2,2) + (2,0,1) = (23/9, 10/9, 19/9): ‖u‖² = (529 + 100 + 361)/81 = 990/81
    assertEquals(Math.sqrt(990.0 / 81), dg.updateNorm(), 1e-14);
  }

  @Test
  void diagnosticsOfWeightedSum() {
    Diagnostics dg = Diagnostics.of(SUMS, new WeightedSumRule(2).coefficients(SUMS));
    assertEquals(1 + 2 * 4.0 / 9, dg.forgetAlignment(), EXACT);
    assertEquals(4.0 / 5 + 2, dg.retainAlignment(), EXACT);
    assertEquals(Math.sqrt(9 + 16 + 20), dg.updateNorm(), EXACT);  // u = (5, 2, 4)
  }

  @Test
  void undefinedDiagnosticsAreNaN() {
    Diagnostics dg = Diagnostics.of(GradientSums.of(0, 0, 5), new Coefficients(0, 1));
    assertTrue(Double.isNaN(dg.cos()));
    assertTrue(Double.isNaN(dg.forgetAlignment()));
    assertEquals(1.0, dg.retainAlignment(), EXACT);
    assertEquals(Math.sqrt(5), dg.updateNorm(), EXACT);
  }

  @Test
  void nonFiniteParametersAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new BlurRule(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new WeightedSumRule(Double.POSITIVE_INFINITY));
  }

  static void assertCoefficients(double cf, double cr, Coefficients actual) {
    assertEquals(cf, actual.cf(), EXACT, "c_f");
    assertEquals(cr, actual.cr(), EXACT, "c_r");
  }
}
