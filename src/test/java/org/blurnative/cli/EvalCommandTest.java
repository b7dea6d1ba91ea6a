package org.blurnative.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.blurnative.data.mini.MiniBenchmark;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `eval` on the bundled mini benchmark with a tiny model. */
class EvalCommandTest {
  @TempDir static Path dir;
  static Path model;
  static MiniBenchmark mini;

  @BeforeAll
  static void tinyModel() {
    FinetunedModels.OnMini tiny = FinetunedModels.onMiniBenchmark(dir);
    mini = tiny.mini();
    model = tiny.model();
  }

  @Test
  void writesSummaryPerSampleAndReport() throws Exception {
    Path out = dir.resolve("eval-a");
    CommandRunner.Result r = CommandRunner.run("eval", "--model", model.toString(),
        "--retain-model", model.toString(), "--data", mini.dir().toString(), "--out", out.toString(),
        "--max-new-tokens", "8");
    assertEquals(0, r.exit(), r.err());
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    // the model against itself: identical truth ratios, KS statistic 0, p-value 1
    assertEquals(1.0, summary.path("forget_quality").asDouble());
    // MUSE's PrivLeak against itself is 0; the AUC between forget and holdout texts is a probability
    double auc = summary.path("min40_auc_forget_vs_holdout").asDouble();
    assertTrue(auc >= 0 && auc <= 1, "AUC " + auc);
    assertEquals(auc, summary.path("retain_model_auc").asDouble());
    assertEquals(0.0, summary.path("privleak").asDouble());
    assertEquals(0.0, summary.path("forget_quality_ks_statistic").asDouble());
    // model utility: the harmonic mean of the 9 numbers (0 as soon as one of them is 0)
    double inverseSum = 0;
    boolean anyZero = false;
    for (String split : new String[] {"retain", "real_authors", "world_facts"}) {
      for (String metric : new String[] {"prob", "rougeL_recall", "truth_ratio"}) {
        double v = summary.path("per_split").path(split).path(metric).asDouble();
        anyZero |= v == 0;
        inverseSum += 1 / v;
      }
    }
    assertEquals(anyZero ? 0 : 9 / inverseSum, summary.path("model_utility").asDouble(), 1e-12);
    for (String split : new String[] {"forget", "retain", "real_authors", "world_facts"}) {
      double tr = summary.path("per_split").path(split).path("truth_ratio").asDouble();
      assertTrue(tr >= 0 && tr <= 1, split + " truth ratio " + tr);
    }
    JsonNode perSample = new ObjectMapper().readTree(out.resolve("per_sample.json").toFile());
    assertEquals(20, perSample.path("forget").size());
    assertEquals(5, perSample.path("forget").get(0).path("perturbed_mean_nlls").size());
    assertTrue(r.out().contains("| model | forget quality |"), r.out());

    // evaluation is deterministic
    Path again = dir.resolve("eval-b");
    assertEquals(0, CommandRunner.run("eval", "--model", model.toString(), "--data", mini.dir().toString(),
        "--out", again.toString(), "--max-new-tokens", "8").exit());
    JsonNode second = new ObjectMapper().readTree(again.resolve("summary.json").toFile());
    assertEquals(summary.path("model_utility"), second.path("model_utility"));
  }

