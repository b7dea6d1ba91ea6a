package org.blurnative.bench;

import java.util.List;
import java.util.Locale;

/** The plain-text table on stdout; a dash where a ratio has no reference. */
public final class ResultTable {

  private static final String ROW = "%6s  %-6s  %-10s  %-15s  %10s  %8s  %7s  %8s  %13s%n";

  private ResultTable() {}

  public static String format(List<BenchResult> results) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, ROW, "n", "device", "backend", "op", "median ms", "GB/s",
        "of copy", "vs torch", "vs per-tensor"));
    for (BenchResult r : results) {
      out.append(String.format(Locale.ROOT, ROW,
          Sizes.format(r.n()), r.device(), r.backend(), r.op(),
          String.format(Locale.ROOT, "%.3f", r.medianMs()),
          String.format(Locale.ROOT, "%.2f", r.gbPerSecond()),
          ratio(r.fractionOfCopy(), ""),
          ratio(r.speedupVsTorch(), "x"),
          ratio(r.speedupVsPerTensor(), "x")));
    }
    return out.toString();
  }

  private static String ratio(Double value, String unit) {
    return value == null ? "-" : String.format(Locale.ROOT, "%.2f%s", value, unit);
  }
}
