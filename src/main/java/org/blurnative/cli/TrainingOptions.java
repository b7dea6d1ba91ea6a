package org.blurnative.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.blurnative.dist.DistMode;
import org.blurnative.model.Dtype;
import org.bytedeco.pytorch.Device;
import org.blurnative.dist.LaunchEnvironment;
import org.blurnative.kernel.OptimizerSettings;
import org.blurnative.train.Accumulation;
import org.blurnative.train.LearningRateSchedule;
import org.blurnative.train.ProbeLoss;
import org.blurnative.train.TrainingSettings;
import picocli.CommandLine.Option;

/** The options `train` and `finetune` share: the loop, the optimizer, the outputs. */
final class TrainingOptions {
  @Option(names = "--out", paramLabel = "DIR", description = "run directory (new or empty, or the run to --resume)")
  Path out;

  @Option(names = "--resume", description = "continue the run in --out from its newest checkpoint (from step 0 if it was stopped before one); it may change --lr, --clip, --max-skips, --epochs/--max-steps, checkpointing, --gradient-checkpointing and input paths (not contents), recorded in run.json")
  boolean resume;

  @Option(names = "--epochs", defaultValue = "10", description = "passes over the forget (finetune: training) set (default: ${DEFAULT-VALUE})")
  int epochs;

  @Option(names = "--max-steps", defaultValue = "0", description = "stop after this many optimizer steps instead of --epochs (0: use --epochs)")
  long maxSteps;

  @Option(names = "--batch", defaultValue = "32", description = "sequences per optimizer step (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--micro-batch", defaultValue = "4", description = "forward/backward passes per step, each batch/N sequences (default: ${DEFAULT-VALUE})")
  int microBatches;

  @Option(names = "--lr", defaultValue = "1e-5", description = "peak learning rate (default: ${DEFAULT-VALUE})")
  double lr;

  @Option(names = "--schedule", defaultValue = "constant", description = "constant or linear decay (default: ${DEFAULT-VALUE})")
  String schedule;

  @Option(names = "--warmup", defaultValue = "0", description = "warm-up steps (default: ${DEFAULT-VALUE})")
  long warmup;

  @Option(names = "--optimizer", defaultValue = "adamw", description = "adamw or sgd (paper eq. 15) (default: ${DEFAULT-VALUE})")
  String optimizer;

  @Option(names = "--weight-decay", defaultValue = "0.01", description = "decoupled weight decay (default: ${DEFAULT-VALUE})")
  double weightDecay;

  @Option(names = "--clip", defaultValue = "0", description = "clip ‖u‖ to this norm, 0 for none (default: ${DEFAULT-VALUE})")
  double clip;

  @Option(names = "--max-length", paramLabel = "N",
      description = MaxLength.HELP + "; finetune --from-scratch: also the new model's context")
  Integer givenMaxLength;  // null: not given, MaxLength picks the default for the model

  @Option(names = "--max-skips", defaultValue = "5", description = "abort after this many non-finite steps in a row (default: ${DEFAULT-VALUE})")
  int maxSkips;

  @Option(names = "--checkpoint-every", defaultValue = "0", description = "also checkpoint every N steps, 0 for none (default: ${DEFAULT-VALUE})")
  int checkpointEvery;

  @Option(names = "--checkpoint-interval", defaultValue = "10m", paramLabel = "TIME",
      description = "checkpoint whenever this long has passed since the last one (30s, 10m, 2h; 0: off);"
          + " the end of a run is always checkpointed, and a run killed before its first checkpoint"
          + " resumes from step 0 (default: ${DEFAULT-VALUE})")
  String checkpointInterval;

  @Option(names = "--keep", defaultValue = "2", description = "checkpoints to keep (default: ${DEFAULT-VALUE})")
  int keep;