  @Test
  void compareLaysSummariesSideBySideWithAPlot() throws Exception {
    Path a = dir.resolve("cmp-a"), b = dir.resolve("cmp-b");
    for (Path out : new Path[] {a, b}) {
      assertEquals(0, CommandRunner.run("eval", "--model", model.toString(), "--retain-model", model.toString(),
          "--data", mini.dir().toString(), "--out", out.toString(), "--max-new-tokens", "4").exit());
    }
    Path png = dir.resolve("tradeoff.png");
    CommandRunner.Result r = CommandRunner.run("eval", "--compare", a + "," + b, "--plot", png.toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals(4, r.out().strip().lines().count(), r.out());  // header, rule, two rows
    assertTrue(r.out().contains("| cmp-a | 1.000e+00 |"), r.out());
    assertTrue(javax.imageio.ImageIO.read(png.toFile()).getWidth() > 0);
    CommandRunner.Result missing = CommandRunner.run("eval", "--compare", dir.toString());
    assertEquals(2, missing.exit());
  }

  @Test
  void multipleChoiceAccuracyPerFile() throws Exception {
    Path bio = dir.resolve("mc/bio.jsonl");
    java.nio.file.Files.createDirectories(bio.getParent());
    java.nio.file.Files.writeString(bio, """
        {"question": "Q1?", "choices": ["a", "b", "c", "d"], "answer": 0}
        {"question": "Q2?", "choices": ["a", "b", "c", "d"], "answer": 3}
        {"question": "Q3?", "choices": ["a", "b", "c", "d"], "answer": "B"}
        """);
    Path out = dir.resolve("eval-mc");
    CommandRunner.Result r = CommandRunner.run("eval", "--model", model.toString(), "--benchmark", "wmdp",
        "--data", bio.getParent().toString(), "--out", out.toString());
    assertEquals(0, r.exit(), r.err());
    JsonNode bioScore = new ObjectMapper().readTree(out.resolve("summary.json").toFile())
        .path("multiple_choice").path("bio.jsonl");
    assertEquals(3, bioScore.path("total").asInt());
    assertEquals(bioScore.path("correct").asInt() / 3.0, bioScore.path("accuracy").asDouble(), 1e-12);
    assertTrue(r.out().contains("| bio.jsonl |"), r.out());
  }

  @Test
  void museOnItsOwnLayoutWithThePublishedRetrainAucAndCompare() throws Exception {
    Path data = Path.of(EvalCommandTest.class.getResource("/eval/muse/news").toURI());
    Path out = dir.resolve("eval-muse");
    CommandRunner.Result r = CommandRunner.run("eval", "--model", model.toString(), "--benchmark", "muse",
        "--data", data.toString(), "--retrain-auc", "news", "--out", out.toString());
    assertEquals(0, r.exit(), r.err());
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals("muse", summary.path("benchmark").asText());
    JsonNode perSample = new ObjectMapper().readTree(out.resolve("per_sample.json").toFile());
    assertEquals(3, perSample.path("verbmem_f").size());
    assertEquals(2, perSample.path("knowmem_r").size());
    double mean = 0;
    for (JsonNode g : perSample.path("knowmem_f")) {
      mean += g.path("rougeLF1").asDouble() / 3 * 100;
    }
    assertEquals(mean, summary.path("knowmem_f").asDouble(), 1e-9);
    double auc = summary.path("forget_holdout_auc").asDouble();
    assertEquals((auc - 0.47719999999999996) / 0.47719999999999996 * 100, summary.path("privleak").asDouble(), 1e-9);
    assertTrue(r.out().contains("| VerbMem on D_f (↓) |"), r.out());

    // the same model as its own retrained model: PrivLeak 0
    Path self = dir.resolve("eval-muse-self");
    CommandRunner.Result s = CommandRunner.run("eval", "--model", model.toString(), "--benchmark", "muse",
        "--data", data.toString(), "--retain-model", model.toString(), "--out", self.toString());
    assertEquals(0, s.exit(), s.err());
    assertEquals(0.0, new ObjectMapper().readTree(self.resolve("summary.json").toFile()).path("privleak").asDouble());
    museOpenUnlearningFiles(data, out, self);

    CommandRunner.Result table = CommandRunner.run("eval", "--compare", out + "," + self);
    assertEquals(0, table.exit(), table.err());
    assertTrue(table.out().startsWith("| model | VerbMem on D_f"), table.out());
    assertTrue(table.out().contains("| eval-muse-self |"), table.out());
    Path tofu = dir.resolve("tofu-summary");
    writeTofuSummary(tofu);
    CommandRunner.Result mixed = CommandRunner.run("eval", "--compare", out + "," + tofu);
    assertEquals(2, mixed.exit(), mixed.err());
  }

  /**
   * MUSE_EVAL.json / MUSE_SUMMARY.json of the runs above: every metric of open-unlearning's
   * muse.yaml; privleak 0 against the model itself, whether as --retain-model or as its saved logs.
   */
  private void museOpenUnlearningFiles(Path data, Path out, Path self) throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode summary = json.readTree(out.resolve("MUSE_SUMMARY.json").toFile());
    List<String> keys = new java.util.ArrayList<>();
    summary.fieldNames().forEachRemaining(keys::add);
    assertEquals(List.of("exact_memorization", "extraction_strength", "forget_knowmem_ROUGE", "forget_verbmem_ROUGE",
        "mia_min_k", "privleak", "retain_knowmem_ROUGE"), keys);
    JsonNode logs = json.readTree(out.resolve("MUSE_EVAL.json").toFile());
    JsonNode verbMem = logs.path("forget_verbmem_ROUGE").path("value_by_index");
    assertEquals(3, verbMem.size());
    JsonNode forgetVerbMem = json.readTree(data.resolve("verbmem/forget.json").toFile());
    // input: the prompt decoded without BOS; ground truth: the whole continuation, stripped
    assertEquals(forgetVerbMem.get(0).path("prompt").asText(), verbMem.path("0").path("input").asText());
    assertEquals(forgetVerbMem.get(0).path("gt").asText().strip(), verbMem.path("0").path("ground_truth").asText());
    double sum = 0;
    for (JsonNode e : verbMem) {
      sum += e.path("rougeL_f1").asDouble();
    }
    assertEquals(sum / 3, summary.path("forget_verbmem_ROUGE").asDouble(), 1e-12);
    double auc = summary.path("mia_min_k").asDouble();
    assertEquals((1 - auc - 0.5) / (0.5 + 1e-10) * 100, summary.path("privleak").asDouble(), 1e-9);
    assertTrue(logs.path("exact_memorization").path("value_by_index").size() == 3);
    assertEquals(0.0, json.readTree(self.resolve("MUSE_SUMMARY.json").toFile()).path("privleak").asDouble(-1), 1e-9);

    Path fromLogs = dir.resolve("eval-muse-logs");
    CommandRunner.Result r = CommandRunner.run("eval", "--model", model.toString(), "--benchmark", "muse",
        "--data", data.toString(), "--retain-logs", self.resolve("MUSE_EVAL.json").toString(), "--mia", "min_k,loss",
        "--out", fromLogs.toString());
    assertEquals(0, r.exit(), r.err());
    JsonNode again = json.readTree(fromLogs.resolve("MUSE_SUMMARY.json").toFile());
    assertEquals(0.0, again.path("privleak").asDouble(-1), 1e-9);
    assertTrue(again.path("mia_loss").isNumber(), again.toString());
    CommandRunner.Result wrong = CommandRunner.run("eval", "--model", model.toString(), "--benchmark", "muse",
        "--data", data.toString(), "--retain-logs", self.resolve("MUSE_SUMMARY.json").toString(),
        "--out", dir.resolve("never-muse").toString());
    assertEquals(2, wrong.exit(), wrong.err());
    assertEquals(1, wrong.err().strip().lines().count(), wrong.err());
  }

