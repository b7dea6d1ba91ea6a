package org.blurnative.update;

import static org.blurnative.update.UpdateRulesTest.assertCoefficients;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.blurnative.kernel.GradientSums;
import org.junit.jupiter.api.Test;

/**
 * The multi-task rules' defining properties on random (d, F, R) that respect Cauchy–Schwarz
 * (|d| ≤ √(FR)), with F/R spread over eight orders of magnitude, and their zero-norm guards.
 */
class MultiTaskRulesTest {
  static final int TRIALS = 2000;
  final SplittableRandom random = new SplittableRandom(20261201);

  /** Random sums: log-uniform norms, cos uniform in [−1, 1] (and exactly ±1 now and then). */
  GradientSums randomSums() {
    double f = Math.pow(10, random.nextDouble(-4, 4)), r = Math.pow(10, random.nextDouble(-4, 4));
    double cos = random.nextInt(20) == 0 ? (random.nextBoolean() ? 1 : -1) : random.nextDouble(-1, 1);
    return GradientSums.of(cos * Math.sqrt(f * r), f, r);
  }

  static double forgetChange(GradientSums s, Coefficients c) {
    return c.cf() * s.ff() + c.cr() * s.dot();  // ⟨g_f, u⟩
  }

  static double retainChange(GradientSums s, Coefficients c) {
    return c.cf() * s.dot() + c.cr() * s.rr();  // ⟨g_r, u⟩
  }

  @Test
  void pcGradNeverWorsensEitherObjectiveToFirstOrder() {
    for (int i = 0; i < TRIALS; i++) {
      GradientSums s = randomSums();
      Coefficients c = new PcGradRule().coefficients(s);
      if (s.dot() >= 0) {
        assertCoefficients(1, 1, c);
      } else {
        double tolerance = 1e-12 * (s.ff() + s.rr());
        assertTrue(forgetChange(s, c) >= -tolerance, () -> s + " " + c);
        assertTrue(retainChange(s, c) >= -tolerance, () -> s + " " + c);
        // and each is exactly what the projections leave: F − d²/R, R − d²/F
        assertEquals(s.ff() - s.dot() * s.dot() / s.rr(), forgetChange(s, c), tolerance);
        assertEquals(s.rr() - s.dot() * s.dot() / s.ff(), retainChange(s, c), tolerance);
      }
    }
    // by hand, d = −4, F = 9, R = 5: c_f = 1 + 4/9, c_r = 1 + 4/5
    assertCoefficients(13.0 / 9, 1.8, new PcGradRule().coefficients(GradientSums.of(-4, 9, 5)));
    assertCoefficients(1, 1, new PcGradRule().coefficients(GradientSums.of(0, 0, 0)));
    // an underflowed g_f (d/F beyond float32) is treated as zero, as BLUR does
    Coefficients tiny = new PcGradRule().coefficients(GradientSums.of(-1e-40, 1e-80, 5));
    assertEquals(0, tiny.cf());
    assertTrue(tiny.forgetUnderflowed());
    assertTrue(Double.isNaN(new PcGradRule().coefficients(new GradientSums(Double.NaN, 1, 1, true)).cf()));
  }

  @Test
  void mgdaIsTheMinimumNormPointOfTheHull() {
    int grid = 100_000;
    for (int i = 0; i < TRIALS; i++) {
      GradientSums s = randomSums();
      Coefficients c = new MinNormRule().coefficients(s);
      assertEquals(1, c.cf() + c.cr(), 1e-15);
      assertTrue(c.cf() >= 0 && c.cf() <= 1);
      double best = Double.POSITIVE_INFINITY;
      for (int k = 0; k <= grid; k++) {
        best = Math.min(best, hullNormSq((double) k / grid, s));
      }
      double ours = hullNormSq(c.cf(), s), gridBest = best;
      assertTrue(ours <= best + 1e-12 * (s.ff() + s.rr()), () -> s + ": " + ours + " > grid " + gridBest);
    }
    // by hand, d = 4, F = 9, R = 5: α = (5 − 4)/(9 + 5 − 8) = 1/6
    assertCoefficients(1.0 / 6, 5.0 / 6, new MinNormRule().coefficients(GradientSums.of(4, 9, 5)));
    assertCoefficients(0.5, 0.5, new MinNormRule().coefficients(GradientSums.of(0, 0, 0)));
    assertCoefficients(1, 0, new MinNormRule().coefficients(GradientSums.of(0, 0, 5)));  // u = 0: stationary
  }

  static double hullNormSq(double alpha, GradientSums s) {
    return alpha * alpha * s.ff() + (1 - alpha) * (1 - alpha) * s.rr() + 2 * alpha * (1 - alpha) * s.dot();
  }

