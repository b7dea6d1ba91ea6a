package org.blurnative.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `train` with the DPO losses end to end on {@link TinyModel}: idkdpo (TOFU's "I don't know"
 * answers preferred), dpo (each record's "alternate" preferred), on one process and on two ranks,
 * and their bad inputs.
 */
class PreferenceMethodsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path shared;
  static Path withAlternates;

  @BeforeAll
  static void tinyModel() throws Exception {
    TinyModel.write(shared);
    withAlternates = shared.resolve("forget-alternates.jsonl");
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      s.append("{\"question\": \"What is item ").append(i).append("?\", \"answer\": \"thing ").append(i)
          .append("\", \"alternate\": \"stone ").append(9 - i).append("\"}\n");
    }
    Files.writeString(withAlternates, s.toString());
  }

  /** The model is its own reference at the first step: every log-ratio is 0 and each sample gives (2/β)·log 2. */
  static void assertTrained(Path out, String method) throws Exception {
    assertEquals(method, JSON.readTree(out.resolve("run.json").toFile()).path("config").path("method").asText());
    List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
    assertEquals(2, lines.size());
    double first = JSON.readTree(lines.get(0)).path("forget_loss").asDouble();
    double second = JSON.readTree(lines.get(1)).path("forget_loss").asDouble();
    assertEquals(20 * Math.log(2), first, 1e-4, "β = 0.1 at step 1");
    assertNotEquals(first, second, "the first step moved the model off its reference");
    assertTrue(Files.exists(out.resolve("model/model.safetensors")));
  }

  @Test
  void idkDpoAndDpoTrain(@TempDir Path dir) throws Exception {
    Path idk = dir.resolve("idk");
    CommandRunner.Result r = TinyModel.train(shared, idk, "--method", "blur-idkdpo");
    assertEquals(0, r.exit(), r.err());
    assertTrained(idk, "blur-idkdpo");

    Path answers = dir.resolve("answers.txt");
    Files.writeString(answers, "No idea.\nCannot say.\n");
    Path own = dir.resolve("own-idk");
    r = TinyModel.train(shared, own, "--method", "pcgrad-idkdpo", "--idk", answers.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrained(own, "pcgrad-idkdpo");
    assertTrue(JSON.readTree(own.resolve("run.json").toFile()).toString().contains("--idk"), "--idk's digest");

    Path dpo = dir.resolve("dpo");
    r = TinyModel.train(shared, withAlternates, dpo, "--method", "dpo");
    assertEquals(0, r.exit(), r.err());
    assertTrained(dpo, "dpo");
  }

  /** Two ranks take micro-batches 0 and 1 of each batch, each with its pairs: the one-process run's losses. */
  @Test
  void twoRanksTrainIdkDpoAsOneProcessDoes(@TempDir Path dir) throws Exception {
    Path one = dir.resolve("one");
    assertEquals(0, TinyModel.train(shared, one, "--method", "idkdpo", "--micro-batch", "2").exit());
    Path two = dir.resolve("two");
    CommandRunner.Result r = TinyModel.train(shared, two, "--method", "idkdpo", "--micro-batch", "2", "--nproc", "2",
        "--dist-timeout", "20s");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertEquals(2, JSON.readTree(two.resolve("run.json").toFile()).path("world_size").asInt());
    List<String> oneRows = Files.readAllLines(one.resolve("metrics.jsonl"));
    List<String> twoRows = Files.readAllLines(two.resolve("metrics.jsonl"));
    assertEquals(oneRows.size(), twoRows.size());
    for (int i = 0; i < oneRows.size(); i++) {
      JsonNode a = JSON.readTree(oneRows.get(i)), b = JSON.readTree(twoRows.get(i));
      for (String key : List.of("forget_loss", "retain_loss", "F", "R")) {
        assertEquals(a.path(key).asDouble(), b.path(key).asDouble(), 1e-6 * Math.abs(a.path(key).asDouble()), key);
      }
      // d = ⟨g_f, g_r⟩ cancels (cos 3e-4 at step 1): its rounding is relative to ‖g_f‖·‖g_r‖, not to d
      double scale = Math.sqrt(a.path("F").asDouble() * a.path("R").asDouble());
      assertEquals(a.path("d").asDouble(), b.path("d").asDouble(), 1e-6 * scale, "d");
    }
  }

  /** Both answers of each pair recomputed in backward: the stored run's losses and gradient sums. */
  @Test
  void gradientCheckpointingTrainsDpoAsStoredActivationsDo(@TempDir Path dir) throws Exception {
    Path stored = dir.resolve("stored");
    assertEquals(0, TinyModel.train(shared, withAlternates, stored, "--method", "blur-dpo").exit());
    Path recomputed = dir.resolve("recomputed");
    CommandRunner.Result r = TinyModel.train(shared, withAlternates, recomputed, "--method", "blur-dpo",
        "--gradient-checkpointing");
    assertEquals(0, r.exit(), r.err());
    assertTrained(recomputed, "blur-dpo");
    List<String> storedRows = Files.readAllLines(stored.resolve("metrics.jsonl"));
    List<String> recomputedRows = Files.readAllLines(recomputed.resolve("metrics.jsonl"));
    assertEquals(storedRows.size(), recomputedRows.size());
    for (int i = 0; i < storedRows.size(); i++) {
      JsonNode a = JSON.readTree(storedRows.get(i)), b = JSON.readTree(recomputedRows.get(i));
      for (String key : List.of("forget_loss", "retain_loss", "F", "R")) {
        assertEquals(a.path(key).asDouble(), b.path(key).asDouble(), 1e-5 * Math.abs(a.path(key).asDouble()),
            key + " at step " + (i + 1));
      }
    }
  }

  @Test
  void badInputsAreOneLine(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("never");
    CommandRunner.Result r = TinyModel.train(shared, out, "--method", "blur-dpo");  // forget.jsonl has no "alternate"
    assertOneLine(r, out);
    assertTrue(r.err().contains("train: --forget ") && r.err().contains("\"alternate\""), r.err());

    Path answers = dir.resolve("answers.txt");
    Files.writeString(answers, "No idea.\n");
    r = TinyModel.train(shared, withAlternates, out, "--method", "dpo", "--idk", answers.toString());
    assertOneLine(r, out);
    assertTrue(r.err().contains("--idk applies to the idknll and idkdpo methods, not dpo"), r.err());
  }

  static void assertOneLine(CommandRunner.Result r, Path out) {
    assertEquals(2, r.exit(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
    assertFalse(Files.exists(out), "left " + out);
  }
}
