package org.blurnative.io;

/**
 * How much memory a run can still have where its buffers live: the machine's (from /proc) for a
 * run on the CPU, a GPU's (from the CUDA runtime, {@code kernel.CudaFreeMemory}) for one on it.
 * The memory plan is checked against one of these, so that the check itself is tested without
 * the device.
 */
public interface FreeMemory {

  /**
   * What was found: {@code bytes} free, and {@code what} they are ("available", "free on cuda:0");
   * or bytes 0 and in {@code what} the reason nothing is known.
   */
  record Reading(long bytes, String what) {
    public static Reading unknown(String reason) {
      return new Reading(0, reason);
    }

    public boolean known() {
      return bytes > 0;
    }
  }

  Reading read();

  /** This machine's MemAvailable: what the CPU's buffers can take without swapping. */
  static FreeMemory machine() {
    return () -> {
      long available = ProcMemory.available();
      return available > 0 ? new Reading(available, "available")
          : Reading.unknown("this system reports no MemAvailable in /proc/meminfo");
    };
  }
}
