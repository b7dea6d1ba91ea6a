package org.blurnative.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.blurnative.bench.JsonReport;
import org.blurnative.bench.MachineInfo;
import org.blurnative.bench.ThreadSplit;
import org.blurnative.bench.WholeStep;
import org.blurnative.bench.WholeStepReport;
import org.blurnative.data.ExampleEncoder;
import org.blurnative.data.IdkAnswers;
import org.blurnative.data.PromptFormat;
import org.blurnative.data.QaRecord;
import org.blurnative.data.TokenizedExample;
import org.blurnative.data.mini.MiniBenchmark;
import org.blurnative.data.mini.MiniQa;
import org.blurnative.data.mini.MiniSplits;
import org.blurnative.dist.DistMode;
import org.blurnative.kernel.UpdateKernel;
import org.blurnative.loss.Loss;
import org.blurnative.model.Dtype;
import org.blurnative.model.LlamaModel;
import org.blurnative.model.ModelConfig;
import org.blurnative.model.SmallModels;
import org.blurnative.tokenizer.ByteTokenizer;
import org.blurnative.tokenizer.Tokenizer;
import org.blurnative.train.Method;
import org.blurnative.train.MethodParameters;
import org.blurnative.train.Objective;
import org.blurnative.train.Trainer;
import org.blurnative.train.TrainingSettings;
import org.bytedeco.pytorch.Device;
import picocli.CommandLine.Option;

/**
 * {@code bench --whole-step} (or {@code bench --model DIR}): BLUR steps of a whole model on the
 * bundled mini benchmark's forget10 and retain90 QA pairs, through the trainer (bench.WholeStep),
 * with each phase's median and share of the step, under one or several thread splits.
 */
final class WholeStepBench {
  /** The no-argument model: the mini benchmark's target model's shape (DemoJob's finetune). */
  private static final int HIDDEN = 128;
  private static final int LAYERS = 4;
  private static final int HEADS = 4;
  /** Tokens per sequence unless --max-length says otherwise: the mini benchmark's QA pairs are short. */
  private static final int LENGTH = 128;
  /** train's default --seed: the random model's weights, the data order, RMU's direction. */
  private static final long SEED = 42;

  @Option(names = "--whole-step", description = "time whole BLUR steps of a model (--model, or a random"
      + " byte-level one) instead of the fused update alone")
  boolean requested;

  @Option(names = "--model", paramLabel = "DIR", description = "--whole-step: this Hugging Face model"
      + " (implies --whole-step; default: a random byte-level model of hidden " + HIDDEN + ", " + LAYERS
      + " layers, " + HEADS + " heads, the mini benchmark's target shape)")
  Path model;

  @Option(names = "--method", defaultValue = "blur-npo", paramLabel = "RULE-LOSS",
      description = "--whole-step: the method, as train's --method, with train's defaults for its"
          + " parameters (default: ${DEFAULT-VALUE})")
  String method;

  @Option(names = "--batch", defaultValue = "8",
      description = "--whole-step: sequences per step on each side (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--micro-batch", defaultValue = "1",
      description = "--whole-step: forward/backward passes per step, as train's (default: ${DEFAULT-VALUE})")
  int microBatches;

  @Option(names = "--max-length", paramLabel = "N", description = "--whole-step: tokens per sequence, at most"
      + " (default: " + LENGTH + ", or the model's context where that is less)")
  Integer maxLength;  // null: not given

  @Option(names = "--precision", defaultValue = "auto", paramLabel = "P",
      description = "--whole-step: fp32, bf16 or auto (the model's) (default: ${DEFAULT-VALUE})")
  String precision;

  @Option(names = "--thread-split", paramLabel = "BLAS:OMP[,...]",
      description = "--whole-step: OpenBLAS:LibTorch-OpenMP thread counts to time in turn, in one run, e.g."
          + " 2:2,1:2,2:1 (default: training's split, --threads:1)")
  String threadSplits;

  /** Whether the lane was asked for. */
  boolean wanted() {
    return requested || model != null;
  }

