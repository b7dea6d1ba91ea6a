package org.blurnative.kernel;

import org.blurnative.kernel.jni.BlurNative;
import org.bytedeco.openblas.global.openblas_full;
import org.bytedeco.pytorch.global.torch;

/**
 * How LibTorch's CPU work is spread over threads. LibTorch runs matrix products in OpenBLAS's own
 * thread pool and elementwise ops in an OpenMP pool; when both have more than one thread, each
 * pool's idle workers spin while the other pool works: on this 2-core machine, under load, the
 * demo-shaped model's BLUR step took 2.1–2.8× as long with both at 2 threads (`bench --whole-step
 * --thread-split 2:2,1:2,2:1`, docs/benchmarks.md; an earlier, quiet measurement on a tiny model
 * saw 20×). So the matrix products get the cores and LibTorch's elementwise ops run on one
 * thread; our fused kernels (memory-bound, between the passes) use them all.
 */
public final class ComputeThreads {
  private ComputeThreads() {}

  /** {@code threads} = 0: every core. */
  public static void configure(int threads) {
    if (threads < 0) {
      throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
    }
    int cores = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    openblas_full.openblas_set_num_threads(cores);
    torch.set_num_threads(1);
    // explicitly: libblur's default is OpenMP's max-threads, which set_num_threads(1) just made 1
    BlurNative.blur_set_num_threads(cores);
  }
}
