package org.blurnative.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.blurnative.dist.Collective;
import org.blurnative.dist.LaunchEnvironment;
import org.blurnative.dist.LocalLauncher;
import org.blurnative.dist.ReplicaDigest;
import org.blurnative.eval.AlignmentPlot;
import org.blurnative.eval.TrainingReport;
import org.blurnative.io.InputDigests.FileDigest;
import org.blurnative.kernel.Backend;
import org.blurnative.kernel.ComputeThreads;
import org.blurnative.kernel.UpdateKernel;
import org.blurnative.kernel.jni.BlurNative;
import org.blurnative.model.LlamaModel;
import org.blurnative.train.Objective;
import org.blurnative.train.ProbeLoss;
import org.blurnative.train.RunComparison;
import org.blurnative.train.RunDirectory;
import org.blurnative.train.TensorBoardLog;
import org.blurnative.train.Trainer;
import org.blurnative.train.TrainingAbortedException;
import org.blurnative.train.TrainingSettings;
import org.blurnative.update.UpdateRule;
import org.bytedeco.openblas.global.openblas_full;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine;

/**
 * What `train` and `finetune` share once their inputs are loaded and valid: the run directory,
 * run.json, the loop with its progress display and TensorBoard event file, and the final model.
 */
final class TrainingRun {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TrainingRun() {}

  /**
   * Opens the backend for --device (auto: the device's fused kernel); `cpu` falls back to `torch`
   * with a warning if libblur cannot load.
   */
  static UpdateKernel kernel(TrainingOptions o, PrintWriter err) {
    Backend backend = DeviceOption.backend(o.backend, o.device());
    int threads = threadsPerRank(o);
    ComputeThreads.configure(threads);
    return backend.openWithFallback(threads, err::println);
  }

  /** --threads, or (0) this machine's cores shared by the ranks it runs, so they do not oversubscribe it. */
  private static int threadsPerRank(TrainingOptions o) {
    if (o.threads != 0) {
      return o.threads;  // ComputeThreads refuses a negative count
    }
    return Math.max(1, Runtime.getRuntime().availableProcessors() / o.launch().localWorldSize());
  }

