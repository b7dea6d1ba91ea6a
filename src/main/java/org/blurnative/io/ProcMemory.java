package org.blurnative.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * This machine's and this process's memory as Linux reports it in /proc: 0 where it reports
 * nothing (not Linux), so that callers print "unknown" instead of failing.
 */
public final class ProcMemory {
  private ProcMemory() {}

  /** MemAvailable: what can be allocated without swapping. */
  public static long available() {
    return kilobytes("/proc/meminfo", "MemAvailable:");
  }

  /** MemTotal. */
  public static long total() {
    return kilobytes("/proc/meminfo", "MemTotal:");
  }

  /** This process's resident memory now (VmRSS). */
  public static long resident() {
    return kilobytes("/proc/self/status", "VmRSS:");
  }

  /** The most this process has held resident so far (VmHWM, the high-water mark). */
  public static long peakResident() {
    return kilobytes("/proc/self/status", "VmHWM:");
  }

  /** A "NAME: N kB" field of {@code file}, in bytes. */
  private static long kilobytes(String file, String field) {
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of(file));
    } catch (IOException e) {
      return 0;
    }
    return lines.stream().filter(l -> l.startsWith(field))
        .map(l -> l.substring(field.length()).trim().split("\\s+")[0])
        .mapToLong(kb -> Long.parseLong(kb) * 1024).findFirst().orElse(0);
  }
}
