package org.blurnative.kernel;

import static org.bytedeco.pytorch.global.torch.ScalarType;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The optimizer with θ's bfloat16 working copy (bf16 mixed precision), on every host backend:
 * θ and the moments are bit for bit those of the optimizer without the copy, θ agrees with the
 * float64 reference (the java backend), and after every step the copy is bit for bit the
 * round-to-nearest-even of the new θ, computed here from θ's bits and by LibTorch's
 * {@code θ.to(bfloat16)}.
 */
class WorkingCopyTest {
  static final long[] SIZES = {0, 1, 7, 8, 9, 63, 65, 1023, 65_537};
  static final int STEPS = 3;
  static final double CF = 0.75, CR = -1.25;
  /** 3 steps of float32 rounding of θ against float64 (FusedAdamWTest allows 1e-6 for one kernel pair) */
  static final double REFERENCE_TOLERANCE = 2e-6;

  @TempDir Path work;

  static List<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (OptimizerSettings settings : new OptimizerSettings[] {new OptimizerSettings.Sgd(0.1),
        OptimizerSettings.AdamW.defaults()}) {
      for (ScalarType dtype : new ScalarType[] {ScalarType.Float, ScalarType.BFloat16}) {
        for (long n : SIZES) {
          cases.add(Arguments.of(settings, dtype, n));
        }
      }
    }
    return cases;
  }

  @ParameterizedTest(name = "cpu {0} {1} n={2}")
  @MethodSource("cases")
  void fusedCopyLeavesTheStepAsItWasAndRoundsTheta(OptimizerSettings settings, ScalarType dtype, long n)
      throws IOException {
    try (PointerScope scope = new PointerScope()) {
      Vectors rnd = new Vectors();
      String ctx = settings + " " + rnd.context(n, dtype);
      Tensor theta0 = rnd.normal(n, ScalarType.Float);
      Tensor plainTheta = theta0.clone(), fusedTheta = theta0.clone(), referenceTheta = theta0.clone();
      double formed = Vectors.maxAbs(theta0);
      Tensor copy = bf16(n);
      UpdateKernel cpu = Backend.CPU.open(0);
      try (FlatOptimizer plain = cpu.optimizer(plainTheta, settings);
          FlatOptimizer fused = cpu.optimizer(fusedTheta, settings, copy);
          FlatOptimizer reference = Backend.JAVA.open(0).optimizer(referenceTheta, settings)) {
        for (int step = 1; step <= STEPS; step++) {
          Tensor gf = rnd.normal(n, dtype), gr = rnd.normal(n, dtype);
          double lr = lr(settings) * step;
          plain.step(gf, gr, CF, CR, lr);
          fused.step(gf, gr, CF, CR, lr);
          reference.step(gf, gr, CF, CR, lr);
          formed += lr * Vectors.largestMove(settings, gf, gr, CF, CR);
          assertArrayEquals(floatBits(plainTheta), floatBits(fusedTheta), "θ, step " + step + " " + ctx);
          assertCopyIsRne(fusedTheta, copy, "step " + step + " " + ctx);
        }
        if (settings instanceof OptimizerSettings.AdamW) {
          assertSameMoments(plain, fused, n, ctx);
        }
      }
      double err = Vectors.relativeMaxError(Vectors.values(fusedTheta), Vectors.values(referenceTheta), formed);
      assertTrue(err <= REFERENCE_TOLERANCE, "θ against float64: " + err + " " + ctx);
    }
  }

  /** The java and torch backends write the copy after their step: the same bits. */
  @ParameterizedTest(name = "{0} {1} n={2}")
  @MethodSource("fallbackCases")
  void fallbackCopyIsTheRneOfTheta(Backend backend, OptimizerSettings settings, long n) {
    try (PointerScope scope = new PointerScope()) {
      Vectors rnd = new Vectors();
      Tensor plainTheta = rnd.normal(n, ScalarType.Float), theta = plainTheta.clone();
      Tensor copy = bf16(n);
      UpdateKernel kernel = backend.open(0);
      try (FlatOptimizer plain = kernel.optimizer(plainTheta, settings);
          FlatOptimizer withCopy = kernel.optimizer(theta, settings, copy)) {
        for (int step = 1; step <= STEPS; step++) {
          Tensor gf = rnd.normal(n, ScalarType.BFloat16), gr = rnd.normal(n, ScalarType.BFloat16);
          plain.step(gf, gr, CF, CR, lr(settings));
          withCopy.step(gf, gr, CF, CR, lr(settings));
          String ctx = backend + " " + settings + " step " + step + " " + rnd.context(n, ScalarType.BFloat16);
          assertArrayEquals(floatBits(plainTheta), floatBits(theta), "θ " + ctx);
          assertCopyIsRne(theta, copy, ctx);
        }
        assertEquals(STEPS, withCopy.steps());
      }
    }
  }

  static List<Arguments> fallbackCases() {
    List<Arguments> cases = new ArrayList<>();
    for (Backend backend : new Backend[] {Backend.JAVA, Backend.TORCH}) {
      for (OptimizerSettings settings : new OptimizerSettings[] {new OptimizerSettings.Sgd(0.1),
          OptimizerSettings.AdamW.defaults()}) {
        for (long n : new long[] {0, 1, 9, 65, 1023}) {
          cases.add(Arguments.of(backend, settings, n));
        }
      }
    }
    return cases;
  }

  /** Past every chunk and thread boundary: 2^24 + 3 elements, both gradient dtypes, one AdamW step. */
  @Test
  void largeVectorOnTheCpu() throws IOException {
    long n = (1L << 24) + 3;
    for (ScalarType dtype : new ScalarType[] {ScalarType.Float, ScalarType.BFloat16}) {
      try (PointerScope scope = new PointerScope()) {
        Vectors rnd = new Vectors();
        OptimizerSettings settings = OptimizerSettings.AdamW.defaults();
        Tensor plainTheta = rnd.normal(n, ScalarType.Float), fusedTheta = plainTheta.clone();
        Tensor copy = bf16(n);
        UpdateKernel cpu = Backend.CPU.open(0);
        try (FlatOptimizer plain = cpu.optimizer(plainTheta, settings);
            FlatOptimizer fused = cpu.optimizer(fusedTheta, settings, copy)) {
          Tensor gf = rnd.normal(n, dtype), gr = rnd.normal(n, dtype);
          plain.step(gf, gr, CF, CR, 1e-3);
          fused.step(gf, gr, CF, CR, 1e-3);
          String ctx = rnd.context(n, dtype);
          assertTrue(torch.equal(plainTheta, fusedTheta), "θ " + ctx);
          assertCopyIsRne(fusedTheta, copy, ctx);
          assertSameMoments(plain, fused, n, ctx);
        }
      }
    }
  }

  @Test
  void aCopyThatDoesNotFitIsRefused() {
    try (PointerScope scope = new PointerScope()) {
      Tensor theta = Vectors.zeros(16);
      OptimizerSettings settings = OptimizerSettings.AdamW.defaults();
      for (Backend backend : new Backend[] {Backend.CPU, Backend.JAVA, Backend.TORCH}) {
        UpdateKernel kernel = backend.open(0);
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
            () -> kernel.optimizer(theta, settings, Vectors.zeros(16)));
        assertTrue(wrongType.getMessage().contains("must be bfloat16"), wrongType.getMessage());
        IllegalArgumentException wrongLength = assertThrows(IllegalArgumentException.class,
            () -> kernel.optimizer(theta, settings, bf16(15)));
        assertTrue(wrongLength.getMessage().contains("15 elements"), wrongLength.getMessage());
        // θ's own bytes seen as bfloat16: writing the copy would overwrite θ
        Tensor aliased = theta.view(ScalarType.BFloat16).narrow(0, 0, 16);
        IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class,
            () -> kernel.optimizer(theta, settings, aliased));
        assertTrue(overlap.getMessage().contains("overlap"), overlap.getMessage());
      }
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static double lr(OptimizerSettings settings) {
    return settings instanceof OptimizerSettings.AdamW ? 1e-3 : 1e-2;
  }

  /** A bfloat16 buffer of n elements, filled with a NaN pattern the kernels never write. */
  private static Tensor bf16(long n) {
    Tensor bits = torch.full(new long[] {n}, new Scalar(-1),
        new TensorOptions(ScalarType.Short));
    return bits.view(ScalarType.BFloat16);
  }

  /** float32 → bfloat16 rounded to nearest, ties to even, on θ's bits; NaN as the quiet 0x7FC0. */
  static short roundToNearestEven(float x) {
    if (Float.isNaN(x)) {
      return 0x7FC0;
    }
    int bits = Float.floatToRawIntBits(x);
    return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
  }

  private static void assertCopyIsRne(Tensor theta, Tensor copy, String ctx) {
    int[] thetaBits = floatBits(theta);
    short[] expected = new short[thetaBits.length];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = roundToNearestEven(Float.intBitsToFloat(thetaBits[i]));
    }
    short[] actual = shortBits(copy);
    assertArrayEquals(expected, actual, "copy = RNE(θ) " + ctx);
    assertArrayEquals(shortBits(theta.to(ScalarType.BFloat16)), actual, "copy = θ.to(bfloat16) " + ctx);
  }

  /** The moments of two native AdamW optimizers, through their state files: bit for bit. */
  private void assertSameMoments(FlatOptimizer a, FlatOptimizer b, long n, String ctx) throws IOException {
    Path fa = work.resolve("a.pt"), fb = work.resolve("b.pt");
    a.save(fa);
    b.save(fb);
    Map<String, Tensor> sa = Map.of("m", Vectors.zeros(n), "v", Vectors.zeros(n));
    Map<String, Tensor> sb = Map.of("m", Vectors.zeros(n), "v", Vectors.zeros(n));
    assertEquals(OptimizerArchive.load(fa, sa), OptimizerArchive.load(fb, sb), "steps " + ctx);
    for (String name : sa.keySet()) {
      assertArrayEquals(floatBits(sa.get(name)), floatBits(sb.get(name)), name + " " + ctx);
    }
  }

  private static int[] floatBits(Tensor t) {
    int[] out = new int[Math.toIntExact(t.numel())];
    if (out.length > 0) {
      FloatPointer p = new FloatPointer(t.contiguous().data_ptr()).capacity(out.length);
      for (int i = 0; i < out.length; i++) {
        out[i] = Float.floatToRawIntBits(p.get(i));
      }
    }
    return out;
  }

  private static short[] shortBits(Tensor t) {
    short[] out = new short[Math.toIntExact(t.numel())];
    if (out.length > 0) {
      new ShortPointer(t.contiguous().data_ptr()).capacity(out.length).get(out);
    }
    return out;
  }
}
