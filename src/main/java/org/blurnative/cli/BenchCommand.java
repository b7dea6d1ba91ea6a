package org.blurnative.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.blurnative.bench.BandwidthPlot;
import org.blurnative.bench.BenchReport;
import org.blurnative.bench.BenchResult;
import org.blurnative.bench.BenchSetup;
import org.blurnative.bench.JsonReport;
import org.blurnative.bench.LaneSelection;
import org.blurnative.bench.MachineInfo;
import org.blurnative.bench.Measurement;
import org.blurnative.bench.ResultTable;
import org.blurnative.bench.Sizes;
import org.blurnative.bench.Skipped;
import org.blurnative.bench.Sweep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code blur-native bench}: the fused update against memory copy and the LibTorch baselines. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
        "Times reduce and the full BLUR step (reduce, coefficients, fused AdamW) for each n and"
            + " backend, next to a memory copy of the same byte volume and two LibTorch baselines:"
            + " `torch` (flat tensors, LibTorch ops and AdamW) and `per-tensor` (LLaMA-7B's 291"
            + " tensors scaled to n, as the reference code steps them).",
        "Prints a table; --json and --plot save the results.",
        "--whole-step (or --model DIR): whole BLUR steps of a model instead, through the trainer, each"
            + " phase's median and share of the step, under one or several --thread-split settings."})
final class BenchCommand implements Callable<Integer> {

  /** Below this share of CPU time taken by others, timings are as good as this machine gives. */
  private static final double NOTICEABLE_CONTENTION = 0.05;

  @Spec
  private CommandSpec spec;

  @Option(names = "--sizes", paramLabel = "N[,N...]", defaultValue = "1M,4M,16M,50M",
      description = "vector lengths n in float32 elements; K, M, G are 2^10, 2^20, 2^30 (default: ${DEFAULT-VALUE})")
  private String sizes;

  @Option(names = "--backends", paramLabel = "NAME[,NAME...]", defaultValue = LaneSelection.DEFAULT,
      description = "any of cpu, torch, per-tensor, java, cuda; cuda is skipped with a note where it"
          + " cannot run, java (slow) only when named (default: ${DEFAULT-VALUE})")
  private String backends;

  @Option(names = "--device", defaultValue = "all", paramLabel = "DEVICE",
      description = "all (the CPU, and the GPU where one runs), cpu, or cuda (the GPU's lanes only;"
          + " no GPU is then an error); --whole-step: cpu (all), cuda or cuda:N (default: ${DEFAULT-VALUE})")
  private String device;

  @Option(names = "--runs", defaultValue = "5",
      description = "timed runs per op, at least; the median is reported; --whole-step: timed steps per"
          + " thread split (default: ${DEFAULT-VALUE})")
  private int runs;

  @Option(names = "--min-time", paramLabel = "MS", defaultValue = "250",
      description = "keep timing an op until its timed runs add up to this many ms (at most 1000"
          + " runs), so that fast ops get many runs; 0 = exactly --runs (default: ${DEFAULT-VALUE})")
  private double minTimeMs;

  @Option(names = "--warmup", defaultValue = "2", description = "untimed runs before them (default: ${DEFAULT-VALUE})")
  private int warmup;

  @Option(names = "--threads", defaultValue = "0",
      description = "threads for LibTorch and libblur; 0 = all cores (default: ${DEFAULT-VALUE})")
  private int threads;

  @Option(names = "--json", paramLabel = "FILE", description = "write all results and machine info as JSON")
  private Path json;

  @Option(names = "--plot", paramLabel = "FILE.png", description = "write a PNG of GB/s against n")
  private Path plot;

  @Mixin
  private WholeStepBench wholeStep;

  /** The update lanes' own flags, which the whole-step lane does not read. */
  private static final List<String> UPDATE_LANE_FLAGS = List.of("--sizes", "--backends", "--min-time", "--plot");

