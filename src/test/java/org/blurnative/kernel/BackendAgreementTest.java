package org.blurnative.kernel;

import static org.bytedeco.pytorch.global.torch.ScalarType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every backend against the float64 `java` reference, on fresh random data of awkward sizes
 * (not multiples of the 8-wide vectors, and 2^20 + 5 spanning many reduction blocks).
 *
 * <p>Error bounds, per backend:
 * <ul>
 *   <li>reduce, cpu and torch alike: products of float32 values are exact in float64 and only
 *       the additions round, so F and R agree to 1e-12 relative and d to 1e-12·√(FR) (the
 *       Cauchy–Schwarz scale of d; d itself may be near zero).
 *   <li>combine and optimizer steps: u is rounded to float32 (once by cpu, twice by torch), so
 *       1e-6 of the scale of the terms c_f·g_f and c_r·g_r for every backend and dtype (bfloat16 inputs are exact in float32). AdamW runs with eps = 1e-3
 *       here: near u = 0 its step u/(|u| + eps) turns float32 rounding of u into a sign, so with a
 *       tiny eps no float32 implementation can match a float64 one. {@link FusedAdamWTest}
 *       compares with LibTorch at eps = 1e-8 on bit-identical u instead.
 * </ul>
 */
class BackendAgreementTest {
  static final long[] SIZES = {0, 1, 3, 7, 1023, (1 << 20) + 5};

  static List<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (Backend backend : new Backend[] {Backend.CPU, Backend.TORCH}) {
      for (ScalarType dtype : new ScalarType[] {ScalarType.Float, ScalarType.BFloat16}) {
        for (long n : SIZES) {
          cases.add(Arguments.of(backend, dtype, n));
        }
      }
    }
    return cases;
  }

  static final double REDUCE_TOLERANCE = 1e-12;

  @ParameterizedTest(name = "{0} {1} n={2}")
  @MethodSource("cases")
  void reduceMatchesReference(Backend backend, ScalarType dtype, long n) {
    try (PointerScope scope = new PointerScope()) {
      Vectors rnd = new Vectors();
      Tensor gf = rnd.normal(n, dtype), gr = rnd.normal(n, dtype);
      GradientSums expected = Backend.JAVA.open(0).reduce(gf, gr);
      GradientSums actual = backend.open(0).reduce(gf, gr);
      String ctx = rnd.context(n, dtype);
      assertSumsClose(expected, actual, REDUCE_TOLERANCE, ctx);
      assertFalse(actual.nonFinite(), ctx);
    }
  }

  @ParameterizedTest(name = "{0} {1} n={2}")
  @MethodSource("cases")
  void combineMatchesReference(Backend backend, ScalarType dtype, long n) {
    try (PointerScope scope = new PointerScope()) {
      Vectors rnd = new Vectors();
      Tensor gf = rnd.normal(n, dtype), gr = rnd.normal(n, dtype);
      double cf = 0.37 - Math.PI, cr = 1.0;
      Tensor expected = Vectors.zeros(n), actual = Vectors.zeros(n);
      Backend.JAVA.open(0).combine(gf, gr, cf, cr, expected);
      backend.open(0).combine(gf, gr, cf, cr, actual);
      // against the size of the terms, not of u: where c_f·g_f and c_r·g_r cancel (likely at
      // n = 1), torch's two float32 roundings are large next to u but not next to the terms
      double[] f = Vectors.values(gf), r = Vectors.values(gr), got = Vectors.values(actual);
      double[] want = Vectors.values(expected);
      double err = 0, scale = 0;
      for (int i = 0; i < f.length; i++) {
        err = Math.max(err, Math.abs(got[i] - want[i]));
        scale = Math.max(scale, Math.abs(cf * f[i]) + Math.abs(cr * r[i]));
      }
      err = scale == 0 ? err : err / scale;
      assertTrue(err <= 1e-6, rnd.context(n, dtype) + " error " + err);
    }
  }

  @ParameterizedTest(name = "{0} {1} n={2}")
  @MethodSource("cases")
  void optimizerStepsMatchReference(Backend backend, ScalarType dtype, long n) {
    for (OptimizerSettings settings :
        List.of(new OptimizerSettings.Sgd(0.1), new OptimizerSettings.AdamW(0.9, 0.999, 1e-3, 0.01))) {
      try (PointerScope scope = new PointerScope()) {
        Vectors rnd = new Vectors();
        Tensor theta = rnd.normal(n, ScalarType.Float);
        Tensor expected = theta.clone(), actual = theta.clone();
        double formed = Vectors.maxAbs(theta);
        try (FlatOptimizer ref = Backend.JAVA.open(0).optimizer(expected, settings);
            FlatOptimizer opt = backend.open(0).optimizer(actual, settings)) {
          for (int step = 0; step < 3; step++) {
            Tensor gf = rnd.normal(n, dtype), gr = rnd.normal(n, dtype);
            ref.step(gf, gr, -0.8, 1.0, 1e-2);
            opt.step(gf, gr, -0.8, 1.0, 1e-2);
            formed += 1e-2 * Vectors.largestMove(settings, gf, gr, -0.8, 1.0);
          }
          assertEquals(3, opt.steps());
        }
        double err = Vectors.relativeMaxError(Vectors.values(actual), Vectors.values(expected), formed);
        assertTrue(err <= 1e-6, backend + " " + settings + " " + rnd.context(n, dtype) + " error " + err);
      }
    }
  }

  /** Sharded use: each rank reduces its own slice, and the partial sums add up to the whole. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("dtypes")
  void shardSumsAddUpToTheWhole(ScalarType dtype) {
    try (PointerScope scope = new PointerScope()) {
      long n = 3 * 65536 + 777;
      Vectors rnd = new Vectors();
      Tensor gf = rnd.normal(n, dtype), gr = rnd.normal(n, dtype);
      UpdateKernel cpu = Backend.CPU.open(0);
      long cut = 65536 + 123;  // not on a block boundary
      GradientSums first = cpu.reduce(gf.narrow(0, 0, cut), gr.narrow(0, 0, cut));
      GradientSums second = cpu.reduce(gf.narrow(0, cut, n - cut), gr.narrow(0, cut, n - cut));
      assertSumsClose(cpu.reduce(gf, gr), first.plus(second), 1e-12, rnd.context(n, dtype));
    }
  }

  static List<ScalarType> dtypes() {
    return List.of(ScalarType.Float, ScalarType.BFloat16);
  }

  static void assertSumsClose(GradientSums expected, GradientSums actual, double tol, String ctx) {
    double scale = Math.sqrt(expected.ff() * expected.rr());
    assertTrue(Math.abs(actual.dot() - expected.dot()) <= tol * scale + Double.MIN_NORMAL,
        ctx + " d " + actual.dot() + " vs " + expected.dot());
    assertTrue(Math.abs(actual.ff() - expected.ff()) <= tol * expected.ff(),
        ctx + " F " + actual.ff() + " vs " + expected.ff());
    assertTrue(Math.abs(actual.rr() - expected.rr()) <= tol * expected.rr(),
        ctx + " R " + actual.rr() + " vs " + expected.rr());
  }
}
