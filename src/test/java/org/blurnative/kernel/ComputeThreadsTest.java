package org.blurnative.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.blurnative.kernel.jni.BlurNative;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The thread split of {@link ComputeThreads}: LibTorch's elementwise pool gets one thread, and the
 * fused kernels keep every core although LibTorch's one thread is also OpenMP's default (a run
 * once trained with libblur on a single thread because of it).
 */
class ComputeThreadsTest {
  @AfterEach
  void restore() {
    ComputeThreads.configure(0);
  }

  @Test
  void fusedKernelsKeepEveryCoreWhileLibTorchGetsOne() {
    ComputeThreads.configure(0);
    assertEquals(1, torch.get_num_threads());
    assertEquals(Runtime.getRuntime().availableProcessors(), BlurNative.blur_get_num_threads());
  }

  @Test
  void anExplicitCountGoesToTheFusedKernels() {
    ComputeThreads.configure(3);
    assertEquals(3, BlurNative.blur_get_num_threads());
    assertEquals(1, torch.get_num_threads());
  }
}
