package org.blurnative.kernel;

import static org.bytedeco.pytorch.global.torch.ScalarType;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.blurnative.update.BlurRule;
import org.blurnative.update.Coefficients;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The BLUR step's defining properties, checked through the kernels themselves. */
class BlurPropertyTest {

  /**
   * Lemma A.1(a): with c_f = γ − d/F and c_r = 1, ⟨g_f, u⟩ = γF. A second reduce over (g_f, u)
   * measures ⟨g_f, u⟩. u is float32, so its rounding (2^-24 per element, random in sign) limits
   * the check to about 1e-9 relative once n is large; the float64 `java` backend meets it at every n.
   */
  @ParameterizedTest(name = "cpu n={0}")
  @ValueSource(longs = {(1 << 20) + 5, 50_000_000})
  void forgetAlignmentIsGammaTimesF(long n) {
    assertLemma(Backend.CPU, n, 1e-9);
  }

  @ParameterizedTest(name = "java n={0}")
  @ValueSource(longs = {1, 3, 7, 1023})
  void forgetAlignmentIsGammaTimesFInFloat64(long n) {
    assertLemma(Backend.JAVA, n, 1e-6);
  }

  private static void assertLemma(Backend backend, long n, double tolerance) {
    try (PointerScope scope = new PointerScope()) {
      UpdateKernel kernel = backend.open(0);
      Vectors rnd = new Vectors();
      // g_r leans on g_f (cos ≈ −0.5): the conflicting case the projection exists for
      Tensor gf = rnd.normal(n, ScalarType.Float);
      Tensor gr = rnd.normal(n, ScalarType.Float).add(gf.mul(new org.bytedeco.pytorch.Scalar(-0.6)));
      double gamma = 0.75;
      GradientSums sums = kernel.reduce(gf, gr);
      Coefficients c = new BlurRule(gamma).coefficients(sums);
      Tensor u = Vectors.zeros(n);
      kernel.combine(gf, gr, c.cf(), c.cr(), u);
      double alignment = Backend.JAVA.open(0).reduce(gf, u).dot();
      double expected = gamma * sums.ff();
      assertTrue(Math.abs(alignment - expected) <= tolerance * expected,
          rnd.context(n, ScalarType.Float) + " <g_f,u> " + alignment + " vs γF " + expected);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Backend.class, names = {"JAVA", "TORCH", "CPU"})
  void zeroForgetGradientGivesThePureRetainStep(Backend backend) {
    try (PointerScope scope = new PointerScope()) {
      long n = 1029;
      Vectors rnd = new Vectors();
      Tensor gf = Vectors.zeros(n), gr = rnd.normal(n, ScalarType.Float);
      UpdateKernel kernel = backend.open(0);
      GradientSums sums = kernel.reduce(gf, gr);
      assertEquals(0.0, sums.ff());
      Coefficients c = new BlurRule(1.0).coefficients(sums);
      assertEquals(new Coefficients(0, 1), c);
      Tensor u = Vectors.zeros(n);
      kernel.combine(gf, gr, c.cf(), c.cr(), u);
      assertArrayEquals(Vectors.values(gr), Vectors.values(u), rnd.context(n, ScalarType.Float));
    }
  }

  /** A NaN or an infinity anywhere sets the flag, and the step it leads to changes nothing. */
  @ParameterizedTest
  @EnumSource(value = Backend.class, names = {"JAVA", "TORCH", "CPU"})
  void nonFiniteGradientsAreFlaggedAndChangeNothing(Backend backend) {
    long n = 70_001;  // more than one reduction block; the poison sits in the second
    for (float poison : List.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)) {
      for (boolean inForget : new boolean[] {true, false}) {
        try (PointerScope scope = new PointerScope()) {
          Vectors rnd = new Vectors();
          Tensor gf = rnd.normal(n, ScalarType.Float), gr = rnd.normal(n, ScalarType.Float);
          new FloatPointer((inForget ? gf : gr).data_ptr()).put(68_000, poison);
          UpdateKernel kernel = backend.open(0);
          GradientSums sums = kernel.reduce(gf, gr);
          String ctx = backend + " poison " + poison + (inForget ? " in g_f" : " in g_r");
          assertTrue(sums.nonFinite(), ctx);

          Coefficients c = new BlurRule(1.0).coefficients(sums);
          assertFalse(Double.isFinite(c.cf()), ctx + ": the rule must not hide the poison");
          if (backend == Backend.CPU) {  // the native apply refuses it and leaves θ as it was
            Tensor theta = rnd.normal(n, ScalarType.Float);
            double[] before = Vectors.values(theta);
            try (FlatOptimizer opt = kernel.optimizer(theta, OptimizerSettings.AdamW.defaults())) {
              IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                  () -> opt.step(gf, gr, c.cf(), c.cr(), 1e-3));
              assertTrue(e.getMessage().contains("not finite"), e.getMessage());
            }
            assertArrayEquals(before, Vectors.values(theta), ctx);
          }
        }
      }
    }
  }
}