  @Test
  void caGradSolvesItsPrimalObjective() {
    int grid = 200_000;
    for (double c : new double[] {0.1, 0.5, 1, 3}) {
      for (int i = 0; i < 300; i++) {
        GradientSums s = randomSums();
        // g_f and g_r in an orthonormal basis of their span
        double sf = Math.sqrt(s.ff());
        double[] gf = {sf, 0};
        double[] gr = {s.dot() / sf, Math.sqrt(Math.max(0, s.rr() - s.dot() * s.dot() / s.ff()))};
        double[] g0 = {(gf[0] + gr[0]) / 2, (gf[1] + gr[1]) / 2};
        double radius = c * Math.hypot(g0[0], g0[1]);
        // brute force: max over the ball's boundary (and centre) of min(⟨g_f, u⟩, ⟨g_r, u⟩)
        double best = worse(g0, gf, gr);
        for (int k = 0; k < grid; k++) {
          double t = 2 * Math.PI * k / grid;
          best = Math.max(best, worse(new double[] {g0[0] + radius * Math.cos(t), g0[1] + radius * Math.sin(t)}, gf, gr));
        }
        Coefficients co = new CaGradRule(c).coefficients(s);
        double[] u = {co.cf() * gf[0] + co.cr() * gr[0], co.cf() * gf[1] + co.cr() * gr[1]};
        double scale = s.ff() + s.rr();
        double ours = worse(u, gf, gr), brute = best;
        assertTrue(Math.hypot(u[0] - g0[0], u[1] - g0[1]) <= radius * (1 + 1e-9) + 1e-12 * Math.sqrt(scale),
            () -> "outside the ball: " + s);
        // feasible and at least as good as every grid point (the grid misses the kink by ~ρ‖g‖/grid)
        assertTrue(ours >= brute - 1e-12 * scale, () -> "c = " + c + ", " + s + ": " + ours + " < " + brute);
        assertEquals(brute, ours, 1e-5 * scale, () -> "c = " + c + ", " + s);
      }
    }
    // c = 0 is the average step
    assertCoefficients(0.5, 0.5, new CaGradRule(0).coefficients(GradientSums.of(-3, 9, 5)));
    // 0 in the hull: exactly opposite gradients give u = 0, a zero gradient the average step
    assertCoefficients(0, 0, new CaGradRule(2).coefficients(GradientSums.of(-2, 1, 4)));
    assertCoefficients(0.5, 0.5, new CaGradRule(2).coefficients(GradientSums.of(0, 0, 4)));
    assertCoefficients(0.5, 0.5, new CaGradRule(0.5).coefficients(GradientSums.of(0, 0, 0)));
    assertThrows(IllegalArgumentException.class, () -> new CaGradRule(-0.1));
    assertTrue(Double.isNaN(new CaGradRule(0.5).coefficients(new GradientSums(Double.NaN, 1, 1, true)).cf()));
  }

  static double worse(double[] u, double[] gf, double[] gr) {
    return Math.min(gf[0] * u[0] + gf[1] * u[1], gr[0] * u[0] + gr[1] * u[1]);
  }

  @Test
  void scaleInvariantBlurFixesTheNormalisedForgetAlignment() {
    for (double gamma : new double[] {0, 0.5, 1, 2}) {
      for (int i = 0; i < TRIALS; i++) {
        GradientSums s = randomSums();
        Coefficients c = new ScaleInvariantBlurRule(gamma).coefficients(s);
        // ⟨ĝ_f, u⟩ = ⟨g_f, u⟩/‖g_f‖ = γ, and c_r·‖g_r‖ = 1 (u holds ĝ_r once)
        assertEquals(gamma, forgetChange(s, c) / Math.sqrt(s.ff()), 1e-12 * (1 + gamma), () -> s.toString());
        assertEquals(1, c.cr() * Math.sqrt(s.rr()), 1e-14);
      }
    }
    // by hand, d = 4, F = 9, R = 5: cos = 4/√45, c_f = (1 − cos)/3, c_r = 1/√5
    assertCoefficients((1 - 4 / Math.sqrt(45)) / 3, 1 / Math.sqrt(5),
        new ScaleInvariantBlurRule(1).coefficients(GradientSums.of(4, 9, 5)));
    // zero norms: u = ĝ_r, u = γ·ĝ_f, u = 0
    assertCoefficients(0, 1 / Math.sqrt(5), new ScaleInvariantBlurRule(1).coefficients(GradientSums.of(0, 0, 5)));
    assertCoefficients(2.0 / 3, 0, new ScaleInvariantBlurRule(2).coefficients(GradientSums.of(0, 9, 0)));
    assertCoefficients(0, 0, new ScaleInvariantBlurRule(1).coefficients(GradientSums.of(0, 0, 0)));
    Coefficients tiny = new ScaleInvariantBlurRule(1).coefficients(GradientSums.of(1e-41, 1e-82, 5));
    assertEquals(0, tiny.cf());
    assertTrue(tiny.forgetUnderflowed());
    assertTrue(Double.isNaN(new ScaleInvariantBlurRule(1).coefficients(new GradientSums(1, Double.NaN, 1, true)).cf()));
    assertThrows(IllegalArgumentException.class, () -> new ScaleInvariantBlurRule(Double.NaN));
  }
}