  /**
   * Loads or makes the model, times the steps and prints the table (and --json); {@code device} is
   * bench's --device (all is the CPU here), {@code threads} the cores training would use.
   */
  int run(String device, int threads, int runs, int warmup, Path json, PrintWriter out) throws IOException {
    Method m = Method.parse(method);
    Dtype dtype = TrainingOptions.precision(precision);
    int context = MaxLength.orDefault(maxLength == null ? LENGTH : maxLength);  // the random model's
    List<ThreadSplit> splits = threadSplits == null ? List.of(ThreadSplit.training(threads))
        : ThreadSplit.parse("--thread-split", threadSplits);
    Device where = DeviceOption.parse(device.equals("all") ? "cpu" : device, 0);
    try (LlamaModel llm = model != null ? ModelInputs.loadModel("--model", model, dtype, where)
        : LlamaModel.random(withDtype(SmallModels.byteLevel(HIDDEN, LAYERS, HEADS, context), dtype), SEED, where);
        Tokenizer tokenizer = model != null ? Tokenizer.load(model) : new ByteTokenizer()) {
      int length = maxLength == null ? Math.min(LENGTH, llm.config().maxPositionEmbeddings())
          : MaxLength.forModel(maxLength, llm.config(), model != null ? "--model " + model : "the random model");
      int layer = llm.config().numHiddenLayers() / 2;  // RMU's, as train's default --rmu-layer
      if (m.usesText()) {
        llm.setTrainable(TrainCommand.rmuParameters(layer));  // what train trains for RMU methods
      }
      MethodParameters p = MethodParameters.defaults(layer, SEED);
      ExampleEncoder encoder = new ExampleEncoder(tokenizer, PromptFormat.resolve("auto", tokenizer.config()), true);
      MiniSplits data = MiniSplits.generate(MiniBenchmark.DEFAULT_SEED);
      // the idk methods answer "I don't know" with the bundled answers, as train does by default
      Objective forget = ForgetObjective.of(m, m.forgetLoss(p, llm.config().hiddenSize()),
          miniRecords(data.forget10(), encoder), m.usesIdk() ? IdkAnswers.bundled() : null, SEED);
      Loss retainLoss = m.retainLoss(p);
      Objective retain = retainLoss == null ? null
          : new Objective("retain", retainLoss, encode(data.retain90(), m.usesText(), encoder, UnaryOperator.identity()));
      WholeStep.Shape shape = new WholeStep.Shape(batch, microBatches, length, m.defaultAdaptiveLrEvery(), SEED);
      TrainingSettings settings = WholeStep.settings(shape, 1);  // the plan does not depend on the step count
      Trainer.checkAdaptiveLr(settings, retain != null);
      MemoryCheck memory = MemoryCheck.of(llm, forget, retain, settings, 1, DistMode.REPLICATED);
      memory.requireFits(MemoryCheck.freeMemoryOf(where));
      UpdateKernel kernel = DeviceOption.backend("auto", where).openWithFallback(threads, out::println);
      out.println(memory.describe());
      out.flush();

      WholeStep.Timings timed = WholeStep.time(new WholeStep.Run(llm, kernel, forget, retain, m.rule(p),
          tokenizer.padId()), shape, splits, warmup, runs);
      long parameters = llm.parameters().values().stream().mapToLong(t -> t.numel()).sum();
      WholeStepReport report = new WholeStepReport(MachineInfo.probe(), new WholeStepReport.Settings(
          model != null ? model.toString() : "random byte-level: hidden " + HIDDEN + ", " + LAYERS + " layers, "
              + HEADS + " heads", parameters, llm.config().torchDtype().torchName(), where.str().getString(),
          kernel.name(), m.label(), batch, microBatches, length,
          "mini benchmark (seed " + MiniBenchmark.DEFAULT_SEED + "): forget10" + (retain == null ? "" : ", retain90")
              + (m.usesText() ? ", as text" : "") + (m.answersIdk() ? ", forget answers \"I don't know\"" : "")
              + switch (m.alternateAnswers()) {
                case NONE -> "";
                case IDK -> ", preferred answers \"I don't know\"";
                case RECORDED -> ", preferred answers each question's first perturbed answer";
              },
          runs, warmup), timed.otherProcessesCpuShare(), timed.splits());
      out.print(report.table());
      Double others = timed.otherProcessesCpuShare();
      if (others != null) {
        out.printf(Locale.ROOT, "other processes used %.0f%% of the machine's CPU time meanwhile%n", 100 * others);
      }
      if (json != null) {
        JsonReport.write(json, report);
      }
    }
    return 0;
  }

  private static ModelConfig withDtype(ModelConfig c, Dtype dtype) {
    return dtype == null ? c : c.withTorchDtype(dtype);
  }

  /**
   * The mini benchmark's QA pairs as a forget set; the mini benchmark records no "alternate"
   * answer, so dpo prefers each question's first perturbed (wrong) answer, a pair of the same shape.
   */
  private static ForgetObjective.Records miniRecords(List<MiniQa> records, ExampleEncoder encoder) {
    return new ForgetObjective.Records() {
      @Override
      public List<TokenizedExample> examples(boolean text, UnaryOperator<QaRecord> answers) {
        return encode(records, text, encoder, answers);
      }

      @Override
      public List<TokenizedExample> alternates() {
        return records.stream().map(q -> encoder.qa(new QaRecord(q.question(), q.perturbedAnswers().get(0),
            Optional.empty(), List.of()))).toList();
      }
    };
  }

  /** QA pairs with {@code answers} applied, or (RMU's text methods) each pair as one document. */
  private static List<TokenizedExample> encode(List<MiniQa> records, boolean text, ExampleEncoder encoder,
      UnaryOperator<QaRecord> answers) {
    return records.stream().map(q -> text ? encoder.text(q.question() + " " + q.answer())
        : encoder.qa(answers.apply(q.toQaRecord()))).toList();
  }
}
