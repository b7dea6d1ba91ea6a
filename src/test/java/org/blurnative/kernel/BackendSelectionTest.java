package org.blurnative.kernel;

import static org.bytedeco.pytorch.global.torch.ScalarType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Choosing a backend by name, and the one-sentence errors for what cannot run or is wrong. */
class BackendSelectionTest {

  @Test
  void namesRoundTripAndUnknownNamesAreRejected() {
    for (Backend b : Backend.values()) {
      assertEquals(b, Backend.parse(b.label()));
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Backend.parse("tpu"));
    assertEquals("unknown backend 'tpu' (expected one of java, torch, cpu, cuda)", e.getMessage());
  }

  @Test
  void cudaWithoutAGpuSaysWhyInOneSentence() {
    if (torch.cuda_is_available()) {
      return;  // a GPU machine: scripts/gpu-check.sh covers the CUDA kernels there
    }
    KernelUnavailableException e =
        assertThrows(KernelUnavailableException.class, () -> Backend.CUDA.open(0));
    assertTrue(e.getMessage().startsWith("backend cuda needs a CUDA GPU"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void cpuOpensWithoutFallback() {
    List<String> warnings = new ArrayList<>();
    UpdateKernel kernel = Backend.CPU.openWithFallback(0, warnings::add);
    assertEquals("cpu", kernel.name());
    assertEquals(List.of(), warnings);
  }

  @ParameterizedTest
  @EnumSource(value = Backend.class, names = {"JAVA", "TORCH", "CPU"})
  void badBuffersAreNamedInTheError(Backend backend) {
    try (PointerScope scope = new PointerScope()) {
      UpdateKernel kernel = backend.open(0);
      Vectors rnd = new Vectors();
      Tensor a = rnd.normal(10, ScalarType.Float), b = rnd.normal(11, ScalarType.Float);
      assertThrows(IllegalArgumentException.class, () -> kernel.reduce(a, b));

      Tensor ints = torch.zeros(new long[] {10}, new org.bytedeco.pytorch.TensorOptions(ScalarType.Int));
      IllegalArgumentException wrongType =
          assertThrows(IllegalArgumentException.class, () -> kernel.reduce(ints, a));
      assertTrue(wrongType.getMessage().contains("g_f must be float32 or bfloat16"), wrongType.getMessage());

      Tensor strided = rnd.normal(20, ScalarType.Float).slice(0, new org.bytedeco.pytorch.LongOptional(0),
          new org.bytedeco.pytorch.LongOptional(20), 2);
      IllegalArgumentException notContiguous =
          assertThrows(IllegalArgumentException.class, () -> kernel.reduce(a, strided));
      assertTrue(notContiguous.getMessage().contains("g_r must be contiguous"), notContiguous.getMessage());

      Tensor half = rnd.normal(10, ScalarType.BFloat16);
      assertThrows(IllegalArgumentException.class, () -> kernel.optimizer(half, new OptimizerSettings.Sgd(0)));
    }
  }

  @Test
  void nativeArgumentChecksReachJavaAsMessages() {
    try (PointerScope scope = new PointerScope()) {
      Vectors rnd = new Vectors();
      Tensor theta = rnd.normal(8, ScalarType.Float), g = rnd.normal(8, ScalarType.Float);
      try (FlatOptimizer opt = Backend.CPU.open(0).optimizer(theta, new OptimizerSettings.Sgd(0))) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> opt.step(g, g, 1, 1, -1e-3));
        assertEquals("blur_apply_sgd: lr must be >= 0, got -0.001", e.getMessage());
        // finite as a double, infinite as float32: it could only write ±Inf into θ
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
            () -> opt.step(g, g, 1e300, 1, 1e-3));
        assertEquals("blur_apply_sgd: cf = 1e+300 is not a finite float32", huge.getMessage());
      }
    }
  }

  @Test
  void optimizerSettingsRejectNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new OptimizerSettings.AdamW(1.0, 0.999, 1e-8, 0));
    assertThrows(IllegalArgumentException.class, () -> new OptimizerSettings.AdamW(0.9, 0.999, -1, 0));
    assertThrows(IllegalArgumentException.class, () -> new OptimizerSettings.Sgd(Double.NaN));
  }
}