  @Option(names = "--seed", defaultValue = "42", description = "seeds the data order and random initialisation (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--backend", defaultValue = "auto", description = "the fused update: auto (the device's: cpu or cuda), cpu, cuda, torch or java (default: ${DEFAULT-VALUE})")
  String backend;

  @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEVICE",
      description = "cpu, cuda (with several ranks: the GPU LOCAL_RANK names) or cuda:N: where the model, batches, θ, gradients and optimizer state live; cuda needs the GPU build (scripts/build-gpu-jar.sh) (default: ${DEFAULT-VALUE})")
  String device;

  private Device resolvedDevice;

  @Option(names = "--precision", defaultValue = "auto", paramLabel = "P",
      description = "fp32, bf16 (bf16 weights, activations and gradient buffers for forward and backward; fp32 master θ and AdamW state, which checkpoints keep) or auto (the model's own torch_dtype) (default: ${DEFAULT-VALUE})")
  String precision;

  @Option(names = "--gradient-checkpointing",
      description = "recompute each decoder layer's activations in backward instead of keeping them: the trained model holds one layer's activations and every layer's input (the memory plan counts them), for about one more forward per step; the same gradients to float rounding, so --resume may switch it")
  boolean gradientCheckpointing;

  @Option(names = "--threads", defaultValue = "0", description = "CPU threads for LibTorch and libblur, 0 for all cores (default: ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--prompt-format", defaultValue = "auto", description = "plain, llama2, llama3, llama3.1 or auto (from tokenizer_config.json) (default: ${DEFAULT-VALUE})")
  String promptFormat;

  @Option(names = "--nproc", defaultValue = "1", paramLabel = "N",
      description = "run as N ranks on this machine: N worker processes with torchrun's variables set, output prefixed by rank (default: ${DEFAULT-VALUE}; on several machines launch each rank with RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT instead)")
  int nproc;

  @Option(names = "--dist-timeout", defaultValue = "60s", paramLabel = "TIME",
      description = "with more than one rank: how long a rank waits for the others (rendezvous, every collective) before it stops, naming the rank that is gone (default: ${DEFAULT-VALUE})")
  String distTimeout;

  @Option(names = "--dist-mode", defaultValue = "replicated", paramLabel = "MODE",
      description = "with more than one rank: replicated (every rank keeps all of θ's optimizer state; G_f, G_r all-reduced) or sharded (ZeRO-2-like: each rank keeps its shard's state, G_f, G_r reduce-scattered, θ all-gathered) (default: ${DEFAULT-VALUE})")
  String distMode;

  @Option(names = "--progress", defaultValue = "auto", paramLabel = "MODE",
      description = "auto (a bar when stderr is a terminal, plain lines when it is a file or pipe), bar, lines or off (default: ${DEFAULT-VALUE})")
  String progress;

  @Option(names = "--progress-every", defaultValue = "30s", paramLabel = "N|TIME",
      description = "plain progress lines: one every N steps, or every TIME (30s, 5m); the first and last steps always get one (default: ${DEFAULT-VALUE})")
  String progressEvery;

  @Option(names = "--tensorboard", paramLabel = "DIR",
      description = "where the TensorBoard event file goes (default: OUT/tensorboard)")
  Path tensorboard;

  @Option(names = "--no-tensorboard", description = "write no TensorBoard event file")
  boolean noTensorboard;

  private LaunchEnvironment launch;

  @Option(names = "--system-prompt", defaultValue = "", description = "system prompt for chat formats (llama3.1: empty means open-unlearning's \"You are a helpful assistant.\")")
  String systemPrompt;

  /** Steps: --max-steps, or --epochs passes over {@code examples} in batches of --batch. */
  long steps(int examples) {
    if (maxSteps < 0) {
      throw new IllegalArgumentException("--max-steps must be >= 0 (0: use --epochs), got " + maxSteps);
    }
    if (epochs < 1 && maxSteps == 0) {
      throw new IllegalArgumentException("--epochs must be at least 1 (or give --max-steps)");
    }
    return maxSteps > 0 ? maxSteps : (long) epochs * ((examples + batch - 1) / batch);
  }

  /**
   * The loop's settings, with --max-length resolved for the model ({@link MaxLength}); the
   * adaptive learning rate's as {@link TrainingSettings} describes them.
   */
  TrainingSettings settings(long steps, int maxLength, int adaptiveLrEvery, ProbeLoss adaptiveLrLoss) {
    OptimizerSettings opt = switch (optimizer) {
      case "adamw" -> new OptimizerSettings.AdamW(0.9, 0.999, 1e-8, weightDecay);
      case "sgd" -> new OptimizerSettings.Sgd(weightDecay);
      default -> throw new IllegalArgumentException("--optimizer must be adamw or sgd, got '" + optimizer + "'");
    };
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("--lr must be a finite number >= 0, got " + lr);
    }
    LearningRateSchedule lrs = new LearningRateSchedule(LearningRateSchedule.Kind.parse(schedule), lr, warmup, steps);
    return new TrainingSettings(batch, microBatches, steps, maxLength, lrs, opt, clip, maxSkips,
        checkpointEvery, checkpointSeconds(), keep, seed, adaptiveLrEvery, adaptiveLrLoss, gradientCheckpointing,
        Accumulation.EVERY_MICRO_BATCH);
  }

  /** The TensorBoard event file's directory, or null for none (--no-tensorboard). */
  Path tensorboardDirectory() {
    if (noTensorboard && tensorboard != null) {
      throw new IllegalArgumentException("--tensorboard " + tensorboard + " with --no-tensorboard: give one of them");
    }
    return noTensorboard ? null : tensorboard != null ? tensorboard : out.resolve("tensorboard");
  }

  /** Where this process sits in the run: torchrun's variables, read once; one process without them. */
  LaunchEnvironment launch() {
    if (launch == null) {
      launch = LaunchEnvironment.from(System.getenv());
    }
    return launch;
  }

  /** --device, checked once against what LibTorch sees. */
  Device device() {
    if (resolvedDevice == null) {
      resolvedDevice = DeviceOption.parse(device, launch().localRank());
    }
    return resolvedDevice;
  }

  /** The dtype the model computes in: null for the model's own (--precision auto). */
  Dtype precision() {
    return precision(precision);
  }

  /** --precision's value as a dtype (null: auto, the model's own). */
  static Dtype precision(String precision) {
    return switch (precision) {
      case "auto" -> null;
      case "fp32" -> Dtype.FLOAT32;
      case "bf16" -> Dtype.BFLOAT16;
      default -> throw new IllegalArgumentException("--precision must be fp32, bf16 or auto, got '" + precision + "'");
    };
  }

  DistMode distMode() {
    return DistMode.parse(distMode);
  }

  /** --dist-timeout, at least a second. */
  Duration distTimeout() {
    long s = seconds("--dist-timeout", distTimeout, "");
    if (s < 1) {
      throw new IllegalArgumentException("--dist-timeout must be at least 1s, got '" + distTimeout + "'");
    }
    return Duration.ofSeconds(s);
  }

  private static final Pattern INTERVAL = Pattern.compile("(\\d{1,9})([smh]?)");

  /** --checkpoint-interval in seconds. */
  private long checkpointSeconds() {
    return seconds("--checkpoint-interval", checkpointInterval, " (0: off)");
  }

  /** A time like 30s, 10m or 2h, or 0, in seconds; {@code zero} says what 0 means in the message. */
  private static long seconds(String flag, String text, String zero) {
    Matcher m = INTERVAL.matcher(text.strip());
    if (!m.matches() || (m.group(2).isEmpty() && !m.group(1).matches("0+"))) {
      throw new IllegalArgumentException(flag + " must be a time like 30s, 10m or 2h" + zero + ", got '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "h" -> n * 3600;
      case "m" -> n * 60;
      default -> n;
    };
  }
}
