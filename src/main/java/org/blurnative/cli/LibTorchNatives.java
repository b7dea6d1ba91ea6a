package org.blurnative.cli;

import java.io.IOException;
import java.util.List;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.Tensor;

/**
 * Extracts LibTorch's libraries into JavaCPP's cache before the first LibTorch class loads them.
 *
 * <p>JavaCPP extracts and loads them one at a time, libtorch.so before libtorch_cpu.so (and
 * libtorch_cuda.so in the GPU build), although libtorch.so needs those: on a fresh cache the
 * dynamic linker, not finding them beside libtorch.so ($ORIGIN) yet, takes the system's when there
 * is one. Debian's libtorch-dev installs /usr/lib/x86_64-linux-gnu/libtorch_cpu.so (PyTorch
 * 1.13), and two LibTorch versions in one process crash it in their static initialisers (measured:
 * SIGSEGV on the first run of the jar, every run after it fine). With every library in the cache
 * first, $ORIGIN finds ours.
 */
final class LibTorchNatives {
  /** The libraries libtorch.so links, in either build; those the jar lacks are skipped. */
  private static final List<String> LINKED = List.of("libc10.so", "libtorch_cpu.so", "libc10_cuda.so",
      "libtorch_cuda.so", "libtorch_cuda_linalg.so", "libgomp.so.1");

  private LibTorchNatives() {}

  static void extractBeforeLoading() {
    String platform = Loader.getPlatform();
    for (String dir : List.of(platform, platform + "-gpu")) {
      for (String library : LINKED) {
        try {
          Loader.cacheResource(Tensor.class, dir + "/" + library);  // Tensor.class: its package, not its natives
        } catch (IOException e) {
          return;  // JavaCPP's own loading then says what is wrong with the cache
        }
      }
    }
  }
}
