package org.blurnative.kernel;

import org.blurnative.kernel.jni.BlurNative;
import org.blurnative.kernel.jni.BlurNative.AdamWHyper;
import org.blurnative.kernel.jni.BlurNative.Sums;
import org.bytedeco.pytorch.global.torch;

/**
 * The entry points of one native library of blur.h, on addresses: {@code libblur.so} for host
 * memory or {@code libblur_cuda.so} for device memory. {@link NativeKernel} is written once over
 * this interface.
 */
sealed interface NativeCalls {

  String backendName();

  boolean onGpu();

  int reduce(long gf, long gr, long n, int dtype, Sums out);

  int combine(long gf, long gr, long n, int dtype, double cf, double cr, long u);

  int sgd(long theta, long gf, long gr, long n, int dtype, double cf, double cr, float lr, float wd);

  int adamw(long theta, long m, long v, long gf, long gr, long n, int dtype, double cf, double cr,
      AdamWHyper hp);

  /** {@link #sgd} that also writes θ's bfloat16 working copy at {@code thetaBf16}. */
  int sgdWithCopy(long theta, long thetaBf16, long gf, long gr, long n, int dtype, double cf,
      double cr, float lr, float wd);

  /** {@link #adamw} that also writes θ's bfloat16 working copy at {@code thetaBf16}. */
  int adamwWithCopy(long theta, long thetaBf16, long m, long v, long gf, long gr, long n, int dtype,
      double cf, double cr, AdamWHyper hp);

  String lastError();

  /** libblur.so, host pointers. */
  static NativeCalls cpu(int threads) {
    try {
      int abi = BlurNative.blur_abi_version();
      if (abi != 1) {
        throw new KernelUnavailableException("libblur.so has ABI version " + abi + ", expected 1");
      }
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      throw new KernelUnavailableException("the native library libblur could not be loaded (" + e.getMessage() + ")", e);
    }
    if (BlurNative.blur_set_num_threads(threads) != BlurNative.BLUR_OK) {
      throw new IllegalArgumentException(BlurNative.blur_last_error().getString());
    }
    return new Cpu();
  }

  /** libblur_cuda.so on LibTorch's default CUDA stream. */
  static NativeCalls cuda() {
    if (!torch.cuda_is_available()) {
      throw new KernelUnavailableException(
          "backend cuda needs a CUDA GPU and LibTorch's GPU build (org.bytedeco:pytorch with the"
              + " linux-x86_64-gpu classifier); this process has neither");
    }
    try {
      CudaLibrary.open();
    } catch (KernelUnavailableException e) {
      throw new KernelUnavailableException("backend cuda: " + e.getMessage(), e);
    }
    if (BlurNative.blur_cuda_device_count() == 0) {
      throw new KernelUnavailableException("backend cuda: no CUDA device is visible to libblur_cuda.so");
    }
    return new Cuda();
  }

  final class Cpu implements NativeCalls {
    @Override
    public String backendName() {
      return "cpu";
    }

    @Override
    public boolean onGpu() {
      return false;
    }

    @Override
    public int reduce(long gf, long gr, long n, int dtype, Sums out) {
      return BlurNative.blur_reduce(gf, gr, n, dtype, out);
    }

    @Override
    public int combine(long gf, long gr, long n, int dtype, double cf, double cr, long u) {
      return BlurNative.blur_combine(gf, gr, n, dtype, cf, cr, u);
    }

    @Override
    public int sgd(long theta, long gf, long gr, long n, int dtype, double cf, double cr, float lr, float wd) {
      return BlurNative.blur_apply_sgd(theta, gf, gr, n, dtype, cf, cr, lr, wd);
    }

    @Override
    public int adamw(long theta, long m, long v, long gf, long gr, long n, int dtype, double cf,
        double cr, AdamWHyper hp) {
      return BlurNative.blur_apply_adamw(theta, m, v, gf, gr, n, dtype, cf, cr, hp);
    }

    @Override
    public int sgdWithCopy(long theta, long thetaBf16, long gf, long gr, long n, int dtype,
        double cf, double cr, float lr, float wd) {
      return BlurNative.blur_apply_sgd_bf16copy(theta, thetaBf16, gf, gr, n, dtype, cf, cr, lr, wd);
    }

    @Override
    public int adamwWithCopy(long theta, long thetaBf16, long m, long v, long gf, long gr, long n,
        int dtype, double cf, double cr, AdamWHyper hp) {
      return BlurNative.blur_apply_adamw_bf16copy(theta, thetaBf16, m, v, gf, gr, n, dtype, cf, cr, hp);
    }

    @Override
    public String lastError() {
      return BlurNative.blur_last_error().getString();
    }
  }

  /** Kernels go to the legacy default stream (0), which is LibTorch's unless a stream guard is set. */
  final class Cuda implements NativeCalls {
    private static final long DEFAULT_STREAM = 0;

    @Override
    public String backendName() {
      return "cuda";
    }

    @Override
    public boolean onGpu() {
      return true;
    }

    @Override
    public int reduce(long gf, long gr, long n, int dtype, Sums out) {
      return BlurNative.blur_cuda_reduce(gf, gr, n, dtype, out, DEFAULT_STREAM);
    }

    @Override
    public int combine(long gf, long gr, long n, int dtype, double cf, double cr, long u) {
      return BlurNative.blur_cuda_combine(gf, gr, n, dtype, cf, cr, u, DEFAULT_STREAM);
    }

    @Override
    public int sgd(long theta, long gf, long gr, long n, int dtype, double cf, double cr, float lr, float wd) {
      return BlurNative.blur_cuda_apply_sgd(theta, gf, gr, n, dtype, cf, cr, lr, wd, DEFAULT_STREAM);
    }

    @Override
    public int adamw(long theta, long m, long v, long gf, long gr, long n, int dtype, double cf,
        double cr, AdamWHyper hp) {
      return BlurNative.blur_cuda_apply_adamw(theta, m, v, gf, gr, n, dtype, cf, cr, hp, DEFAULT_STREAM);
    }

    @Override
    public int sgdWithCopy(long theta, long thetaBf16, long gf, long gr, long n, int dtype,
        double cf, double cr, float lr, float wd) {
      return BlurNative.blur_cuda_apply_sgd_bf16copy(theta, thetaBf16, gf, gr, n, dtype, cf, cr, lr,
          wd, DEFAULT_STREAM);
    }

    @Override
    public int adamwWithCopy(long theta, long thetaBf16, long m, long v, long gf, long gr, long n,
        int dtype, double cf, double cr, AdamWHyper hp) {
      return BlurNative.blur_cuda_apply_adamw_bf16copy(theta, thetaBf16, m, v, gf, gr, n, dtype, cf,
          cr, hp, DEFAULT_STREAM);
    }

    @Override
    public String lastError() {
      return BlurNative.blur_cuda_last_error().getString();
    }
  }
}
