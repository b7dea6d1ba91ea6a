package org.blurnative.bench;

import java.util.List;

/**
 * Everything one `bench` run produced, as written to --json.
 *
 * @param settings what was asked for
 * @param otherProcessesCpuShare the share of all cores' time that other processes used during the
 *     sweep (0.5 on 2 cores: one core busy elsewhere); null where /proc is unreadable
 * @param skipped backends asked for that could not run, with why
 * @param results one row per (n, device, backend, op)
 */
public record BenchReport(MachineInfo machine, Settings settings, Double otherProcessesCpuShare,
    List<Skipped> skipped, List<BenchResult> results) {

  /**
   * @param sizes vector lengths n, in elements
   * @param runs the least number of timed runs per op
   * @param minTimeMs timed runs continue until they add up to this (at most 1000 runs)
   * @param bytesCounted how GB/s is derived, for a reader of the JSON alone
   */
  public record Settings(List<Long> sizes, List<String> backends, int runs, int warmup,
      double minTimeMs, int threads, String dtype, String optimizer, double lr, double gamma,
      String bytesCounted) {

    public static Settings of(List<Long> sizes, List<String> backends, int runs, int warmup,
        double minTimeMs, int threads) {
      return new Settings(List.copyOf(sizes), List.copyOf(backends), runs, warmup, minTimeMs, threads,
          "float32", StepRecipe.ADAMW.toString(), StepRecipe.LR, StepRecipe.GAMMA,
          "least traffic, 4 bytes per float: reduce 2n, step 10n (reduce 2n + AdamW reads θ, g_f, g_r,"
              + " m, v and writes θ, m, v), copy 10n (5n read + 5n written); GB = 1e9 bytes");
    }
  }

  public BenchReport {
    skipped = List.copyOf(skipped);
    results = List.copyOf(results);
  }
}
