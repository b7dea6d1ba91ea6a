package org.blurnative.kernel;

import java.io.File;
import java.io.IOException;
import org.blurnative.kernel.jni.BlurNative;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;

/**
 * libblur_cuda.so, extracted from the jar and opened once per process: what the cuda backend and
 * the GPU's memory query both need. It opens without a GPU (the CUDA runtime is linked in
 * statically), so what fails here is the build or the file, never the device.
 */
final class CudaLibrary {
  private CudaLibrary() {}

  /** Opens the library, or says in one sentence why it cannot be. */
  static void open() {
    File library;
    try {
      library = Loader.cacheResource(BlurNative.class, Loader.getPlatform() + "/libblur_cuda.so");
    } catch (IOException e) {
      throw new KernelUnavailableException("cannot extract libblur_cuda.so: " + e.getMessage(), e);
    }
    if (library == null) {
      throw new KernelUnavailableException(
          "libblur_cuda.so is not in this build (no nvcc on the build machine)");
    }
    BytePointer failure = BlurNative.blur_cuda_open(library.getAbsolutePath());
    if (failure != null && !failure.isNull()) {
      throw new KernelUnavailableException(failure.getString());
    }
  }
}
