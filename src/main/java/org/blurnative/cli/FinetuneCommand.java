package org.blurnative.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.blurnative.data.ExampleEncoder;
import org.blurnative.data.PromptFormat;
import org.blurnative.data.TokenizedExample;
import org.blurnative.io.InputDigests;
import org.blurnative.io.InputDigests.FileDigest;
import org.blurnative.io.InputFiles;
import org.blurnative.kernel.UpdateKernel;
import org.blurnative.loss.NllLoss;
import org.blurnative.model.LlamaModel;
import org.blurnative.model.ModelConfig;
import org.blurnative.model.SmallModels;
import org.blurnative.tokenizer.ByteTokenizer;
import org.blurnative.tokenizer.Tokenizer;
import org.blurnative.train.Objective;
import org.blurnative.train.ProbeLoss;
import org.blurnative.train.TrainingSettings;
import org.blurnative.update.WeightedSumRule;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Trains a model on QA pairs and writes a Hugging Face directory: how users build the "target"
 * model (trained on forget + retain) and the "retain" model (retain only) that forget quality
 * compares against.
 */
@Command(name = "finetune", mixinStandardHelpOptions = true,
    description = "Train a model on QA pairs (NLL on the answers) and save it as a Hugging Face directory.")
public final class FinetuneCommand implements Callable<Integer> {

  static final class Start {
    @Option(names = "--model", paramLabel = "DIR", description = "start from this Hugging Face model directory")
    Path model;

    @Option(names = "--from-scratch", description = "start from a small random byte-level model (see --hidden, --layers, --heads)")
    boolean fromScratch;

    @Option(names = "--from-config", paramLabel = "CONFIG.json", description = "start from random weights for this Hugging Face config.json; its directory's tokenizer, or byte-level when vocab_size is 260")
    Path fromConfig;

    /** The flag and path the model comes from, for messages. */
    String describe() {
      return model != null ? "--model " + model : fromConfig != null ? "--from-config " + fromConfig : "--from-scratch";
    }
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Start start;

  @Option(names = "--data", required = true, paramLabel = "FILE[,FILE...]", description = "QA JSONL/JSON files (question, answer)" + PathList.HELP)
  List<PathList> dataValues;

  @Option(names = "--hidden", defaultValue = "128", description = "from scratch: width (default: ${DEFAULT-VALUE})")
  int hidden;

  @Option(names = "--layers", defaultValue = "4", description = "from scratch: decoder layers (default: ${DEFAULT-VALUE})")
  int layers;

  @Option(names = "--heads", defaultValue = "4", description = "from scratch: attention heads (default: ${DEFAULT-VALUE})")
  int heads;

  @Mixin
  TrainingOptions options;

  @Spec
  CommandSpec spec;

  private static ModelConfig readConfig(Path file) throws java.io.IOException {
    InputFiles.requireRegularFile("--from-config", file);
    return ModelConfig.read(file);
  }

  /**
   * --hidden, --layers, --heads and --max-length (the context), checked by flag before any
   * arithmetic can overflow.
   */
  private ModelConfig scratchConfig() {
    if (hidden < 1 || hidden > 65_536) {
      throw new IllegalArgumentException("--hidden must be between 1 and 65536, got " + hidden);
    }
    if (layers < 1 || layers > 1024) {
      throw new IllegalArgumentException("--layers must be between 1 and 1024, got " + layers);
    }
    if (heads < 1 || hidden % heads != 0) {
      throw new IllegalArgumentException("--heads must be at least 1 and divide --hidden " + hidden + ", got " + heads);
    }
    // the new model's context is --max-length, so the sequences fit it
    return SmallModels.byteLevel(hidden, layers, heads, MaxLength.orDefault(options.givenMaxLength));
  }

