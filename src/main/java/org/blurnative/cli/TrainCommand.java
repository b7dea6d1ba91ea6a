package org.blurnative.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.blurnative.compat.Departure;
import org.blurnative.compat.OfficialCompat;
import org.blurnative.data.ExampleEncoder;
import org.blurnative.data.PromptFormat;
import org.blurnative.io.InputDigests;
import org.blurnative.io.InputFiles;
import org.blurnative.io.InputDigests.FileDigest;
import org.blurnative.kernel.UpdateKernel;
import org.blurnative.loss.Loss;
import org.blurnative.model.LlamaModel;
import org.blurnative.tokenizer.Tokenizer;
import org.blurnative.train.Method;
import org.blurnative.train.MethodParameters;
import org.blurnative.train.Objective;
import org.blurnative.train.ProbeLoss;
import org.blurnative.train.Trainer;
import org.blurnative.train.TrainingSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Unlearns a forget set from a model while keeping a retain set, with BLUR or a baseline. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Unlearn --forget from --model while keeping --retain (BLUR or a baseline method).",
        "With no arguments: the bundled mini benchmark end to end (target model, BLUR-NPO, outputs in ./blur-native-runs)."})
public final class TrainCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", description = "JSON or YAML file of options (keys without dashes); flags win over it")
  Path config;

  @Option(names = "--model", paramLabel = "DIR", description = "the Hugging Face model to unlearn from")
  Path model;

  @Option(names = "--forget", paramLabel = "FILE[,FILE...]", description = "forget set (QA JSONL; text for RMU methods)" + PathList.HELP)
  List<PathList> forgetValues;

  @Option(names = "--retain", paramLabel = "FILE[,FILE...]", description = "retain set (required except for ga)" + PathList.HELP)
  List<PathList> retainValues;

  @Option(names = "--method", defaultValue = "blur-npo", paramLabel = "RULE-LOSS", completionCandidates = Method.Names.class,
      description = {"RULE-LOSS: how the gradients combine × the forget loss (default: ${DEFAULT-VALUE}).",
          "RULE: blur (paper eq. 14), siblur (ours: eq. 14 on normalised gradients), pcgrad, mgda (min-norm), cagrad,"
              + " ngdiff; a bare LOSS is the weighted sum ∇f + λ∇r (--lambda).",
          "LOSS: ga, npo, simnpo, rmu (text data), wga, undial, satimp, ceu (open-unlearning's definitions),"
              + " idknll (TOFU's: NLL of the forget questions answered \"I don't know\", --idk),"
              + " dpo (open-unlearning's: DPO preferring each forget record's \"alternate\" answer to its answer, --beta),"
              + " idkdpo (DPO preferring \"I don't know\", --idk);"
              + " ga alone has no retain term, graddiff = ga + λ·retain, ngdiff = ngdiff-ga.",
          "All: ${COMPLETION-CANDIDATES}"})
  String method;

  @Option(names = "--gamma", defaultValue = "1", description = "BLUR's and siblur's γ (default: ${DEFAULT-VALUE})")
  double gamma;

  @Option(names = "--idk", paramLabel = "FILE", description = "idknll and idkdpo methods: the \"I don't know\" answers, one a line (default: TOFU's idontknow.jsonl, bundled)")
  Path idk;

  @Option(names = "--cagrad-c", defaultValue = "0.5", description = "CAGrad's c: u within c·‖g_0‖ of the average gradient g_0 (default: ${DEFAULT-VALUE})")
  double cagradC;

  @Option(names = "--wga-beta", defaultValue = "1", description = "WGA's β: token weight π^β (default: ${DEFAULT-VALUE}, open-unlearning's)")
  double wgaBeta;

  @Option(names = "--undial-strength", defaultValue = "10", description = "UNDIAL's β: how far the answer token's reference logit is lowered (default: ${DEFAULT-VALUE}, open-unlearning's)")
  double undialStrength;

  @Option(names = "--satimp-beta1", defaultValue = "5", description = "SatImp's β₁: exponent of π (default: ${DEFAULT-VALUE}, open-unlearning's)")
  double satImpBeta1;

  @Option(names = "--satimp-beta2", defaultValue = "1", description = "SatImp's β₂: exponent of 1 − π (default: ${DEFAULT-VALUE}, open-unlearning's)")
  double satImpBeta2;

  @Option(names = "--beta", defaultValue = "0.1", description = "NPO/SimNPO/DPO β (default: ${DEFAULT-VALUE}, open-unlearning's for DPO)")
  double beta;

  @Option(names = "--delta", defaultValue = "0", description = "SimNPO δ (default: ${DEFAULT-VALUE})")
  double delta;

  @Option(names = "--lambda", defaultValue = "1", description = "retain weight of the weighted-sum baselines (default: ${DEFAULT-VALUE})")
  double lambda;

  @Option(names = "--rmu-layer", defaultValue = "-1", description = "RMU's layer, 0-based; -1: the middle layer (default: ${DEFAULT-VALUE})")
  int rmuLayer;

  @Option(names = "--rmu-steering", defaultValue = "6.5", description = "RMU's steering coefficient c (default: ${DEFAULT-VALUE})")
  double rmuSteering;

  @Option(names = "--retain-loss", defaultValue = "nll", description = "retain objective of the QA methods: nll, or kl to the original model (default: ${DEFAULT-VALUE})")
  String retainLoss;

  @Option(names = "--swap-levels", description = "BLUR methods: swap the roles, the retain loss becomes the protected lower level (paper Remark 2.1)")
  boolean swapLevels;

  @Option(names = "--adaptive-lr-every", paramLabel = "N",
      description = "adaptive learning rate (GeN, as NGDiff uses it): after every N-th step, fit the loss along the step and rescale --lr; 0: off (default: 4 for ngdiff, 0 for the others)")
  Integer adaptiveLrEvery;  // null: the method's default

  @Option(names = "--adaptive-lr-loss", defaultValue = "retain",
      description = "the loss the adaptive learning rate minimises along the step: retain, or combined (c_f·f + c_r·r, whose gradient is u) (default: ${DEFAULT-VALUE})")
  String adaptiveLrLoss;

  @Option(names = "--compat", defaultValue = "none", paramLabel = "LIST",
      description = {"reproduce the official BLUR code's departures from eq. 14 (docs/reproduction.md), comma-separated:"
          + " official (the trainer of the method's benchmark: tofu for QA methods, wmdp for rmu), tofu, muse, wmdp,"
          + " or single departures: last-micro-batch, unclipped-u, gamma-one, batch-mean-npo, raw-logit-npo, raw-logit-kl,"
          + " rmu-alpha, unguarded-division (opt-in only); none: exact eq. 14 (default: ${DEFAULT-VALUE})"})
  String compat;

  @Option(names = "--trainable", paramLabel = "REGEX", description = "train only parameters whose names match (default: all; RMU methods: mlp.down_proj of layers l-2..l, as the RMU reference)")
  String trainable;

  /**
   * What the RMU reference (WMDP's rmu/unlearn.py, layer_ids [l−2, l−1, l], param_ids [6]) updates:
   * the MLP down-projection of the steered layer and the two below it.
   */
  static String rmuParameters(int layer) {
    StringBuilder layers = new StringBuilder();
    for (int l = Math.max(0, layer - 2); l <= layer; l++) {
      layers.append(layers.length() == 0 ? "" : "|").append(l);
    }
    return "model\\.layers\\.(" + layers + ")\\.mlp\\.down_proj\\.weight";
  }

  @Mixin
  TrainingOptions options;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    // the demo runs only on a bare `train`: flags without the inputs are a mistake, not a request for it
    if (spec.commandLine().getParseResult().matchedArgs().isEmpty()) {
      return new DemoJob(spec.commandLine().getParent()).run();
    }
    List<Path> forget = PathList.concat(forgetValues), retain = PathList.concat(retainValues);
    List<String> missing = new ArrayList<>();
    if (model == null) {
      missing.add("--model");
    }
    if (forget == null) {
      missing.add("--forget");
    }
    if (options.out == null) {
      missing.add("--out");
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("missing " + String.join(", ", missing)
          + " (give no arguments at all for the bundled demo)");
    }
    Method m = Method.parse(method);
    if (rmuLayer < -1) {
      throw new IllegalArgumentException("--rmu-layer must be -1 (the middle layer) or a layer index >= 0, got " + rmuLayer);
    }
    if (idk != null && !m.usesIdk()) {
      throw new IllegalArgumentException("--idk applies to the idknll and idkdpo methods, not " + m.label());
    }
    if (idk != null) {
      InputFiles.requireRegularFile("--idk", idk);
    }
    if (m.hasRetain() && (retain == null || retain.isEmpty())) {
      throw new IllegalArgumentException("--retain is required for method " + m.label());
    }
    OfficialCompat departures = OfficialCompat.parse(compat, m, MethodParameters.RetainLoss.parse(retainLoss),
        swapLevels);
    if (departures.has(Departure.LAST_MICRO_BATCH) && (options.nproc > 1 || options.launch().worldSize() > 1)) {
      throw new IllegalArgumentException("--compat last-micro-batch runs in one process: the official code's ranks"
          + " each project their own last micro-batch, which is not reproduced");
    }
    if (options.nproc != 1) {
      return TrainingRun.launchLocally(options, spec.commandLine());
    }
    try (LlamaModel llm = ModelInputs.loadModel("--model", model, options.precision(), options.device()); Tokenizer tokenizer = Tokenizer.load(model)) {
      int maxLength = MaxLength.forModel(options.givenMaxLength, llm.config(), "--model " + model);
      int layers = llm.config().numHiddenLayers();
      int layer = rmuLayer < 0 ? layers / 2 : rmuLayer;
      if (m.usesText() && layer >= layers) {
        throw new IllegalArgumentException("--rmu-layer " + rmuLayer + ": the model has " + layers + " layers");
      }
      String trained = trainable != null ? trainable : m.usesText() ? rmuParameters(layer) : null;
      if (trained != null && llm.setTrainable(trained).isEmpty()) {
        throw new IllegalArgumentException("--trainable '" + trained + "' matches no parameter");
      }
      MethodParameters given = new MethodParameters(gamma, beta, delta, lambda, layer, rmuSteering, options.seed,
          MethodParameters.RetainLoss.parse(retainLoss), swapLevels, cagradC, wgaBeta, undialStrength, satImpBeta1,
          satImpBeta2);
      MethodParameters p = departures.parameters(given);
      PromptFormat format = PromptFormat.resolve(options.promptFormat, tokenizer.config());
      ExampleEncoder encoder = new ExampleEncoder(tokenizer, format, options.systemPrompt, true);

      Objective forgetObjective = ForgetObjective.read(m, departures.forgetLoss(m.forgetLoss(p, llm.config().hiddenSize())),
          forget, encoder, idk, options.seed);
      Loss retainLoss = departures.retainLoss(m.retainLoss(p));
      Objective retainObjective = retainLoss == null ? null
          : new Objective("retain", retainLoss, ModelInputs.examples("--retain", retain, m.usesText(), encoder));
      int probeEvery = adaptiveLrEvery == null ? m.defaultAdaptiveLrEvery() : adaptiveLrEvery;
      TrainingSettings settings = departures.settings(options.settings(options.steps(forgetObjective.examples().size()),
          maxLength, probeEvery, ProbeLoss.parse(adaptiveLrLoss)));
      Trainer.checkAdaptiveLr(settings, retainObjective != null);
      PrintWriter err = spec.commandLine().getErr();
      departures.describe().forEach(err::println);
      UpdateKernel kernel = TrainingRun.kernel(options, err);
      MaxLength.warnIfCut(err, "--forget examples", forgetObjective.examples(), maxLength);
      if (retainObjective != null) {
        MaxLength.warnIfCut(err, "--retain examples", retainObjective.examples(), maxLength);
      }

      Map<String, Object> resolved = new LinkedHashMap<>();
      resolved.put("method", m.label());
      resolved.put("parameters", p);
      resolved.put("compat", departures.label());
      resolved.put("model", model.toString());
      resolved.put("forget", forget.stream().map(Path::toString).toList());
      resolved.put("retain", retain == null ? List.of() : retain.stream().map(Path::toString).toList());
      resolved.put("config_file", config == null ? null : config.toString());
      resolved.put("trainable", trained);
      resolved.put("prompt_format", format.name());
      Map<String, List<FileDigest>> inputs = new LinkedHashMap<>();
      inputs.put("--model", InputDigests.ofModelDirectory(model));
      inputs.put("--forget", InputDigests.ofFiles(forget));
      inputs.put("--retain", InputDigests.ofFiles(retain == null ? List.of() : retain));
      if (idk != null) {
        inputs.put("--idk", InputDigests.ofFiles(List.of(idk)));
      }
      TrainingRun.execute("train " + m.label(), options, settings, kernel, llm, forgetObjective,
          retainObjective, departures.rule(m.rule(p), p), tokenizer.padId(), resolved, inputs, spec.commandLine().getOut(), err);
    }
    return 0;
  }
}
