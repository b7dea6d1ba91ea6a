package org.blurnative.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GeneralizedNewtonStepTest {

  /** L(r) = a − b·r + ½·c·r², the loss along the step in units of the step taken. */
  private static double quadratic(double a, double b, double c, double r) {
    return a - b * r + 0.5 * c * r * r;
  }

  @Test
  void recoversTheMinimumOfAnyUpwardParabola() {
    Random random = new Random(7);
    for (int trial = 0; trial < 1000; trial++) {
      double a = random.nextGaussian() * 10;
      double b = Math.exp(random.nextGaussian());
      double c = Math.exp(random.nextGaussian());
      double ratio = GeneralizedNewtonStep.optimalRatio(
          quadratic(a, b, c, -1), quadratic(a, b, c, 0), quadratic(a, b, c, 1));
      assertEquals(b / c, ratio, 1e-9 * Math.max(1, Math.abs(a)) / c, "trial " + trial);
    }
  }

  @Test
  void noMinimumAheadGivesNaN() {
    assertTrue(Double.isNaN(GeneralizedNewtonStep.optimalRatio(1, 2, 3)), "the step ascends");
    assertTrue(Double.isNaN(GeneralizedNewtonStep.optimalRatio(3, 2, 1)), "a straight line: no curvature");
    assertTrue(Double.isNaN(GeneralizedNewtonStep.optimalRatio(2, 2.5, 1)), "curving down");
    assertTrue(Double.isNaN(GeneralizedNewtonStep.optimalRatio(2, 2, 2)), "flat");
    assertTrue(Double.isNaN(GeneralizedNewtonStep.optimalRatio(Double.NaN, 2, 1)), "NaN");
  }

  @Test
  void scaleMovesATenthOfTheWayWithinAFactorOfTwo() {
    // minimum at r* = 1.5: the step was too short; scale ← 0.9·s + 0.1·1.5·s
    double s = GeneralizedNewtonStep.nextScale(2.0,
        quadratic(0, 1.5, 1, -1), quadratic(0, 1.5, 1, 0), quadratic(0, 1.5, 1, 1));
    assertEquals(2.0 * (0.9 + 0.1 * 1.5), s, 1e-12);
    // r* = 10 is clamped to 2, r* = 0.01 to 0.5
    assertEquals(0.9 + 0.1 * 2, GeneralizedNewtonStep.nextScale(1,
        quadratic(0, 10, 1, -1), 0, quadratic(0, 10, 1, 1)), 1e-12);
    assertEquals(0.9 + 0.1 * 0.5, GeneralizedNewtonStep.nextScale(1,
        quadratic(0, 0.01, 1, -1), 0, quadratic(0, 0.01, 1, 1)), 1e-12);
  }

  @Test
  void keepsTheScaleWithoutAMinimumAndHalvesItOnOverflow() {
    assertEquals(0.7, GeneralizedNewtonStep.nextScale(0.7, 1, 2, 3), 0);
    assertEquals(0.35, GeneralizedNewtonStep.nextScale(0.7, 1, 2, Double.POSITIVE_INFINITY), 0);
    assertEquals(0.35, GeneralizedNewtonStep.nextScale(0.7, Double.NaN, 2, 1), 0);
  }
}
