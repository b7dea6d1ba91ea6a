package org.blurnative.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.blurnative.data.DatasetFiles;
import org.blurnative.data.ExampleEncoder;
import org.blurnative.data.PromptFormat;
import org.blurnative.data.QaRecord;
import org.blurnative.data.mini.MiniBenchmark;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import org.blurnative.data.ChoiceRecord;
import org.blurnative.eval.AnswerLikelihood;
import org.blurnative.eval.Comparison;
import org.blurnative.eval.MultipleChoiceEvaluator;
import org.blurnative.eval.PrivacyLeakage;
import java.util.OptionalDouble;
import org.blurnative.eval.MuseEvaluator;
import org.blurnative.eval.MuseReport;
import org.blurnative.eval.muse.MuseData;
import org.blurnative.eval.muse.PrivLeak;
import org.blurnative.eval.wmdp.MultipleChoice;
import org.blurnative.io.AtomicFiles;
import org.blurnative.eval.TofuEvaluator;
import org.blurnative.eval.TofuEvaluator.Scored;
import org.blurnative.eval.TofuReportFiles;
import org.blurnative.eval.tofu.TofuReport;
import org.blurnative.eval.tofu.TofuSample;
import org.blurnative.eval.tofu.TofuSplit;
import org.blurnative.kernel.ComputeThreads;
import org.blurnative.model.LlamaModel;
import org.bytedeco.pytorch.Device;
import org.blurnative.tokenizer.Tokenizer;
import java.util.Optional;
import org.blurnative.data.TokenizedExample;
import org.blurnative.eval.OpenUnlearningEvaluator;
import org.blurnative.eval.OpenUnlearningMuse;
import org.blurnative.eval.memorization.MemorizationScores;
import org.blurnative.eval.mia.MembershipAttack;
import org.blurnative.eval.mia.MiaResult;
import org.blurnative.eval.openunlearning.EvalLogs;
import org.blurnative.eval.openunlearning.MuseEvalFiles;
import org.blurnative.eval.openunlearning.RetainLogs;
import org.blurnative.eval.openunlearning.TofuEvalFiles;
import org.blurnative.eval.stats.KsResult;
import org.blurnative.eval.tofu.ForgetQuality;
import org.blurnative.eval.tofu.TruthRatioAggregator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Evaluation of a model: TOFU metrics (mini benchmark or TOFU's files), MUSE, or WMDP-style multiple choice. */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Evaluate --model: per-sample values, summary.json and report.md (TOFU, MUSE or multiple-choice metrics).")
public final class EvalCommand implements Callable<Integer> {

  @Option(names = "--model", paramLabel = "DIR", description = "the Hugging Face model to evaluate")
  Path model;

  @Option(names = "--compare", paramLabel = "EVALDIR[,EVALDIR...]", description = "instead of evaluating: put these eval directories' summaries side by side (Table 2 layout)" + PathList.HELP)
  List<PathList> compare;

  @Option(names = "--plot", paramLabel = "FILE.png", description = "with --compare: also write the forget-vs-utility trade-off plot")
  Path plot;

  @Option(names = "--benchmark", defaultValue = "mini", description = "mini, tofu, muse (--data: MUSE's data/news or data/books) or wmdp (multiple choice) (default: ${DEFAULT-VALUE})")
  String benchmark;

  @Option(names = "--data", paramLabel = "DIR", description = "the benchmark's files (default for mini: the bundled ones)")
  Path data;

  @Option(names = "--forget-split", defaultValue = "forget10", description = "tofu: forget01, forget05 or forget10 (default: ${DEFAULT-VALUE})")
  String forgetSplit;

  @Option(names = "--retain-model", paramLabel = "DIR", description = "the model trained without the forget set: enables forget quality")
  Path retainModel;

  @Option(names = "--subject", paramLabel = "TEXT", description = "wmdp: the subject in the prompt's description (default: from each file's name; wmdp-bio → biology)")
  String subject;

  @Option(names = "--retrain-auc", paramLabel = "news|books|AUC", description = "muse: the retrained model's forget-vs-holdout AUC for PrivLeak: MUSE's published value for news or books, or a number (or give --retain-model)")
  String retrainAuc;

  @Option(names = "--out", paramLabel = "DIR", description = "where eval files go (default: eval/ next to the model directory)")
  Path out;

  @Option(names = "--prompt-format", defaultValue = "auto", description = "plain, llama2, llama3, llama3.1 or auto (default: ${DEFAULT-VALUE})")
  String promptFormat;

  @Option(names = "--system-prompt", defaultValue = "", description = "system prompt for chat formats (llama3.1: empty means open-unlearning's \"You are a helpful assistant.\")")
  String systemPrompt;

  @Option(names = "--max-length", paramLabel = "N", description = "mini, tofu, wmdp: " + MaxLength.HELP)
  Integer givenMaxLength;  // null: not given, MaxLength picks the default for each model

  @Option(names = "--max-new-tokens", defaultValue = "200", description = "greedy answer length, TOFU's and open-unlearning's (default: ${DEFAULT-VALUE})")
  int maxNewTokens;

  @Option(names = "--batch", defaultValue = "32", description = "sequences per forward pass (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--threads", defaultValue = "0", description = "CPU threads, 0 for all cores (default: ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEVICE",
      description = "cpu, cuda or cuda:N: where the models evaluate; cuda needs the GPU build (scripts/build-gpu-jar.sh) (default: ${DEFAULT-VALUE})")
  String deviceName;

  private Device device() {
    return DeviceOption.parse(deviceName, 0);
  }

  @Mixin
  OpenUnlearningOptions openUnlearning = new OpenUnlearningOptions();

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    refuseUnusedOptions();
    if (compare != null) {
      Comparison comparison = Comparison.of(PathList.concat(compare));
      spec.commandLine().getOut().print(comparison.markdown());
      spec.commandLine().getOut().flush();  // print does not flush, and main exits right after
      if (plot != null) {
        comparison.plot(plot, "forget quality vs model utility");
      }
      return 0;
    }
    if (model == null) {
      throw new IllegalArgumentException("--model is required (or --compare EVALDIR,...)");
    }
    openUnlearning.validate(benchmark, retainModel);
    requireAtLeast("--batch", batch, 1);
    MaxLength.orDefault(givenMaxLength);  // below 2 is refused before any model loads
    requireAtLeast("--max-new-tokens", maxNewTokens, 0);
    if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
      throw new IllegalArgumentException("--out " + out + " is a file, not a directory");
    }
    if (out != null && Files.isDirectory(out) && !Files.exists(out.resolve("summary.json"))) {
      try (var entries = Files.list(out)) {
        if (entries.findAny().isPresent()) {  // an earlier eval may be replaced; anything else is the user's
          throw new IllegalArgumentException("--out " + out + " is not empty and holds no earlier eval;"
              + " choose a new or empty directory");
        }
      }
    }
    if (benchmark.equals("wmdp")) {
      return multipleChoice();
    }
    if (benchmark.equals("muse")) {
      return muse();
    }
    Map<TofuSplit, List<QaRecord>> splits = splits();
    List<QaRecord> forget = splits.get(TofuSplit.FORGET);
    List<QaRecord> holdout = holdout();
    List<MembershipAttack> attacks = holdout.isEmpty() ? List.of() : openUnlearning.attacks();
    Optional<RetainLogs> retainLogs = Optional.ofNullable(openUnlearning.retainLogs).map(file ->
        RetainLogs.read(file, forget, benchmark.equals("tofu") ? forgetSplit : "the mini benchmark's forget10"));
    if (holdout.isEmpty() && !openUnlearning.mia.equals("min_k")) {
      throw new IllegalArgumentException("--mia needs a holdout set: " + (benchmark.equals("tofu")
          ? "--data has no " + holdoutFile().getFileName() : "the mini benchmark's holdout.jsonl is missing"));
    }
    ComputeThreads.configure(threads);
    double[][] reference = attacks.contains(MembershipAttack.REFERENCE) ? referenceLosses(forget, holdout) : null;
    List<TofuSample> retainForget = List.of();
    Map<String, Object> extra = new LinkedHashMap<>();
    double retainAuc = Double.NaN;
    Map<MembershipAttack, Double> retainAucs = new EnumMap<>(MembershipAttack.class);
    retainLogs.ifPresent(logs -> retainAucs.putAll(logs.miaAucs()));
    if (retainModel != null) {
      ModelEvaluation retain = evaluate(retainModel, "--retain-model", Map.of(TofuSplit.FORGET, forget), holdout,
          attacks, reference);
      retainForget = retain.scored().get(TofuSplit.FORGET).stream().map(Scored::sample).toList();
      retain.openUnlearning().attacks().forEach((attack, result) -> retainAucs.put(attack, result.auc()));
      if (!holdout.isEmpty()) {
        retainAuc = privacyAuc(retainModel, "--retain-model", forget, holdout);
      }
    }
    ModelEvaluation evaluated = evaluate(model, "--model", splits, holdout, attacks, reference);
    Map<TofuSplit, List<Scored>> scored = evaluated.scored();
    if (!holdout.isEmpty()) {
      double auc = privacyAuc(model, "--model", forget, holdout);
      extra.put("min40_auc_forget_vs_holdout", auc);
      if (!Double.isNaN(retainAuc)) {
        extra.put("retain_model_auc", retainAuc);
        extra.put("privleak", PrivLeak.of(auc, retainAuc));
      }
    }
    Map<TofuSplit, List<TofuSample>> samples = new EnumMap<>(TofuSplit.class);
    scored.forEach((split, list) -> samples.put(split, list.stream().map(Scored::sample).toList()));
    List<TofuSample> modelForget = samples.get(TofuSplit.FORGET);
    TofuReport report = retainLogs.isPresent()
        ? TofuReport.of(samples, Optional.of(againstLogs(modelForget, retainLogs.get())))
        : TofuReport.of(samples, retainForget);
    // open-unlearning's forget quality: its ks_test on its own truth ratios (with the 1e-10 guard)
    Optional<KsResult> openUnlearningQuality = retainLogs.isPresent() ? report.forgetQuality()
        : retainForget.isEmpty() ? Optional.empty()
        : Optional.of(ForgetQuality.of(openUnlearningRatios(modelForget), openUnlearningRatios(retainForget)));
    extra.putAll(openUnlearningSummary(scored, evaluated.openUnlearning(), retainAucs));
    Path dir = out != null ? out : model.toAbsolutePath().getParent().resolve("eval");
    TofuReportFiles.write(dir, model.toString(), scored, report, extra);
    TofuEvalFiles.write(dir, new TofuEvalFiles.Contents(scored, openUnlearningQuality,
        evaluated.openUnlearning().attacks(), retainAucs, evaluated.openUnlearning().forgetMemorization()));
    spec.commandLine().getOut().print(TofuReportFiles.table(model.toString(), report));
    spec.commandLine().getOut().println("eval: " + dir.resolve("summary.json") + ", per_sample.json, report.md, "
        + TofuEvalFiles.EVAL_FILE + ", " + TofuEvalFiles.SUMMARY_FILE);
    return 0;
  }

  /** One model's TOFU values and its open-unlearning extras, from one load of the model. */
  private record ModelEvaluation(Map<TofuSplit, List<Scored>> scored, OpenUnlearningEvaluator.Results openUnlearning) {}

  private ModelEvaluation evaluate(Path dir, String flag, Map<TofuSplit, List<QaRecord>> splits,
      List<QaRecord> holdout, List<MembershipAttack> attacks, double[][] reference) throws Exception {
    try (LlamaModel llm = ModelInputs.loadModel(flag, dir, device()); Tokenizer tokenizer = Tokenizer.load(dir)) {
      int maxLength = MaxLength.forModel(givenMaxLength, llm.config(), flag + " " + dir);
      ExampleEncoder encoder = tofuEncoder(tokenizer);
      TofuEvaluator tofu = new TofuEvaluator(llm, tokenizer, encoder, maxLength, batch, maxNewTokens);
      Map<TofuSplit, List<Scored>> scored = tofu.evaluate(splits);
      MaxLength.warnIfCut(spec.commandLine().getErr(), "TOFU sequences scored under " + flag,
          tofu.truncated(), maxLength);
      // open-unlearning's QADataset: the same chat-formatted question and answer, EOS after it
      OpenUnlearningEvaluator extras = new OpenUnlearningEvaluator(llm, tokenizer, maxLength, batch);
      List<TokenizedExample> forget = encode(encoder, splits.get(TofuSplit.FORGET));
      Map<MembershipAttack, MiaResult> mia = attacks.isEmpty() ? Map.of()
          : extras.attacks(forget, encode(encoder, holdout), attacks, openUnlearning.k, openUnlearning.p(), reference);
      OpenUnlearningEvaluator.Results results = new OpenUnlearningEvaluator.Results(mia,
          Optional.of(extras.memorization(forget)),
          Optional.ofNullable(splits.get(TofuSplit.RETAIN)).map(r -> extras.memorization(encode(encoder, r))));
      MaxLength.warnIfCut(spec.commandLine().getErr(), "membership and memorization sequences scored under " + flag,
          extras.truncated(), maxLength);
      return new ModelEvaluation(scored, results);
    }
  }

  // TOFU and open-unlearning label EOS after every answer, so it counts in each mean NLL
  private ExampleEncoder tofuEncoder(Tokenizer tokenizer) {
    return new ExampleEncoder(tokenizer, PromptFormat.resolve(promptFormat, tokenizer.config()), systemPrompt, true);
  }

  private static List<TokenizedExample> encode(ExampleEncoder encoder, List<QaRecord> records) {
    return records.stream().map(encoder::qa).toList();
  }

  /** --reference-model's mean NLL of each forget ([0]) and holdout ([1]) example, for --mia ref. */
  private double[][] referenceLosses(List<QaRecord> forget, List<QaRecord> holdout) throws Exception {
    Path dir = openUnlearning.referenceModel;
    try (LlamaModel llm = ModelInputs.loadModel("--reference-model", dir, device()); Tokenizer tokenizer = Tokenizer.load(dir)) {
      int maxLength = MaxLength.forModel(givenMaxLength, llm.config(), "--reference-model " + dir);
      ExampleEncoder encoder = tofuEncoder(tokenizer);
      OpenUnlearningEvaluator reference = new OpenUnlearningEvaluator(llm, tokenizer, maxLength, batch);
      return new double[][] {reference.meanNlls(encode(encoder, forget)), reference.meanNlls(encode(encoder, holdout))};
    }
  }

  /** Forget quality against saved logs, with the truth ratio of the formula the logs used. */
  private static KsResult againstLogs(List<TofuSample> forget, RetainLogs logs) {
    double[] ours = logs.openUnlearning() ? openUnlearningRatios(forget)
        : forget.stream().mapToDouble(TofuSample::truthRatio).toArray();
    return ForgetQuality.of(ours, logs.forgetTruthRatios());
  }

  private static double[] openUnlearningRatios(List<TofuSample> forget) {
    return forget.stream().mapToDouble(TruthRatioAggregator.CLOSER_TO_1_BETTER::statistic).toArray();
  }

  /**
   * summary.json's "open_unlearning" entry: each attack's AUC and, where the retain model's is
   * known, its privleak; memorization of forget and retain; every split's truth ratio under each
   * of open-unlearning's aggregators.
   */
  private static Map<String, Object> openUnlearningSummary(Map<TofuSplit, List<Scored>> scored,
      OpenUnlearningEvaluator.Results results, Map<MembershipAttack, Double> retainAucs) {
    Map<String, Object> ou = new LinkedHashMap<>();
    results.attacks().forEach((attack, r) -> {
      ou.put(attack.metric(), r.auc());
      Double retain = retainAucs.get(attack);
      if (retain != null) {
        ou.put("privleak_" + attack.metric(), PrivLeak.openUnlearning(r.auc(), retain));
      }
    });
    results.forgetMemorization().ifPresent(m -> {
      ou.put("extraction_strength_forget", m.extractionStrengthMean());
      ou.put("exact_memorization_forget", m.exactMemorizationMean());
    });
    results.retainMemorization().ifPresent(m -> {
      ou.put("extraction_strength_retain", m.extractionStrengthMean());
      ou.put("exact_memorization_retain", m.exactMemorizationMean());
    });
    Map<String, Object> truthRatios = new LinkedHashMap<>();
    scored.forEach((split, rows) -> {
      boolean paraphrase = split == TofuSplit.FORGET || split == TofuSplit.RETAIN;
      Map<String, Object> byAggregator = new LinkedHashMap<>();
      for (TruthRatioAggregator a : TruthRatioAggregator.values()) {
        double[] stats = rows.stream().map(Scored::sample).mapToDouble(s -> a.statistic(
            paraphrase ? s.paraphrasedMeanNll() : s.answerMeanNll(), s.perturbedMeanNlls())).toArray();
        byAggregator.put(a.key(), a.aggregate(stats));
      }
      truthRatios.put(split.name().toLowerCase(java.util.Locale.ROOT), byAggregator);
    });
    ou.put("truth_ratio", truthRatios);
    return Map.of("open_unlearning", ou);
  }

  /**
   * The holdout set for PrivLeak and the membership attacks: the mini benchmark's holdout authors
   * (never trained on), or TOFU's holdoutNN.json beside forgetNN (open-unlearning's holdout_split);
   * empty where there is none.
   */
  private List<QaRecord> holdout() {
    if (benchmark.equals("tofu")) {
      return Files.isRegularFile(holdoutFile()) ? DatasetFiles.readQa(holdoutFile()) : List.of();
    }
    if (!benchmark.equals("mini")) {
      return List.of();
    }
    MiniBenchmark mini = data == null ? MiniBenchmark.extract(DemoJob.HOME.resolve("mini-data")) : MiniBenchmark.at(data);
    return Files.isRegularFile(mini.holdout()) ? DatasetFiles.readQa(mini.holdout()) : List.of();
  }

  /** TOFU's holdout set of the forget split's size: forget10 → holdout10.json. */
  private Path holdoutFile() {
    return data.resolve(forgetSplit.replace("forget", "holdout") + ".json");
  }

  /** MUSE's Min-K% AUC between forget and holdout texts under one model. */
  private double privacyAuc(Path dir, String flag, List<QaRecord> forget, List<QaRecord> holdout) throws Exception {
    try (LlamaModel llm = ModelInputs.loadModel(flag, dir, device()); Tokenizer tokenizer = Tokenizer.load(dir)) {
      int maxLength = MaxLength.forModel(givenMaxLength, llm.config(), flag + " " + dir);
      ExampleEncoder encoder = new ExampleEncoder(tokenizer, PromptFormat.PLAIN, false);
      AnswerLikelihood likelihood = new AnswerLikelihood(llm, encoder, tokenizer.padId(), maxLength, batch);
      double auc = new PrivacyLeakage(likelihood, encoder).auc(forget, holdout);
      MaxLength.warnIfCut(spec.commandLine().getErr(), "PrivLeak sequences scored under " + flag,
          likelihood.truncated(), maxLength);
      return auc;
    }
  }

  /** WMDP/MMLU: zero-shot accuracy on each multiple-choice file (--data FILE, or a directory of them). */
  private int multipleChoice() throws Exception {
    if (data == null) {
      throw new IllegalArgumentException("--benchmark wmdp needs --data FILE or DIR of {question, choices, answer} records");
    }
    List<Path> files;
    if (Files.isDirectory(data)) {
      try (var list = Files.list(data)) {
        files = list.filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".jsonl")).sorted().toList();
      }
    } else if (Files.isRegularFile(data)) {
      files = List.of(data);
    } else {
      throw new IllegalArgumentException("--data " + data + " does not exist");
    }
    Map<String, List<ChoiceRecord>> sets = new LinkedHashMap<>();
    for (Path f : files) {
      sets.put(f.getFileName().toString(), DatasetFiles.readMultipleChoice(f));
    }
    if (sets.isEmpty()) {
      throw new IllegalArgumentException("--data " + data + " holds no .json or .jsonl files");
    }
    ComputeThreads.configure(threads);
    Map<String, Object> accuracy = new LinkedHashMap<>();
    StringBuilder table = new StringBuilder("| set | accuracy | correct / total |\n|---|---|---|\n");
    try (LlamaModel llm = ModelInputs.loadModel("--model", model, device()); Tokenizer tokenizer = Tokenizer.load(model)) {
      int maxLength = MaxLength.forModel(givenMaxLength, llm.config(), "--model " + model);
      ExampleEncoder encoder = new ExampleEncoder(tokenizer, PromptFormat.PLAIN, false).withoutBos();
      AnswerLikelihood likelihood = new AnswerLikelihood(llm, encoder, tokenizer.padId(), maxLength, batch);
      MultipleChoiceEvaluator mc = new MultipleChoiceEvaluator(likelihood, encoder);
      for (Map.Entry<String, List<ChoiceRecord>> e : sets.entrySet()) {
        String topic = subject != null ? subject : MultipleChoiceEvaluator.subject(e.getKey());
        MultipleChoice.Accuracy a = mc.accuracy(e.getValue(), topic);
        accuracy.put(e.getKey(), Map.of("accuracy", a.value(), "correct", a.correct(), "total", a.total()));
        table.append(String.format("| %s | %.4f | %d / %d |%n", e.getKey(), a.value(), a.correct(), a.total()));
      }
      MaxLength.warnIfCut(spec.commandLine().getErr(), "multiple-choice sequences scored under --model",
          likelihood.truncated(), maxLength);
    }
    Path dir = out != null ? out : model.toAbsolutePath().getParent().resolve("eval");
    AtomicFiles.write(dir.resolve("summary.json"), new ObjectMapper().writerWithDefaultPrettyPrinter()
        .writeValueAsBytes(Map.of("model", model.toString(), "multiple_choice", accuracy)));
    spec.commandLine().getOut().print(table);
    spec.commandLine().getOut().println("eval: " + dir.resolve("summary.json"));
    return 0;
  }

  /** An option the chosen mode would ignore is an error, not a silent no-op. */
  private void refuseUnusedOptions() {
    if (compare != null && model != null) {
      throw new IllegalArgumentException("--compare puts finished evals side by side and takes no --model: choose one");
    }
    if (plot != null && compare == null) {
      throw new IllegalArgumentException("--plot draws the --compare table: give --compare EVALDIR,...");
    }
    if (retrainAuc != null && !benchmark.equals("muse")) {
      throw new IllegalArgumentException("--retrain-auc is for --benchmark muse (mini and tofu take --retain-model)");
    }
    if (subject != null && !benchmark.equals("wmdp")) {
      throw new IllegalArgumentException("--subject is for --benchmark wmdp");
    }
    if (!forgetSplit.equals("forget10") && !benchmark.equals("tofu")) {
      throw new IllegalArgumentException("--forget-split is for --benchmark tofu");
    }
    if (givenMaxLength != null && benchmark.equals("muse")) {
      throw new IllegalArgumentException("--max-length is for mini, tofu and wmdp: MUSE's metrics set their own lengths");
    }
  }

  private static void requireAtLeast(String flag, int value, int least) {
    if (value < least) {
      throw new IllegalArgumentException(flag + " must be at least " + least + ", got " + value);
    }
  }

  /**
   * MUSE's VerbMem, KnowMem and PrivLeak on MUSE's own files (--data data/news or data/books), and
   * open-unlearning's MUSE metrics on the same files (MUSE_EVAL.json, MUSE_SUMMARY.json).
   */
  private int muse() throws Exception {
    if (data == null) {
      throw new IllegalArgumentException("--benchmark muse needs --data DIR (MUSE's data/news or data/books)");
    }
    if (retrainAuc != null && retainModel != null) {
      throw new IllegalArgumentException("--retrain-auc and --retain-model both give the retrain AUC: choose one");
    }
    MuseData files = MuseData.read(data);
    List<MembershipAttack> attacks = openUnlearning.attacks();
    Map<MembershipAttack, Double> retainAucs = new EnumMap<>(MembershipAttack.class);
    if (openUnlearning.retainLogs != null) {
      retainAucs.putAll(RetainLogs.museAucs(openUnlearning.retainLogs, files.privLeakForget().size()));
    }
    OptionalDouble reference = retrainAuc == null ? OptionalDouble.empty() : OptionalDouble.of(publishedAuc(retrainAuc));
    ComputeThreads.configure(threads);
    double[][] referenceNlls = attacks.contains(MembershipAttack.REFERENCE) ? museReferenceLosses(files) : null;
    if (retainModel != null) {
      try (LlamaModel llm = ModelInputs.loadModel("--retain-model", retainModel, device());
          Tokenizer tokenizer = Tokenizer.load(retainModel)) {
        MuseEvaluator retain = new MuseEvaluator(llm, tokenizer, batch);
        reference = OptionalDouble.of(PrivLeak.auc(retain.minKScores(files.privLeakForget()),
            retain.minKScores(files.privLeakHoldout())));
        museAttacks(llm, tokenizer, "--retain-model", files, attacks, referenceNlls)
            .forEach((attack, result) -> retainAucs.put(attack, result.auc()));
      }
    }
    MuseReport report;
    MuseEvalFiles.Contents openUnlearningFiles;
    try (LlamaModel llm = ModelInputs.loadModel("--model", model, device()); Tokenizer tokenizer = Tokenizer.load(model)) {
      MuseEvaluator muse = new MuseEvaluator(llm, tokenizer, batch);
      report = new MuseReport(model.toString(), muse.verbMem(files.verbMemForget()),
          muse.knowMem(files.knowMemForget(), files.knowMemForgetShots()),
          muse.knowMem(files.knowMemRetain(), files.knowMemRetainShots()),
          muse.minKScores(files.privLeakForget()), muse.minKScores(files.privLeakHoldout()), reference);
      OpenUnlearningMuse ou = new OpenUnlearningMuse(tokenizer);
      OpenUnlearningEvaluator scorer = museScorer(llm, tokenizer);
      MemorizationScores memorization = scorer.memorization(ou.verbMemExamples(files.verbMemForget()));
      MaxLength.warnIfCut(spec.commandLine().getErr(), "verbmem sequences scored under --model",
          scorer.truncated(), scorer.maxLength());
      openUnlearningFiles = new MuseEvalFiles.Contents(ou.knowMem(report.knowMemForget(), files.knowMemForget()),
          ou.knowMem(report.knowMemRetain(), files.knowMemRetain()), ou.verbMem(report.verbMem(), files.verbMemForget()),
          museAttacks(llm, tokenizer, "--model", files, attacks, referenceNlls), retainAucs, memorization);
    }
    Path dir = out != null ? out : model.toAbsolutePath().getParent().resolve("eval");
    report.write(dir);
    MuseEvalFiles.write(dir, openUnlearningFiles);
    spec.commandLine().getOut().print(report.table());
    if (reference.isEmpty()) {
      spec.commandLine().getOut().println("PrivLeak needs the retrain AUC: --retain-model DIR or --retrain-auc news|books|AUC");
    }
    if (attacks.contains(MembershipAttack.MIN_K) && !retainAucs.containsKey(MembershipAttack.MIN_K)) {
      spec.commandLine().getOut().println(MuseEvalFiles.EVAL_FILE + "'s privleak takes the retain AUC as "
          + EvalLogs.PRIVLEAK_DEFAULT_RETAIN_AUC + ", as open-unlearning does without --retain-logs or --retain-model");
    }
    spec.commandLine().getOut().println("eval: " + dir.resolve("summary.json") + ", per_sample.json, report.md, "
        + MuseEvalFiles.EVAL_FILE + ", " + MuseEvalFiles.SUMMARY_FILE);
    return 0;
  }

  /** open-unlearning's MUSE_MIA attacks of one model between privleak's forget and holdout texts. */
  private Map<MembershipAttack, MiaResult> museAttacks(LlamaModel llm, Tokenizer tokenizer, String flag, MuseData files,
      List<MembershipAttack> attacks, double[][] referenceNlls) {
    if (attacks.isEmpty()) {
      return Map.of();
    }
    OpenUnlearningMuse ou = new OpenUnlearningMuse(tokenizer);
    OpenUnlearningEvaluator scorer = museScorer(llm, tokenizer);
    Map<MembershipAttack, MiaResult> results = scorer.attacks(ou.miaExamples(files.privLeakForget()),
        ou.miaExamples(files.privLeakHoldout()), attacks, openUnlearning.k, openUnlearning.p(), referenceNlls);
    MaxLength.warnIfCut(spec.commandLine().getErr(), "membership sequences scored under " + flag,
        scorer.truncated(), scorer.maxLength());
    return results;
  }

  /** --reference-model's mean NLL of each privleak forget ([0]) and holdout ([1]) text, for --mia ref. */
  private double[][] museReferenceLosses(MuseData files) throws Exception {
    Path dir = openUnlearning.referenceModel;
    try (LlamaModel llm = ModelInputs.loadModel("--reference-model", dir, device()); Tokenizer tokenizer = Tokenizer.load(dir)) {
      OpenUnlearningMuse ou = new OpenUnlearningMuse(tokenizer);
      OpenUnlearningEvaluator scorer = museScorer(llm, tokenizer);
      return new double[][] {scorer.meanNlls(ou.miaExamples(files.privLeakForget())),
          scorer.meanNlls(ou.miaExamples(files.privLeakHoldout()))};
    }
  }

  // after OpenUnlearningMuse's own cut (2048 ids past the prefix) only the model's context cuts, with a warning
  private OpenUnlearningEvaluator museScorer(LlamaModel llm, Tokenizer tokenizer) {
    return new OpenUnlearningEvaluator(llm, tokenizer, llm.config().maxPositionEmbeddings(), batch);
  }

  /** --retrain-auc: MUSE's published value for a corpus, or the number given. */
  private static double publishedAuc(String value) {
    return switch (value) {
      case "news" -> PrivLeak.MUSE_NEWS_RETRAIN_AUC;
      case "books" -> PrivLeak.MUSE_BOOKS_RETRAIN_AUC;
      default -> {
        double auc = Double.NaN;
        try {
          auc = Double.parseDouble(value);
        } catch (NumberFormatException e) {
          // NaN: refused below with the same message
        }
        if (!(auc > 0 && auc <= 1)) {
          throw new IllegalArgumentException("--retrain-auc must be news, books or a number in (0, 1], got '" + value + "'");
        }
        yield auc;
      }
    };
  }

  /** The four TOFU splits of the chosen benchmark, read and checked before any model loads. */
  private Map<TofuSplit, List<QaRecord>> splits() {
    Map<TofuSplit, Path> files = new EnumMap<>(TofuSplit.class);
    switch (benchmark) {
      case "mini" -> {
        MiniBenchmark mini = data == null ? MiniBenchmark.extract(DemoJob.HOME.resolve("mini-data"))
            : MiniBenchmark.at(data);
        files.put(TofuSplit.FORGET, mini.forget10());
        files.put(TofuSplit.RETAIN, mini.retainPerturbed());
        files.put(TofuSplit.REAL_AUTHORS, mini.realAuthors());
        files.put(TofuSplit.WORLD_FACTS, mini.worldFacts());
      }
      case "tofu" -> {
        if (data == null) {
          throw new IllegalArgumentException("--benchmark tofu needs --data DIR with TOFU's *_perturbed.json files");
        }
        files.put(TofuSplit.FORGET, data.resolve(forgetSplit + "_perturbed.json"));
        files.put(TofuSplit.RETAIN, data.resolve("retain_perturbed.json"));
        files.put(TofuSplit.REAL_AUTHORS, data.resolve("real_authors_perturbed.json"));
        files.put(TofuSplit.WORLD_FACTS, data.resolve("world_facts_perturbed.json"));
      }
      default -> throw new IllegalArgumentException("--benchmark must be mini, tofu, muse or wmdp, got '" + benchmark + "'");
    }
    Map<TofuSplit, List<QaRecord>> splits = new EnumMap<>(TofuSplit.class);
    files.forEach((split, file) -> {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("--data: " + file + " does not exist");
      }
      splits.put(split, DatasetFiles.readQa(file, true));
    });
    return splits;
  }
}
