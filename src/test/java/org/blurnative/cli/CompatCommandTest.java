package org.blurnative.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `train --compat` end to end: what each departure does to the steps, and what it refuses. */
class CompatCommandTest {
  @TempDir static Path dir;

  @BeforeAll
  static void tinyModel() throws Exception {
    TinyModel.write(dir);
  }

  static List<JsonNode> metrics(Path run) throws Exception {
    List<JsonNode> rows = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
      rows.add(new ObjectMapper().readTree(line));
    }
    return rows;
  }

  @Test
  void officialTofuFixesGammaAtOneLeavesUUnclippedAndProjectsTheLastMicroBatch(@TempDir Path tmp) throws Exception {
    String[] flags = {"--method", "blur-npo", "--gamma", "2", "--clip", "0.001", "--batch", "4", "--micro-batch", "2"};
    Path official = tmp.resolve("official"), exact = tmp.resolve("exact");
    CommandRunner.Result r = TinyModel.train(dir, official, concat(flags, "--compat", "official"));
    assertEquals(0, r.exit(), r.err());
    for (String d : List.of("last-micro-batch", "unclipped-u", "gamma-one", "batch-mean-npo")) {
      assertTrue(r.err().contains("--compat " + d + ": "), r.err());
    }
    JsonNode run = new ObjectMapper().readTree(official.resolve("run.json").toFile());
    assertEquals("last-micro-batch,unclipped-u,gamma-one,batch-mean-npo", run.path("config").path("compat").asText());
    assertEquals(1.0, run.path("config").path("parameters").path("gamma").asDouble());
    assertEquals(0, TinyModel.train(dir, exact, flags).exit());
    List<JsonNode> o = metrics(official), e = metrics(exact);
    for (JsonNode m : o) {
      assertEquals(1.0, m.path("A_f").asDouble(), 1e-6, "γ = 1 and u unclipped: " + m);
      assertFalse(m.has("clip_scale"), m.toString());
    }
    assertTrue(e.get(0).path("clip_scale").asDouble() < 1, "the exact run clips u: " + e.get(0));
    // the same θ and batch at step 1: the last micro-batch's F is not the batch's
    assertNotEquals(e.get(0).path("F").asDouble(), o.get(0).path("F").asDouble());
  }

  @Test
  void wmdpScalesTheRetainStepByAlphaAndKeepsTheForgetChange(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("wmdp");
    CommandRunner.Result r = TinyModel.train(dir, out, "--method", "blur-rmu", "--lambda", "3", "--compat", "official");
    assertEquals(0, r.exit(), r.err());
    for (JsonNode m : metrics(out)) {
      assertEquals(3.0, m.path("c_r").asDouble(), m.toString());
      assertEquals(1.0, m.path("A_f").asDouble(), 1e-6, "⟨g_f, u⟩ = F: " + m);
    }
  }

  @Test
  void theUnguardedDivisionAbortsWhereExactBlurTakesTheRetainStep(@TempDir Path tmp) throws Exception {
    // RMU's losses stop at layer 0, so layer 1's weights get no forget gradient: F = 0 at every step
    String[] flags = {"--method", "blur-rmu", "--rmu-layer", "0", "--trainable", "model\\.layers\\.1\\..*"};
    CommandRunner.Result guarded = TinyModel.train(dir, tmp.resolve("guarded"), flags);
    assertEquals(0, guarded.exit(), guarded.err());
    CommandRunner.Result r = TinyModel.train(dir, tmp.resolve("unguarded"),
        concat(flags, "--compat", "unguarded-division"));
    assertEquals(3, r.exit(), r.err());
    assertTrue(r.err().contains("ZeroDivisionError"), r.err());
  }

  @Test
  void refusalsAreOneLineExitTwo(@TempDir Path tmp) {
    for (String[] bad : new String[][] {
        {"--method", "npo", "--compat", "official"},
        {"--method", "blur-simnpo", "--compat", "raw-logit-npo"},
        {"--method", "blur-npo", "--compat", "tofu,bogus"},
        {"--method", "blur-npo", "--compat", "last-micro-batch", "--nproc", "2", "--micro-batch", "2"}}) {
      Path out = tmp.resolve("refused");
      CommandRunner.Result r = TinyModel.train(dir, out, bad);
      assertEquals(2, r.exit(), String.join(" ", bad) + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().contains("--compat"), r.err());
      assertFalse(Files.exists(out), "nothing is written before the refusal");
    }
  }

  private static String[] concat(String[] a, String... b) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(String[]::new);
  }
}
