package org.blurnative.bench;

import java.util.Collection;
import java.util.List;
import org.blurnative.kernel.ComputeThreads;
import org.blurnative.kernel.jni.BlurNative;

/** The process-wide settings a sweep needs in force before anything is timed. */
public final class BenchSetup {

  private BenchSetup() {}

  /**
   * The thread split training uses ({@link ComputeThreads}): libblur and OpenBLAS (LibTorch's
   * matrix and BLAS-1 products) get the threads, LibTorch's OpenMP pool for elementwise ops gets
   * one. With both LibTorch pools at two threads their idle workers spin against each other, and
   * a baseline mixing elementwise ops with BLAS calls (the float64 reduce of the `torch` backend)
   * ran 50× slower than under this split: the baselines are timed as training runs them.
   *
   * @param requested 0 for all cores
   * @return the count in force
   */
  public static int applyThreads(String flag, int requested) {
    if (requested < 0) {
      throw new IllegalArgumentException(flag + " must be >= 0 (0 = all cores), got " + requested);
    }
    int threads = requested == 0 ? Runtime.getRuntime().availableProcessors() : requested;
    ComputeThreads.configure(threads);
    if (BlurNative.blur_get_num_threads() != threads) {
      throw new IllegalArgumentException(flag + ": " + BlurNative.blur_last_error().getString());
    }
    return threads;
  }

  /**
   * Fails in one line, before anything is allocated, on sizes the sweep could not finish: too
   * small for the per-tensor baseline, or too large for host memory.
   */
  public static void checkSizes(String flag, List<Long> sizes, Collection<String> backends) {
    long smallest = sizes.stream().mapToLong(Long::longValue).min().orElse(0);
    int tensors = Llama7bShapes.params().size();
    if (backends.contains(BenchResult.PER_TENSOR) && smallest < tensors) {
      throw new IllegalArgumentException(flag + ": the per-tensor baseline needs n >= " + tensors
          + " (one element per LLaMA-7B tensor), got " + smallest);
    }
    MemoryBudget.check(flag, sizes.stream().mapToLong(Long::longValue).max().orElse(0));
  }
}
