package org.blurnative.kernel;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** The four implementations of {@link UpdateKernel}, chosen by name at run time. */
public enum Backend {
  /** plain Java in float64: the reference */
  JAVA,
  /** LibTorch ops: the baseline a user would write, and the fallback */
  TORCH,
  /** libblur.so: C++17, OpenMP, AVX2 with runtime dispatch */
  CPU,
  /** libblur_cuda.so on the GPU */
  CUDA;

  /** The name users type: java, torch, cpu or cuda. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Backend parse(String name) {
    for (Backend b : values()) {
      if (b.label().equals(name)) {
        return b;
      }
    }
    throw new IllegalArgumentException("unknown backend '" + name + "' (expected one of "
        + Arrays.stream(values()).map(Backend::label).collect(Collectors.joining(", ")) + ")");
  }

  /**
   * Opens this backend; {@code threads} applies to `cpu` (0 = OpenMP's default).
   *
   * @throws KernelUnavailableException when it cannot run here, with the reason
   */
  public UpdateKernel open(int threads) {
    return switch (this) {
      case JAVA -> new JavaKernel();
      case TORCH -> new TorchKernel();
      case CPU -> new NativeKernel(NativeCalls.cpu(threads));
      case CUDA -> new NativeKernel(NativeCalls.cuda());
    };
  }

  /** As {@link #open}, but `cpu` falls back to `torch` with a one-line warning if libblur fails. */
  public UpdateKernel openWithFallback(int threads, Consumer<String> warn) {
    if (this != CPU) {
      return open(threads);
    }
    try {
      return open(threads);
    } catch (KernelUnavailableException e) {
      warn.accept("warning: " + e.getMessage() + "; falling back to backend torch");
      return TORCH.open(threads);
    }
  }
}
