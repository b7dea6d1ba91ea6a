package org.blurnative.bench;

import java.util.List;
import java.util.Locale;

/**
 * Everything one `bench --whole-step` run produced, as written to --json and printed as a table.
 *
 * @param settings what was timed
 * @param otherProcessesCpuShare the share of all cores' time other processes used meanwhile
 *     (null where /proc is unreadable)
 * @param splits one per thread split, in the order run
 */
public record WholeStepReport(MachineInfo machine, Settings settings, Double otherProcessesCpuShare,
    List<WholeStep.Split> splits) {

  /**
   * @param model the model directory, or the random model's shape
   * @param parameters its weights
   * @param precision the dtype forward and backward run in
   * @param device where its buffers live
   * @param backend the fused update's kernel
   * @param batch sequences per step on each side, in {@code microBatches} passes of at most {@code maxLength} tokens
   * @param data what the sequences are
   * @param runs timed steps per split, after {@code warmup} untimed ones
   */
  public record Settings(String model, long parameters, String precision, String device, String backend,
      String method, int batch, int microBatches, int maxLength, String data, int runs, int warmup) {}

  public WholeStepReport {
    splits = List.copyOf(splits);
  }

  private static final String ROW = "%-9s  %-15s  %10s  %7s%n";

  /** Per split, each phase's median and share; then, with several splits, each step against the first's. */
  public String table() {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, ROW, "blas:omp", "phase", "median ms", "share"));
    for (WholeStep.Split s : splits) {
      for (StepPhases.Phase p : s.phases().phases()) {
        out.append(String.format(Locale.ROOT, ROW, s.threads().label(), p.name(),
            String.format(Locale.ROOT, "%.2f", 1e3 * p.medianSeconds()),
            String.format(Locale.ROOT, "%.1f%%", 100 * p.share())));
      }
      if (s.phases().skipped() > 0) {
        out.append(String.format(Locale.ROOT, "%-9s  %d of %d timed steps had non-finite values and are left out%n",
            s.threads().label(), s.phases().skipped(), s.phases().steps()));
      }
    }
    WholeStep.Split first = splits.get(0);
    for (WholeStep.Split s : splits.subList(1, splits.size())) {
      if (!s.phases().phases().isEmpty() && !first.phases().phases().isEmpty()) {
        out.append(String.format(Locale.ROOT, "step at %s: %.2f× the step at %s%n", s.threads().label(),
            s.phases().stepMedianSeconds() / first.phases().stepMedianSeconds(), first.threads().label()));
      }
    }
    return out.toString();
  }
}