  /**
   * --nproc N: runs this command as N local ranks and returns the worst exit code. What can be
   * checked without the inputs is checked here first, so such a mistake is one line, not N.
   */
  static int launchLocally(TrainingOptions o, CommandLine command) throws IOException, InterruptedException {
    if (o.nproc < 1) {
      throw new IllegalArgumentException("--nproc must be at least 1, got " + o.nproc);
    }
    if (o.launch().distributed()) {
      throw new IllegalArgumentException("--nproc " + o.nproc + " with WORLD_SIZE " + o.launch().worldSize()
          + " set: launch the ranks one way, with --nproc or with torchrun's variables");
    }
    // the flags alone, checked once here rather than by every worker (the model's context is the workers' to check)
    Trainer.checkWorldSize(o.settings(Math.max(1, o.maxSteps), MaxLength.orDefault(o.givenMaxLength), 0,
        ProbeLoss.COMBINED), o.nproc);
    Duration timeout = o.distTimeout();
    o.distMode();
    List<String> args = new ArrayList<>(command.getParseResult().originalArgs());
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals("--nproc")) {
        args.subList(i, i + 2).clear();
        i--;
      } else if (args.get(i).startsWith("--nproc=")) {
        args.remove(i--);
      }
    }
    return LocalLauncher.run(o.nproc, Main.class.getName(), args, timeout, command.getOut(), command.getErr());
  }

  /**
   * Runs the loop and saves the model, holding the run directory's lock throughout; {@code config}
   * and {@code inputs} (the content digests of what the run reads) go into run.json next to
   * versions and machine facts. Nothing is written before this point, so bad input leaves no
   * directory. A gradient that underflows float32 is reported on {@code err}, once.
   *
   * <p>With more than one rank (torchrun's variables), this process joins the others first and
   * they check that they were started alike; rank 0 alone then writes the run directory and shows
   * progress, and at the end every rank prints a digest of its θ and of every step's losses and
   * (d, F, R), which must agree.
   */
  static void execute(String task, TrainingOptions o, TrainingSettings settings, UpdateKernel kernel,
      LlamaModel model, Objective forget, Objective retain, UpdateRule rule, int padId,
      Map<String, Object> config, Map<String, List<FileDigest>> inputs, PrintWriter out, PrintWriter err)
      throws IOException {
    LaunchEnvironment launch = o.launch();
    Trainer.checkWorldSize(settings, launch.worldSize());  // before joining: every rank refuses alike
    ProgressMode progressMode = ProgressMode.parse(o.progress);
    ProgressInterval progressEvery = ProgressInterval.parse(o.progressEvery);
    Path tensorboard = o.tensorboardDirectory();
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("task", task);
    info.put("config", config);
    info.put("inputs", inputs);
    info.put("settings", settings);
    info.put("backend", kernel.name());
    info.put("threads", Map.of("openblas", openblas_full.openblas_get_num_threads(),
        "libtorch_intra_op", torch.get_num_threads(), "libblur", BlurNative.blur_get_num_threads()));
    info.put("world_size", launch.worldSize());
    info.put("dist_mode", o.distMode().flag());
    info.put("precision", model.config().torchDtype().torchName());
    info.put("micro_batches_by_rank", microBatchesByRank(settings, launch.worldSize()));
    info.put("effective_batch", settings.batchSize());
    info.put("versions", Map.of("blur-native", VersionProvider.version(),
        "java", System.getProperty("java.version"), "libtorch", "2.10.0 (bytedeco 1.5.13)"));
    info.put("trainable_parameters", model.trainableParameters().values().stream().mapToLong(t -> t.numel()).sum());
    MemoryCheck memory = MemoryCheck.of(model, forget, retain, settings, launch.worldSize(), o.distMode());
    memory.requireFits(MemoryCheck.freeMemoryOf(o.device()));
    info.put("memory_plan", memory.asJson());

    try (Collective collective = Collective.connect(launch, o.distTimeout(), o.distMode(), o.device())) {
      requireSameConfiguration(collective, info, o.resume);
      if (collective.worldSize() > 1) {
        requireSameInitialTheta(collective, model);
      }
      Opened opened = onRankZeroFirst(collective, "run directory", () -> open(o, info, tensorboard));
      try (RunDirectory run = opened == null ? null : opened.run()) {
        if (run != null) {
          out.println(memory.describe());  // once the run is sure to start, by the rank that writes it
        }
        UnderflowWarning watched = new UnderflowWarning(rule, err);
        Trainer trainer = new Trainer(model, kernel, forget, retain, watched, settings, padId, o.out, collective);
        ReplicaDigest sums = new ReplicaDigest();
        try (StepLogs logs = run == null ? new StepLogs(ProgressDisplay.NONE, null)
            : new StepLogs(progress(progressMode, progressEvery, task, settings.steps(), err), tensorboard)) {
          trainer.run(o.resume, from -> {
            if (opened != null) {
              opened.onStart().accept(from);
            }
            logs.started(from);
          }, m -> {
            watched.stepDone(m.step());
            sums.add(m.step(), orNaN(m.forgetLoss()), orNaN(m.retainLoss()), orNaN(m.d()), orNaN(m.ff()), orNaN(m.rr()));
            logs.stepped(m);
          });
        }
        if (collective.worldSize() > 1) {
          requireSameReplicas(collective, model, sums, out);
        }
        if (run != null) {
          run.saveModel(model);
          boolean twoObjectives = retain != null;  // the paper's alignment figures need both gradients
          if (twoObjectives && !AlignmentPlot.write(run.root().resolve("metrics.jsonl"),
              run.root().resolve("plots/alignment.png"), task)) {
            err.println("warning: no step had cos, A_f or A_r (a gradient was zero or non-finite throughout),"
                + " so plots/alignment.png is not drawn");
          }
          // the method's name is what follows "train " in the task (finetune has none)
          TrainingReport.write(run.root(), task, rule, task.substring(task.indexOf(' ') + 1), twoObjectives);
          out.println(task + ": model in " + run.model() + ", metrics in " + run.root().resolve("metrics.jsonl")
              + ", report in " + run.root().resolve("report.md"));
          out.println(memory.measured());
        }
      }
    }
  }

  /**
   * Rank 0's progress display: a bar where stderr is a terminal (or --progress bar), plain lines
   * into {@code err} where it is a file or a pipe (as under --nproc, whose launcher prefixes them).
   */
  private static ProgressDisplay progress(ProgressMode mode, ProgressInterval every, String task, long steps,
      PrintWriter err) {
    if (mode == ProgressMode.OFF) {
      return ProgressDisplay.NONE;
    }
    return mode.showsBar(StderrTerminal.isTerminal()) ? new ProgressBarDisplay(task, steps)
        : new ProgressLines(err, task, steps, every, System::nanoTime);
  }

  /** Which micro-batches of a full batch each rank takes: k, k+W, … (DESIGN.md §8). */
  private static List<List<Integer>> microBatchesByRank(TrainingSettings settings, int worldSize) {
    List<List<Integer>> byRank = new ArrayList<>();
    int pieces = Math.min(settings.microBatches(), settings.batchSize());
    for (int rank = 0; rank < worldSize; rank++) {
      List<Integer> mine = new ArrayList<>();
      for (int i = rank; i < pieces; i += worldSize) {
        mine.add(i);
      }
      byRank.add(mine);
    }
    return byRank;
  }

  /** What of run.json the ranks must share: all of it but threads and versions, and --resume. */
  private static final List<String> AGREED =
      List.of("task", "config", "inputs", "settings", "backend", "world_size", "dist_mode", "precision", "resume");

  /**
   * The ranks exchange a hash of their resolved configuration; when one differs from rank 0's,
   * they exchange the configurations themselves to name the first difference, and stop.
   */
  private static void requireSameConfiguration(Collective collective, Map<String, Object> info, boolean resume)
      throws IOException {
    Map<String, Object> agreed = new LinkedHashMap<>();
    AGREED.forEach(key -> agreed.put(key, info.get(key)));
    agreed.put("resume", resume);
    byte[] mine = JSON.writeValueAsBytes(agreed);
    List<String> hashes = collective.exchange("configuration hash", ReplicaDigest.sha256(mine));
    if (hashes.stream().allMatch(hashes.get(0)::equals)) {
      return;
    }
    List<String> all = collective.exchange("configuration", new String(mine, StandardCharsets.UTF_8));
    JsonNode rankZero = JSON.readTree(all.get(0));
    for (int r = 1; r < all.size(); r++) {
      Optional<RunComparison.Change> difference = RunComparison.firstDifference(rankZero, JSON.readTree(all.get(r)), AGREED);
      if (difference.isPresent()) {
        RunComparison.Change c = difference.get();
        throw new IllegalArgumentException("rank " + r + " was started unlike rank 0 (" + c.key() + ": rank 0 has "
            + c.was() + ", rank " + r + " " + c.now() + "): start every rank with the same command and inputs");
      }
    }
  }

  /** Rank 0's run directory, and what it does once the run knows the step it starts from. */
  private record Opened(RunDirectory run, LongConsumer onStart) {}

  /**
   * Locks --out and writes run.json, or (--resume) checks the options against it. A fresh run
   * refuses a --tensorboard directory that holds another run's events, which TensorBoard would
   * draw as one run with this one.
   */
  private static Opened open(TrainingOptions o, Map<String, Object> info, Path tensorboard) throws IOException {
    RunDirectory run = RunDirectory.open(o.out, o.resume);
    try {
      if (!o.resume && tensorboard != null && !TensorBoardLog.eventFiles(tensorboard).isEmpty()) {
        throw new IllegalArgumentException("--tensorboard " + tensorboard + " already holds the event file of another"
            + " run; give each run its own directory (TensorBoard shows each subdirectory of its --logdir as a run)");
      }
      if (o.resume) {  // run.json is rewritten once the run has restarted from its checkpoint
        RunDirectory.Resumption resumption = run.resumption(info,
            List.of("task", "config", "inputs", "settings", "trainable_parameters", "world_size", "dist_mode",
                "precision"));
        return new Opened(run, from -> writeRunInfo(run, resumption.info(from)));
      }
      run.writeRunInfo(info);
      return new Opened(run, from -> {});
    } catch (IOException | RuntimeException e) {
      run.close();
      throw e;
    }
  }

  /** Work rank 0 does before the others may go on. */
  private interface RankZeroWork<T> {
    T run() throws IOException;
  }

  /**
   * Rank 0 does {@code work} (the only rank of a one-process run just does it); the others wait
   * for its outcome and stop with its refusal, so a bad --out is one line on every rank instead
   * of a timeout. Returns the work's result on rank 0, null on the others.
   */
  private static <T> T onRankZeroFirst(Collective collective, String topic, RankZeroWork<T> work) throws IOException {
    T result = null;
    String refusal = "";
    if (collective.rank() == 0) {
      try {
        result = work.run();
      } catch (IOException | IllegalArgumentException e) {
        refusal = e.getMessage();
        collective.exchange(topic, refusal);
        throw e;
      }
    }
    String rankZero = collective.exchange(topic, refusal).get(0);
    if (!rankZero.isEmpty()) {
      throw new IllegalArgumentException("rank 0 stopped: " + rankZero);
    }
    return result;
  }

  /**
   * Every rank prints the digests of its θ and of every step's losses and (d, F, R); they must be rank 0's,
   * or the replicas have drifted apart (a bug: the collective's sums are the same bits everywhere).
   */
  private static void requireSameReplicas(Collective collective, LlamaModel model, ReplicaDigest sums, PrintWriter out) {
    String mine = "θ sha-256 " + thetaDigest(model) + ", losses and (d, F, R) of " + sums.count() + " steps sha-256 "
        + sums.hex();
    out.println("rank " + collective.rank() + " of " + collective.worldSize() + ": " + mine);
    List<String> all = collective.exchange("replicas", mine);
    for (int r = 1; r < all.size(); r++) {
      if (!all.get(r).equals(all.get(0))) {
        throw new TrainingAbortedException("rank " + r + " ended with another θ, losses or (d, F, R) than rank 0"
            + " (" + all.get(r) + " against " + all.get(0) + "): the replicas drifted apart, which is a bug");
      }
    }
  }

  /**
   * The ranks start from the same θ: a model directory is compared by content already, but a
   * random initialisation (finetune --from-scratch) is only as alike as each machine's LibTorch.
   */
  private static void requireSameInitialTheta(Collective collective, LlamaModel model) {
    List<String> all = collective.exchange("initial θ", thetaDigest(model));
    for (int r = 1; r < all.size(); r++) {
      if (!all.get(r).equals(all.get(0))) {
        throw new IllegalArgumentException("rank " + r + " starts from another θ than rank 0 (sha-256 " + all.get(r)
            + " against " + all.get(0) + "): give every rank the same --model, or one LibTorch build for a random start");
      }
    }
  }

  private static String thetaDigest(LlamaModel model) {
    ReplicaDigest theta = new ReplicaDigest();
    model.trainableParameters().values().forEach(theta::add);
    return theta.hex();
  }

  private static double orNaN(Double value) {
    return value == null ? Double.NaN : value;
  }

  private static void writeRunInfo(RunDirectory run, Map<String, Object> info) {
    try {
      run.writeRunInfo(info);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
