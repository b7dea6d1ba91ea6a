package org.blurnative.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import org.blurnative.kernel.Backend;
import org.blurnative.kernel.OptimizerSettings;
import org.blurnative.model.HostArrays;
import org.blurnative.update.BlurRule;
import org.blurnative.update.NormalizedDifferenceRule;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The public API against a float64 re-implementation of BLUR (eq. 14) + AdamW, on direct
 * FloatBuffers and on tensors, and its refusals.
 */
class BlurOptimizerTest {
  static final int N = 70_001;  // more than a reduce block, not a multiple of the vector width
  static final double GAMMA = 0.8;
  static final double LR = 1e-2;

  final long seed = System.nanoTime();
  final Random random = new Random(seed);

  static FloatBuffer direct(float[] values) {
    FloatBuffer b = ByteBuffer.allocateDirect(4 * values.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
    b.put(values).flip();
    return b;
  }

  float[] gaussian(int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }

  static float[] read(FloatBuffer b) {
    float[] x = new float[b.remaining()];
    b.duplicate().get(x);
    return x;
  }

  @Test
  void threeBlurAdamWStepsOnBuffersMatchFloat64() {
    float[] theta0 = gaussian(N);
    FloatBuffer theta = direct(theta0);
    double[] t = new double[N], m = new double[N], v = new double[N];
    for (int i = 0; i < N; i++) {
      t[i] = theta0[i];
    }
    OptimizerSettings.AdamW adamW = new OptimizerSettings.AdamW(0.9, 0.999, 1e-3, 0.01);
    try (BlurOptimizer opt = BlurOptimizer.builder().rule(new BlurRule(GAMMA)).adamW(adamW).over(theta)) {
      for (int step = 1; step <= 3; step++) {
        float[] gf = gaussian(N), gr = gaussian(N);
        StepResult r = opt.step(direct(gf), direct(gr), LR);
        double d = 0, ff = 0;
        for (int i = 0; i < N; i++) {
          d += (double) gf[i] * gr[i];
          ff += (double) gf[i] * gf[i];
        }
        double cf = GAMMA - d / ff;
        assertEquals(cf, r.coefficients().cf(), 1e-9 * Math.abs(cf), "seed " + seed);
        assertEquals(GAMMA, r.diagnostics().forgetAlignment(), 1e-12, "Lemma A.1(a)");
        double bc1 = 1 - Math.pow(0.9f, step), bc2 = 1 - Math.pow(0.999f, step);
        for (int i = 0; i < N; i++) {  // torch.optim.AdamW in float64, from the float32 betas
          double u = cf * gf[i] + gr[i];
          m[i] = 0.9f * m[i] + (1 - (double) 0.9f) * u;
          v[i] = 0.999f * v[i] + (1 - (double) 0.999f) * u * u;
          t[i] = t[i] * (1 - LR * 0.01f) - LR / bc1 * m[i] / (Math.sqrt(v[i] / bc2) + 1e-3f);
        }
      }
      assertEquals(3, opt.steps());
      assertEquals("cpu", opt.backend());
    }
    float[] got = read(theta);
    double err = 0, scale = 0;
    for (int i = 0; i < N; i++) {
      err = Math.max(err, Math.abs(got[i] - t[i]));
      scale = Math.max(scale, Math.abs(t[i]));
    }
    assertTrue(err <= 2e-6 * scale, "error " + err + " seed " + seed);
  }

  @Test
  void tensorsAndBuffersGiveTheSameBits() {
    float[] theta0 = gaussian(N), gf = gaussian(N), gr = gaussian(N);
    FloatBuffer viaBuffers = direct(theta0);
    try (PointerScope scope = new PointerScope()) {
      Tensor viaTensors = HostArrays.floats(theta0, N);
      try (BlurOptimizer a = BlurOptimizer.builder().rule(new NormalizedDifferenceRule()).sgd(0.1).over(viaBuffers);
          BlurOptimizer b = BlurOptimizer.builder().rule(new NormalizedDifferenceRule()).sgd(0.1).over(viaTensors)) {
        a.step(direct(gf), direct(gr), LR);
        b.step(HostArrays.floats(gf, N), HostArrays.floats(gr, N), LR);
      }
      assertArrayEquals(HostArrays.toFloats(viaTensors), read(viaBuffers));
    }
  }

  @Test
  void clippingShortensTheUpdate() {
    try (BlurOptimizer opt = BlurOptimizer.builder().clip(1e-3).over(direct(gaussian(N)))) {
      StepResult r = opt.step(direct(gaussian(N)), direct(gaussian(N)), LR);
      assertNotNull(r.clipScale());
      assertEquals(1e-3, r.diagnostics().updateNorm(), 1e-12);
    }
  }

  @Test
  void nonFiniteGradientsSkipTheStep() {
    float[] theta0 = gaussian(N), gf = gaussian(N);
    gf[N / 2] = Float.NaN;
    FloatBuffer theta = direct(theta0);
    try (BlurOptimizer opt = BlurOptimizer.builder().over(theta)) {
      StepResult r = opt.step(direct(gf), direct(gaussian(N)), LR);
      assertTrue(r.skipped());
      assertEquals(0, opt.steps());
    }
    assertArrayEquals(theta0, read(theta));
  }

  @Test
  void badBuffersAreOneClearError() {
    FloatBuffer heap = FloatBuffer.allocate(8);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BlurOptimizer.builder().over(heap));
    assertTrue(e.getMessage().startsWith("theta must be a direct FloatBuffer"), e.getMessage());
    FloatBuffer swapped = ByteBuffer.allocateDirect(32).order(
        ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    assertThrows(IllegalArgumentException.class, () -> BlurOptimizer.builder().over(swapped));
    try (BlurOptimizer opt = BlurOptimizer.builder().over(direct(new float[8]))) {
      e = assertThrows(IllegalArgumentException.class,
          () -> opt.step(direct(new float[8]), direct(new float[7]), LR));
      assertTrue(e.getMessage().contains("7") && e.getMessage().contains("8"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> opt.step(direct(new float[8]), direct(new float[8]), -1));
      assertTrue(e.getMessage().startsWith("lr must be"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> BlurOptimizer.builder().clip(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> BlurOptimizer.builder().backend(Backend.CPU, -1));
  }
}
