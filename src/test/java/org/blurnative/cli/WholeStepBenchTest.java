package org.blurnative.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.blurnative.train.MethodParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * `bench --whole-step` end to end on the random model, in-process: BLUR-NPO steps through the
 * trainer under two thread splits, each phase reported; bad input is one line. No timing is
 * asserted, only that the timings account for the steps.
 */
class WholeStepBenchTest {

  @Test
  void timesEachSplitsStepsByPhase(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("step.json");
    CommandRunner.Result r = CommandRunner.run("bench", "--whole-step", "--runs", "3", "--warmup", "1",
        "--thread-split", "1:1,2:1", "--batch", "2", "--max-length", "48", "--json", json.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("memory plan per rank: "), r.out());
    for (String split : List.of("1:1", "2:1")) {
      for (String phase : List.of("forget fwd+bwd", "retain fwd+bwd", "reduce", "update", "other", "step")) {
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith(split) && l.contains(phase)), split + " " + phase + ":\n" + r.out());
      }
    }
    assertTrue(r.out().contains("step at 2:1: "), r.out());

    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertEquals("blur-npo", report.path("settings").path("method").asText());
    assertEquals(3, report.path("settings").path("runs").asInt());
    assertEquals(2, report.path("splits").size());
    for (JsonNode split : report.path("splits")) {
      JsonNode phases = split.path("phases");
      assertEquals(3, phases.path("steps").asInt(), "the warm-up step is not timed");
      double shares = 0;
      double stepMedian = 0;
      for (JsonNode p : phases.path("phases")) {
        assertTrue(p.path("medianSeconds").asDouble() >= 0 || p.path("name").asText().equals("other"), p.toString());
        if (p.path("name").asText().equals("step")) {
          stepMedian = p.path("medianSeconds").asDouble();
          assertEquals(1.0, p.path("share").asDouble(), 1e-12);
        } else {
          shares += p.path("share").asDouble();
        }
      }
      assertEquals(1.0, shares, 1e-9, "the phases and other account for the whole step");
      assertTrue(stepMedian > 0, split.toString());
    }
  }

  /**
   * A model directory (TinyModel: hidden 32, 2 layers, 4 heads, 2 kv heads of 8, intermediate 80,
   * tied: 260·32 + 2·(32·32 + 2·16·32 + 32·32 + 3·80·32 + 2·32) + 32 = 29,984 weights) in bf16, with
   * a text method (RMU): its QA pairs as documents, its layers' down-projections trained as train's.
   */
  @Test
  void aModelDirectoryInBf16WithATextMethod(@TempDir Path dir) throws Exception {
    Path model = TinyModel.write(dir);
    Path json = dir.resolve("step.json");
    CommandRunner.Result r = CommandRunner.run("bench", "--model", model.toString(), "--method", "blur-rmu",
        "--precision", "bf16", "--runs", "2", "--warmup", "0", "--batch", "2", "--max-length", "32",
        "--json", json.toString());
    assertEquals(0, r.exit(), r.err());
    JsonNode settings = new ObjectMapper().readTree(json.toFile()).path("settings");
    assertEquals(model.toString(), settings.path("model").asText());
    assertEquals(29_984, settings.path("parameters").asLong());
    assertEquals("bfloat16", settings.path("precision").asText());
    assertEquals("blur-rmu", settings.path("method").asText());
    assertTrue(settings.path("data").asText().endsWith(", as text"), settings.toString());
    // RMU trains layers 0 and 1's down_proj (32·80 each): θ is 2 × 2560 weights, 4 bytes each
    assertTrue(r.out().contains("θ (fp32) 20.0 KB"), r.out());
  }

  /** idknll trains on the forget questions answered "I don't know", as train does; ga has no retain side. */
  @Test
  void methodsGetTheDataTrainGivesThem(@TempDir Path dir) throws Exception {
    for (String method : List.of("idknll", "ga")) {
      Path json = dir.resolve(method + ".json");
      CommandRunner.Result r = CommandRunner.run("bench", "--whole-step", "--method", method, "--runs", "1",
          "--warmup", "0", "--batch", "2", "--max-length", "48", "--json", json.toString());
      assertEquals(0, r.exit(), r.err());
      JsonNode report = new ObjectMapper().readTree(json.toFile());
      String data = report.path("settings").path("data").asText();
      assertEquals(method.equals("idknll"), data.endsWith(", forget answers \"I don't know\""), data);
      assertEquals(method.equals("idknll"), data.contains("retain90"), data);
      assertEquals(method.equals("idknll"), r.out().contains("retain fwd+bwd"), r.out());
    }
  }

  /** The preference methods time both passes of each pair: the report names the preferred answers. */
  @Test
  void preferenceMethodsGetTheirAnswerPairs(@TempDir Path dir) throws Exception {
    Map<String, String> preferred = Map.of("idkdpo", ", preferred answers \"I don't know\"",
        "blur-dpo", ", preferred answers each question's first perturbed answer");
    for (Map.Entry<String, String> method : preferred.entrySet()) {
      Path json = dir.resolve(method.getKey() + ".json");
      CommandRunner.Result r = CommandRunner.run("bench", "--whole-step", "--method", method.getKey(), "--runs", "1",
          "--warmup", "0", "--batch", "2", "--max-length", "48", "--json", json.toString());
      assertEquals(0, r.exit(), r.err());
      String data = new ObjectMapper().readTree(json.toFile()).path("settings").path("data").asText();
      assertTrue(data.endsWith(method.getValue()), data);
      assertTrue(r.out().contains("forget fwd+bwd"), r.out());
    }
  }

  @Test
  void badInputIsOneLineNamingTheFlag(@TempDir Path dir) {
    // each case: the arguments, and the flag its one line must name
    Map<List<String>, String> cases = new LinkedHashMap<>();
    cases.put(List.of("--whole-step", "--thread-split", "2-1"), "--thread-split");
    cases.put(List.of("--model", dir.resolve("absent").toString()), "--model");
    cases.put(List.of("--whole-step", "--plot", dir.resolve("p.png").toString()), "--plot");
    cases.put(List.of("--whole-step", "--method", "blur-nope"), "--method");
    cases.put(List.of("--whole-step", "--precision", "fp8"), "--precision");
    cases.put(List.of("--whole-step", "--micro-batch", "9", "--batch", "2"), "--micro-batch");
    cases.put(List.of("--whole-step", "--device", "tpu"), "--device");
    cases.put(List.of("--whole-step", "--max-length", "1"), "--max-length");
    cases.forEach((bad, flag) -> {
      List<String> args = new ArrayList<>(List.of("bench"));
      args.addAll(bad);
      CommandRunner.Result r = CommandRunner.run(args.toArray(String[]::new));
      assertEquals(2, r.exit(), bad + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), bad + ": " + r.err());
      assertTrue(r.err().contains(flag), bad + ": " + r.err());
    });
  }

  /** The lane runs each method as `train` would with no method flags. */
  @Test
  void methodDefaultsAreTrainsOptionDefaults() {
    CommandSpec train = new CommandLine(new TrainCommand()).getCommandSpec();
    MethodParameters d = MethodParameters.defaults(3, 42);
    assertEquals(Double.parseDouble(train.findOption("--gamma").defaultValue()), d.gamma());
    assertEquals(Double.parseDouble(train.findOption("--beta").defaultValue()), d.beta());
    assertEquals(Double.parseDouble(train.findOption("--delta").defaultValue()), d.delta());
    assertEquals(Double.parseDouble(train.findOption("--lambda").defaultValue()), d.lambda());
    assertEquals(Double.parseDouble(train.findOption("--rmu-steering").defaultValue()), d.rmuSteering());
    assertEquals(MethodParameters.RetainLoss.parse(train.findOption("--retain-loss").defaultValue()), d.retainLoss());
    assertEquals(Double.parseDouble(train.findOption("--cagrad-c").defaultValue()), d.cagradC());
    assertEquals(Double.parseDouble(train.findOption("--wga-beta").defaultValue()), d.wgaBeta());
    assertEquals(Double.parseDouble(train.findOption("--undial-strength").defaultValue()), d.undialStrength());
    assertEquals(Double.parseDouble(train.findOption("--satimp-beta1").defaultValue()), d.satImpBeta1());
    assertEquals(Double.parseDouble(train.findOption("--satimp-beta2").defaultValue()), d.satImpBeta2());
    assertEquals(false, d.swapLevels());
  }
}
