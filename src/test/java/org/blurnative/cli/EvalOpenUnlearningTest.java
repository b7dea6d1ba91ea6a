package org.blurnative.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.blurnative.data.mini.MiniBenchmark;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `eval`'s open-unlearning metrics and files on the mini benchmark with a tiny model. */
class EvalOpenUnlearningTest {
  static final ObjectMapper JSON = new ObjectMapper();
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
  void everyAttackAgainstItselfAndItsSavedLogs() throws Exception {
    Path first = dir.resolve("eval-ou");
    CommandRunner.Result r = CommandRunner.run("eval", "--model", model.toString(), "--retain-model", model.toString(),
        "--reference-model", model.toString(), "--mia", "all", "--data", mini.dir().toString(),
        "--out", first.toString(), "--max-new-tokens", "4");
    assertEquals(0, r.exit(), r.err());
    JsonNode ou = JSON.readTree(first.resolve("summary.json").toFile()).path("open_unlearning");
    for (String attack : List.of("mia_loss", "mia_zlib", "mia_min_k", "mia_min_k_plus_plus", "mia_gradnorm")) {
      double auc = ou.path(attack).asDouble(-1);
      assertTrue(auc >= 0 && auc <= 1, attack + " " + auc);
      // the retain model is the model itself: no leak under any attack
      assertEquals(0.0, ou.path("privleak_" + attack).asDouble(-1), 1e-6, attack);
    }
    // the reference model is the model itself: every score is 0, every pair a tie
    assertEquals(0.5, ou.path("mia_reference").asDouble(), 0);
    for (String m : List.of("extraction_strength_forget", "exact_memorization_forget", "extraction_strength_retain",
        "exact_memorization_retain")) {
      double v = ou.path(m).asDouble(-1);
      assertTrue(v >= 0 && v <= 1, m + " " + v);
    }
    assertEquals(3, ou.path("truth_ratio").path("forget").size());

    JsonNode summary = JSON.readTree(first.resolve("TOFU_SUMMARY.json").toFile());
    assertEquals(1.0, summary.path("forget_quality").asDouble());
    assertEquals(0.0, summary.path("privleak").asDouble(-1), 1e-6);
    assertEquals(ou.path("mia_gradnorm").asDouble(), summary.path("mia_gradnorm").asDouble(), 0);
    // ROUGE's input is the prompt the model answered, as eval_text_similarity decodes it: the plain
    // format's "Question: …\nAnswer:" without BOS, not the bare question
    JsonNode rouge = JSON.readTree(first.resolve("TOFU_EVAL.json").toFile()).path("forget_Q_A_ROUGE")
        .path("value_by_index").path("0");
    org.blurnative.data.QaRecord q = org.blurnative.data.DatasetFiles.readQa(mini.forget10()).get(0);
    assertEquals("Question: " + q.question() + "\nAnswer:", rouge.path("input").asText());
    assertEquals(q.answer(), rouge.path("ground_truth").asText());

    // the first run's TOFU_EVAL.json as the retain model's saved evaluation
    Path second = dir.resolve("eval-logs");
    CommandRunner.Result fromLogs = CommandRunner.run("eval", "--model", model.toString(),
        "--retain-logs", first.resolve("TOFU_EVAL.json").toString(), "--data", mini.dir().toString(),
        "--out", second.toString(), "--max-new-tokens", "4");
    assertEquals(0, fromLogs.exit(), fromLogs.err());
    JsonNode again = JSON.readTree(second.resolve("TOFU_SUMMARY.json").toFile());
    assertEquals(1.0, again.path("forget_quality").asDouble());
    assertEquals(0.0, again.path("privleak").asDouble(-1), 1e-6);
    assertEquals(1.0, JSON.readTree(second.resolve("summary.json").toFile()).path("forget_quality").asDouble());
  }

  @Test
  void helpNamesTheNewOptions() {
    CommandRunner.Result help = CommandRunner.run("eval", "--help");
    assertEquals(0, help.exit());
    for (String option : List.of("--mia=", "--mia-k=", "--gradnorm-p=", "--reference-model=", "--retain-logs=")) {
      assertTrue(help.out().contains(option), option + " in " + help.out());
    }
  }

  @Test
  void badOptionsAndMismatchedLogsAreOneLineErrors() throws Exception {
    Path tofuLog = Path.of(EvalOpenUnlearningTest.class.getResource("/eval/tofu/llama2-7b/retain90/eval_log_forget.json").toURI());
    Path garbage = Files.writeString(dir.resolve("garbage.json"), "{not json");
    for (List<String> bad : List.of(
        List.of("--mia", "mink"),
        List.of("--mia", "ref"),
        List.of("--reference-model", model.toString()),
        List.of("--mia-k", "0"),
        List.of("--gradnorm-p", "3"),
        List.of("--retain-logs", tofuLog.toString(), "--retain-model", model.toString()),
        List.of("--retain-logs", dir.resolve("absent.json").toString()),
        List.of("--retain-logs", garbage.toString()),
        List.of("--benchmark", "wmdp", "--mia", "loss"))) {
      List<String> args = new ArrayList<>(List.of("eval", "--model", model.toString(), "--data",
          mini.dir().toString(), "--out", dir.resolve("never").toString()));
      args.addAll(bad);
      CommandRunner.Result r = CommandRunner.run(args.toArray(String[]::new));
      assertEquals(2, r.exit(), bad + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), bad + ": " + r.err());
      assertFalse(Files.exists(dir.resolve("never")), bad + " wrote output");
    }
    // TOFU's retain90 log has 300 forget samples; the mini benchmark's forget10 has 20
    CommandRunner.Result r = CommandRunner.run("eval", "--model", model.toString(), "--data", mini.dir().toString(),
        "--retain-logs", tofuLog.toString(), "--out", dir.resolve("never").toString());
    assertEquals(2, r.exit());
    assertEquals("blur-native eval: --retain-logs " + tofuLog + " holds 300 forget samples but the mini"
        + " benchmark's forget10 has 20: it evaluates another forget split", r.err().strip());
  }
}