  @Test
  void unsupportedOrIncompleteBenchmarksAreOneLineErrors() throws Exception {
    Path data = Path.of(EvalCommandTest.class.getResource("/eval/muse/news").toURI());
    for (List<String> bad : List.of(
        List.of("--benchmark", "muse"),
        List.of("--benchmark", "muse", "--data", dir.resolve("nowhere").toString()),
        List.of("--benchmark", "muse", "--data", data.toString(), "--retrain-auc", "tabloids"),
        List.of("--benchmark", "muse", "--data", data.toString(), "--retrain-auc", "1.5"),
        List.of("--benchmark", "muse", "--data", data.toString(), "--retrain-auc", "news",
            "--retain-model", model.toString()),
        List.of("--benchmark", "tofu"),
        List.of("--benchmark", "squad"),
        List.of("--retrain-auc", "news"),
        List.of("--subject", "biology"),
        List.of("--forget-split", "forget05"),
        List.of("--plot", dir.resolve("p.png").toString()),
        List.of("--compare", dir.toString()),
        List.of("--batch", "0"),
        List.of("--max-length", "0"),
        List.of("--max-new-tokens", "-1"))) {
      List<String> args = new java.util.ArrayList<>(List.of("eval", "--model", model.toString(),
          "--out", dir.resolve("never").toString()));
      args.addAll(bad);
      CommandRunner.Result r = CommandRunner.run(args.toArray(String[]::new));
      assertEquals(2, r.exit(), bad + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), bad + ": " + r.err());
      assertFalse(java.nio.file.Files.exists(dir.resolve("never")), bad + " wrote output");
    }
    CommandRunner.Result missing = CommandRunner.run("eval", "--model", dir.resolve("nope").toString());
    assertEquals(2, missing.exit());
    java.nio.file.Files.writeString(dir.resolve("a-file"), "x");
    CommandRunner.Result outIsFile = CommandRunner.run("eval", "--model", model.toString(), "--out",
        dir.resolve("a-file").toString());
    assertEquals(2, outIsFile.exit());
    assertEquals("blur-native eval: --out " + dir.resolve("a-file") + " is a file, not a directory", outIsFile.err().strip());
    java.nio.file.Path someonesDir = dir.resolve("someones");
    java.nio.file.Files.createDirectories(someonesDir);
    java.nio.file.Files.writeString(someonesDir.resolve("notes.txt"), "mine");
    CommandRunner.Result notEmpty = CommandRunner.run("eval", "--model", model.toString(), "--out", someonesDir.toString());
    assertEquals(2, notEmpty.exit());
    assertTrue(notEmpty.err().contains("is not empty and holds no earlier eval"), notEmpty.err());
    assertEquals("mine", java.nio.file.Files.readString(someonesDir.resolve("notes.txt")));
  }

  @Test
  void compareNamesRunsByTheirDirectoryAndRefusesWhatIsNotASummary() throws Exception {
    Path a = dir.resolve("cmp/run-a/eval"), b = dir.resolve("cmp/run-b/eval");
    for (Path p : List.of(a, b)) {
      writeTofuSummary(p);
    }
    Path png = dir.resolve("cmp/tradeoff.png");
    CommandRunner.Result r = CommandRunner.run("eval", "--compare", a + "," + b, "--plot", png.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("| run-a |") && r.out().contains("| run-b |"), r.out());
    assertTrue(java.nio.file.Files.size(png) > 0);

    Path broken = dir.resolve("cmp/broken"), empty = dir.resolve("cmp/empty");
    java.nio.file.Files.createDirectories(broken);
    java.nio.file.Files.writeString(broken.resolve("summary.json"), "{");
    java.nio.file.Files.createDirectories(empty);
    java.nio.file.Files.writeString(empty.resolve("summary.json"), "{}");
    for (Path bad : List.of(broken, empty)) {
      CommandRunner.Result e = CommandRunner.run("eval", "--compare", a + "," + bad);
      assertEquals(2, e.exit(), e.err());
      assertEquals(1, e.err().strip().lines().count(), e.err());
      assertTrue(e.err().contains(bad.resolve("summary.json").toString()), e.err());
    }
  }

  /** A TOFU-style summary.json of made-up numbers, for --compare. */
  static void writeTofuSummary(Path evalDir) throws java.io.IOException {
    java.nio.file.Files.createDirectories(evalDir);
    java.nio.file.Files.writeString(evalDir.resolve("summary.json"), "{\"model\": \"m\", \"per_split\": {\"forget\": "
        + "{\"truth_ratio\": 0.6, \"rougeL_recall\": 0.4, \"prob\": 0.3}}, \"model_utility\": 0.5, \"forget_quality\": 0.01}");
  }
}
