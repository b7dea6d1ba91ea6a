package org.blurnative.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much of the machine's CPU time other processes took while the sweep ran: on a small shared
 * machine a concurrent build can slow every timing, and the report should say so rather than
 * leave the reader to guess. Linux only (/proc); elsewhere the share is unknown (null).
 */
final class CpuContention {

  private final long[] machineStart;  // {busy, total} clock ticks over all cores
  private final long selfStart;       // this process's user + system ticks

  private CpuContention(long[] machineStart, long selfStart) {
    this.machineStart = machineStart;
    this.selfStart = selfStart;
  }

  static CpuContention start() {
    return new CpuContention(machineTicks(), selfTicks());
  }

  /** Other processes' share of all cores' time since start(), in [0, 1]; null if unreadable. */
  Double othersShare() {
    long[] machineEnd = machineTicks();
    long selfEnd = selfTicks();
    if (machineStart == null || machineEnd == null || selfStart < 0 || selfEnd < 0) {
      return null;
    }
    long total = machineEnd[1] - machineStart[1];
    long others = (machineEnd[0] - machineStart[0]) - (selfEnd - selfStart);
    return total <= 0 ? null : Math.max(0, Math.min(1, (double) others / total));
  }

  /** {busy, total} from the first line of /proc/stat; idle and iowait are not busy. */
  private static long[] machineTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {  // user nice system idle iowait irq softirq steal
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** utime + stime of /proc/self/stat (fields 14 and 15, counted after the parenthesised name). */
  private static long selfTicks() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split("\\s+");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
