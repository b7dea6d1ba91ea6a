package org.blurnative.kernel;

import org.blurnative.io.FreeMemory;
import org.blurnative.kernel.jni.BlurNative;

/**
 * A GPU's free memory, from libblur_cuda.so's blur_cuda_mem_info (cudaMemGetInfo): LibTorch's CPU
 * build cannot ask CUDA, our own library can, whichever LibTorch this process runs.
 */
public final class CudaFreeMemory implements FreeMemory {
  private final int device;

  private CudaFreeMemory(int device) {
    this.device = device;
  }

  /**
   * The memory of CUDA device {@code device}, or a reading that says in one sentence why it is
   * unknown (libblur_cuda.so not built or not loadable).
   */
  public static FreeMemory of(int device) {
    try {
      CudaLibrary.open();
    } catch (KernelUnavailableException e) {
      String reason = "cuda:" + device + "'s free memory is unknown: " + e.getMessage();
      return () -> Reading.unknown(reason);
    }
    return new CudaFreeMemory(device);
  }

  @Override
  public Reading read() {
    long[] free = new long[1];
    long[] total = new long[1];
    if (BlurNative.blur_cuda_mem_info(device, free, total) != BlurNative.BLUR_OK) {
      return Reading.unknown("cuda:" + device + "'s free memory is unknown: "
          + BlurNative.blur_cuda_last_error().getString());
    }
    return new Reading(free[0], "free on cuda:" + device);
  }
}