  /**
   * A new model's memory plan must fit where it will train, or the run would be killed midway:
   * checked before its random weights are allocated (TrainingRun checks the loaded model again).
   * The plan's batch shape is the flags'; the step count is no part of it.
   */
  private void requireMemoryFor(ModelConfig config) {
    int maxLength = MaxLength.forModel(options.givenMaxLength, config, start.describe());
    TrainingSettings shape = options.settings(1, maxLength, 0, ProbeLoss.COMBINED);
    MemoryCheck.ofNewModel(config, shape, options.launch().worldSize(), options.distMode())
        .requireFits(MemoryCheck.freeMemoryOf(options.device()));
  }

  @Override
  public Integer call() throws Exception {
    if (options.out == null) {
      throw new IllegalArgumentException("--out is required");
    }
    if (options.nproc != 1) {
      return TrainingRun.launchLocally(options, spec.commandLine());
    }
    // everything is loaded and checked before the run directory exists
    Tokenizer tokenizer;
    LlamaModel model;
    if (start.fromScratch || start.fromConfig != null) {
      ModelConfig given = start.fromScratch ? scratchConfig() : readConfig(start.fromConfig);
      ModelConfig config = options.precision() == null ? given : given.withTorchDtype(options.precision());
      requireMemoryFor(config);
      Path tokenizerDir = start.fromConfig == null ? null : start.fromConfig.toAbsolutePath().getParent();
      if (tokenizerDir == null || !Files.isRegularFile(tokenizerDir.resolve(ByteTokenizer.TOKENIZER_JSON))) {
        if (config.vocabSize() != ByteTokenizer.VOCAB_SIZE) {
          throw new IllegalArgumentException("--from-config " + start.fromConfig + ": no tokenizer.json beside it, and vocab_size "
              + config.vocabSize() + " is not the byte-level tokenizer's " + ByteTokenizer.VOCAB_SIZE);
        }
        tokenizerDir = Files.createTempDirectory("blur-tokenizer");
        new ByteTokenizer().save(tokenizerDir);
      }
      tokenizer = Tokenizer.load(tokenizerDir);
      model = LlamaModel.random(config, options.seed, options.device());
      model.useTokenizerFrom(tokenizerDir);
    } else {
      model = ModelInputs.loadModel("--model", start.model, options.precision(), options.device());
      tokenizer = Tokenizer.load(start.model);
    }
    try (model; tokenizer) {
      PromptFormat format = PromptFormat.resolve(options.promptFormat, tokenizer.config());
      ExampleEncoder encoder = new ExampleEncoder(tokenizer, format, options.systemPrompt, true);
      List<Path> data = PathList.concat(dataValues);
      List<TokenizedExample> examples = ModelInputs.examples("--data", data, false, encoder);
      int maxLength = MaxLength.forModel(options.givenMaxLength, model.config(), start.describe());
      TrainingSettings settings = options.settings(options.steps(examples.size()), maxLength, 0, ProbeLoss.COMBINED);
      PrintWriter err = spec.commandLine().getErr();
      UpdateKernel kernel = TrainingRun.kernel(options, err);
      MaxLength.warnIfCut(err, "--data examples", examples, maxLength);

      Map<String, Object> config = new LinkedHashMap<>();
      config.put("model", start.model != null ? start.model.toString()
          : "random init: " + (start.fromConfig != null ? start.fromConfig.toString() : "byte-level small model"));
      config.put("data", data.stream().map(Path::toString).toList());
      config.put("examples", examples.size());
      config.put("prompt_format", format.name());
      Map<String, List<FileDigest>> inputs = new LinkedHashMap<>();
      if (start.model != null) {
        inputs.put("--model", InputDigests.ofModelDirectory(start.model));
      }
      if (start.fromConfig != null) {
        inputs.put("--from-config", InputDigests.ofFiles(List.of(start.fromConfig)));
      }
      inputs.put("--data", InputDigests.ofFiles(data));
      TrainingRun.execute("finetune", options, settings, kernel, model,
          new Objective("train", new NllLoss(), examples), null, WeightedSumRule.gradientAscent(),
          tokenizer.padId(), config, inputs, spec.commandLine().getOut(), err);
    }
    return 0;
  }
}