  /** Checked before the sweep, which would otherwise run for minutes and then fail to write. */
  private static void requireFileTarget(String flag, Path target) {
    if (target != null && java.nio.file.Files.isDirectory(target)) {
      throw new IllegalArgumentException(flag + " " + target + " is a directory, not a file");
    }
  }

  @Override
  public Integer call() throws Exception {
    if (wholeStep.wanted()) {
      return runWholeStep();
    }
    List<Long> n = Sizes.parse("--sizes", sizes).stream().distinct().sorted().toList();
    Set<String> names = LaneSelection.parse("--backends", backends);
    boolean cpuLanes = switch (device) {
      case "all", "cpu" -> true;
      case "cuda" -> false;
      default -> throw new IllegalArgumentException("--device must be all, cpu or cuda, got '" + device + "'");
    };
    if (device.equals("cpu")) {
      names.remove("cuda");
    } else if (device.equals("cuda")) {
      names.add("cuda");
    }
    if (runs < 1 || warmup < 0 || !(minTimeMs >= 0)) {
      throw new IllegalArgumentException("--runs must be >= 1, --warmup and --min-time >= 0; got "
          + runs + ", " + warmup + " and " + minTimeMs);
    }
    int threadCount = BenchSetup.applyThreads("--threads", threads);
    BenchSetup.checkSizes("--sizes", n, names);
    requireFileTarget("--json", json);
    requireFileTarget("--plot", plot);

    PrintWriter out = spec.commandLine().getOut();
    LaneSelection selection = LaneSelection.open(names, threadCount, cpuLanes);
    for (Skipped s : selection.skipped()) {
      out.println(s.backend() + ": skipped, " + s.reason());
    }
    out.flush();  // before the progress bar starts on stderr
    Sweep sweep = new Sweep(selection, warmup, runs, minTimeMs);
    List<Measurement> measured = runWithProgressBar(sweep, n);

    List<BenchResult> results = BenchResult.compare(measured);
    out.print(ResultTable.format(results));
    Double others = sweep.otherProcessesCpuShare();
    if (others != null && others > NOTICEABLE_CONTENTION) {
      out.printf(Locale.ROOT, "note: other processes used %.0f%% of the machine's CPU time during the"
          + " sweep; timings may be slower than on an idle machine%n", 100 * others);
    }
    out.flush();
    BenchReport report = new BenchReport(MachineInfo.probe(),
        BenchReport.Settings.of(n, new ArrayList<>(names), runs, warmup, minTimeMs, threadCount), others,
        selection.skipped(), results);
    if (json != null) {
      JsonReport.write(json, report);
    }
    if (plot != null) {
      BandwidthPlot.write(plot, results, "BLUR fused update, " + report.machine().cpuModel()
          + ", " + threadCount + " threads");
    }
    return 0;
  }

  private int runWholeStep() throws java.io.IOException {
    for (String flag : UPDATE_LANE_FLAGS) {
      if (spec.commandLine().getParseResult().hasMatchedOption(flag)) {
        throw new IllegalArgumentException(flag + " applies to the update lanes, not to --whole-step");
      }
    }
    if (runs < 1 || warmup < 0) {
      throw new IllegalArgumentException("--runs must be >= 1 and --warmup >= 0; got " + runs + " and " + warmup);
    }
    requireFileTarget("--json", json);
    int threadCount = BenchSetup.applyThreads("--threads", threads);
    return wholeStep.run(device, threadCount, runs, warmup, json, spec.commandLine().getOut());
  }

  /** The bar goes to stderr so that stdout holds only the table. */
  private static List<Measurement> runWithProgressBar(Sweep sweep, List<Long> n) {
    try (ProgressBar bar = new ProgressBarBuilder()
        .setTaskName("bench")
        .setInitialMax(sweep.opCount(n))
        .setConsumer(new ConsoleProgressBarConsumer(System.err))
        .setUpdateIntervalMillis(250)
        .build()) {
      return sweep.run(n, new Sweep.Progress() {
        @Override
        public void starting(String what) {
          bar.setExtraMessage(what);
        }

        @Override
        public void finished() {
          bar.step();
        }
      });
    }
  }
}
