package org.blurnative.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.blurnative.eval.Comparison;
import org.blurnative.io.AtomicFiles;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.blurnative.data.mini.MiniBenchmark;
import picocli.CommandLine;

/**
 * `train` with no arguments: the bundled mini benchmark end to end, through the same commands a
 * user would type. Builds the target model (forget + retain + real-world sets) and the retain
 * model (everything but forget) once, caching them by their exact arguments, then unlearns the
 * forget set from the target with BLUR-NPO and evaluates all three (report.md: the paper's
 * Table 2 columns).
 */
final class DemoJob {
  static final Path HOME = Path.of("blur-native-runs");

  /** Small enough to train on 2 CPU cores in minutes, large enough to memorise the facts. */
  private static final List<String> MODEL = List.of("--from-scratch", "--hidden", "128",
      "--layers", "4", "--heads", "4", "--epochs", "30", "--batch", "32", "--micro-batch", "1",
      "--lr", "3e-3", "--clip", "1", "--schedule", "linear", "--warmup", "20", "--max-length", "192",
      "--seed", "17");
  /** The paper's TOFU recipe (β = 0.1, γ = 1, 10 epochs), with a rate a tiny model moves at. */
  private static final List<String> UNLEARN = List.of("--method", "blur-npo", "--gamma", "1",
      "--beta", "0.1", "--epochs", "10", "--batch", "8", "--micro-batch", "2", "--lr", "3e-5",
      "--max-length", "192", "--seed", "17");

  /**
   * Part of the models' cache key, changed whenever training itself changes what the same
   * arguments build (2: an epoch became one pass over the data), so the cache never hands back a
   * model the current code would not train.
   */
  private static final String TRAINING_REVISION = "2";

  private final CommandLine cli;

  /** {@code cli}: where output goes; every step runs on a fresh command line with its streams. */
  DemoJob(CommandLine cli) {
    this.cli = cli;
  }

  int run() throws IOException {
    PrintWriter out = cli.getOut();
    MiniBenchmark mini = MiniBenchmark.extract(HOME.resolve("mini-data"));
    String realWorld = mini.realAuthors() + "," + mini.worldFacts();
    out.println("demo: the bundled mini benchmark in " + mini.dir());

    Path target = cachedModel("target", mini.forget10() + "," + mini.retain90() + "," + realWorld);
    Path retain = cachedModel("retain", mini.retain90() + "," + realWorld);
    if (target == null || retain == null) {
      return UserErrorHandler.USER_ERROR;
    }

    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path run = HOME.resolve("blur-npo-" + stamp);
    List<String> train = new ArrayList<>(List.of("train", "--model", target.toString(),
        "--forget", mini.forget10().toString(), "--retain", mini.retain90().toString(),
        "--out", run.toString()));
    train.addAll(UNLEARN);
    int exit = step("unlearning the forget set with BLUR-NPO", train);
    if (exit != 0) {
      return exit;
    }
    Map<String, Path> evaluated = new LinkedHashMap<>();
    evaluated.put("Original (target)", target);
    evaluated.put("Retain", retain);
    evaluated.put("BLUR-NPO", run.resolve("model"));
    List<JsonNode> summaries = new ArrayList<>();
    for (Map.Entry<String, Path> e : evaluated.entrySet()) {
      Path evalDir = run.resolve("eval-" + e.getKey().replaceAll("[^A-Za-z]+", "-")
          .replaceAll("-$", "").toLowerCase(java.util.Locale.ROOT));
      exit = step("evaluating " + e.getKey(), List.of("eval", "--model", e.getValue().toString(),
          "--retain-model", retain.toString(), "--data", mini.dir().toString(), "--out", evalDir.toString()));
      if (exit != 0) {
        return exit;
      }
      summaries.add(new ObjectMapper().readTree(evalDir.resolve("summary.json").toFile()));
    }
    Comparison comparison = new Comparison(new ArrayList<>(evaluated.keySet()), summaries);
    String table = comparison.markdown();
    comparison.plot(run.resolve("plots/tradeoff.png"), "mini benchmark: forget vs retain");
    // the evaluation first, then what `train` wrote of the run (losses, the projection, alignment)
    String training = Files.readString(run.resolve("report.md"), StandardCharsets.UTF_8);
    AtomicFiles.write(run.resolve("report.md"), ("# BLUR-NPO on the bundled mini benchmark\n\n"
        + "Forget quality: KS p-value of the forget-set truth ratios against the retain model"
        + " (higher is better); model utility: TOFU's harmonic mean of 9 numbers.\n\n" + table
        + "\n![trade-off](plots/tradeoff.png)\n\n" + training)
        .getBytes(StandardCharsets.UTF_8));
    out.println();
    out.print(table);
    out.println();
    out.println("demo: outputs in " + run.toAbsolutePath()
        + " (report.md, plots/, run.json, metrics.jsonl, model/, eval-*/, checkpoints/)");
    return 0;
  }

  /** model/ under a cache directory named by the hash of its finetune arguments; built if absent. */
  private Path cachedModel(String role, String data) throws IOException {
    List<String> args = new ArrayList<>(List.of("finetune", "--data", data));
    args.addAll(MODEL);
    Path dir = HOME.resolve("cache").resolve(role + "-" + digest(TRAINING_REVISION, args));
    Path model = dir.resolve("model");
    if (Files.isRegularFile(model.resolve("model.safetensors"))) {
      cli.getOut().println("demo: " + role + " model (cached) " + model);
      return model;
    }
    args.addAll(List.of("--out", dir.toString(), "--checkpoint-every", "100"));
    if (Files.isRegularFile(dir.resolve("run.json"))) {
      args.add("--resume");  // an earlier demo was stopped while building this model
    }
    int exit = step("training the " + role + " model (once; cached in " + dir + ")", args);
    return exit == 0 ? model : null;
  }

  private int step(String what, List<String> args) {
    cli.getOut().println("demo: " + what);
    cli.getOut().println("      blur-native " + String.join(" ", args));
    CommandLine fresh = Main.commandLine();
    fresh.setOut(cli.getOut());
    fresh.setErr(cli.getErr());
    return Main.run(fresh, args.toArray(String[]::new));
  }


  private static String digest(String revision, List<String> args) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] hash = sha.digest((revision + "\u0000" + String.join("\u0000", args)).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
