package org.blurnative.bench;

import org.blurnative.io.ProcMemory;
import org.bytedeco.javacpp.Pointer;

/**
 * Refuses sizes that cannot fit before anything is allocated, instead of the machine swapping or
 * JavaCPP throwing OutOfMemoryError halfway through a sweep.
 */
final class MemoryBudget {

  /**
   * Host bytes held at once per element of n, at the copy: g_f, g_r, θ0 (3 floats) plus the
   * copy's 5n source and 5n destination (10 floats). The other contenders hold less: torch 3 + 4
   * (θ, u, m, v) plus its temporaries, per-tensor 3 + 6, mixed precision 3 + 1 (bf16 g_f, g_r)
   * + 7 (two θ, m, v and their bf16 copies).
   */
  static final long BYTES_PER_ELEMENT = 13L * Op.FLOAT_BYTES;

  private MemoryBudget() {}

  /** @throws IllegalArgumentException naming the flag when the largest size would not fit */
  static void check(String flag, long largest) {
    long need = BYTES_PER_ELEMENT * largest;
    long available = ProcMemory.available();
    long javacppLimit = Pointer.maxPhysicalBytes();
    if (available > 0 && need > available) {
      throw new IllegalArgumentException(String.format(
          "%s: n = %s needs about %.1f GB of memory but %.1f GB is available", flag,
          Sizes.format(largest), need / 1e9, available / 1e9));
    }
    // JavaCPP caps the process's resident memory and throws past it (0 = no cap)
    if (javacppLimit > 0 && need + Pointer.physicalBytes() > javacppLimit) {
      throw new IllegalArgumentException(String.format(
          "%s: n = %s needs about %.1f GB, over JavaCPP's limit of %.1f GB; raise it with"
              + " -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 (no limit)", flag, Sizes.format(largest),
          need / 1e9, javacppLimit / 1e9));
    }
  }
}
