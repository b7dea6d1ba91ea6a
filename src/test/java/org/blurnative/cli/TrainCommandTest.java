package org.blurnative.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** `finetune` then `train` end to end on a tiny model, and every kind of bad input. */
class TrainCommandTest {
  @TempDir static Path shared;
  static Path model;
  static Path forget;
  static Path retain;

  @BeforeAll
  static void tinyTargetModel() throws Exception {
    FinetunedModels.Target target = FinetunedModels.tiny(shared);
    model = target.model();
    forget = target.forget();
    retain = target.retain();
  }

  static String qa(int first, int n) {
    StringBuilder s = new StringBuilder();
    for (int i = first; i < first + n; i++) {
      s.append("{\"question\": \"What is item ").append(i).append("?\", \"answer\": \"thing ").append(i).append("\"}\n");
    }
    return s.toString();
  }

  static CommandRunner.Result train(Path out, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("train", "--model", model.toString(),
        "--forget", forget.toString(), "--retain", retain.toString(), "--out", out.toString(),
        "--max-steps", "3", "--batch", "4", "--micro-batch", "2", "--lr", "1e-3", "--max-length", "64"));
    args.addAll(List.of(extra));
    return CommandRunner.run(args.toArray(String[]::new));
  }

  @ParameterizedTest
  @ValueSource(strings = {"blur-npo", "blur-simnpo", "blur-rmu", "ga", "graddiff", "npo", "simnpo", "ngdiff", "rmu",
      "pcgrad-npo", "mgda-simnpo", "cagrad-wga", "siblur-npo", "blur-undial", "satimp", "ceu", "blur-idknll"})
  void everyMethodRunsAndWritesTheRunDirectory(String method, @TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    CommandRunner.Result r = train(out, "--method", method);
    assertEquals(0, r.exit(), r.err());
    for (String file : List.of("run.json", "metrics.jsonl", "model/config.json", "model/model.safetensors",
        "model/tokenizer.json", "checkpoints/step-00000003/theta.safetensors")) {
      assertTrue(Files.exists(out.resolve(file)), file);
    }
    JsonNode run = new ObjectMapper().readTree(out.resolve("run.json").toFile());
    assertEquals(method, run.path("config").path("method").asText());
    if (!method.equals("ga")) {  // GA has no retain gradient, so no alignment to plot
      java.awt.image.BufferedImage plot = javax.imageio.ImageIO.read(out.resolve("plots/alignment.png").toFile());
      assertTrue(plot.getWidth() == 900 && plot.getHeight() == 500);
    }
    assertEquals("cpu", run.path("backend").asText());
    if (method.endsWith("rmu")) {  // the RMU reference's parameters: down_proj of layers l-2..l
      int layers = new ObjectMapper().readTree(model.resolve("config.json").toFile()).path("num_hidden_layers").asInt();
      assertEquals(TrainCommand.rmuParameters(layers / 2), run.path("config").path("trainable").asText());
      assertTrue(run.path("trainable_parameters").asLong() > 0);
    }
    List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
    assertEquals(3, metrics.size());
    // NGDiff carries its adaptive learning rate by default; the others run on the schedule alone
    assertEquals(method.equals("ngdiff"), metrics.get(0).contains("\"lr_scale\":1.0"), metrics.get(0));
  }

  @Test
  void klRetainLossAndSwappedLevelsAreSelectable(@TempDir Path dir) throws Exception {
    Path kl = dir.resolve("kl");
    CommandRunner.Result r = train(kl, "--method", "graddiff", "--retain-loss", "kl");
    assertEquals(0, r.exit(), r.err());
    JsonNode params = new ObjectMapper().readTree(kl.resolve("run.json").toFile()).path("config").path("parameters");
    assertEquals("KL", params.path("retainLoss").asText());
    // KL to a reference that starts as the model itself: 0 at the first step
    JsonNode first = new ObjectMapper().readTree(Files.readAllLines(kl.resolve("metrics.jsonl")).get(0));
    assertEquals(0.0, first.path("retain_loss").asDouble(), 1e-6);

    Path swapped = dir.resolve("swapped");
    r = train(swapped, "--method", "blur-npo", "--swap-levels", "--gamma", "0.5");
    assertEquals(0, r.exit(), r.err());
    for (String line : Files.readAllLines(swapped.resolve("metrics.jsonl"))) {
      JsonNode m = new ObjectMapper().readTree(line);
      assertEquals(1.0, m.path("c_f").asDouble(), "the forget gradient enters whole");
      assertEquals(0.5, m.path("A_r").asDouble(), 1e-6, "the retain level is protected: A_r = γ");
    }
  }

  @Test
  void clippingShortensUToTheLimitAndSaysByHowMuch(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("clipped");
    CommandRunner.Result r = train(out, "--method", "blur-npo", "--clip", "0.01");
    assertEquals(0, r.exit(), r.err());
    for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
      JsonNode m = new ObjectMapper().readTree(line);
      double scale = m.path("clip_scale").asDouble();
      assertTrue(scale > 0 && scale < 1, line);
      assertEquals(0.01, m.path("u_norm").asDouble(), 1e-12, line);
      assertEquals(scale, m.path("A_f").asDouble(), 1e-6, "BLUR's A_f = γ·clip_scale with γ = 1: " + line);
    }
    Path free = dir.resolve("free");
    assertEquals(0, train(free, "--method", "blur-npo").exit());
    assertFalse(Files.readString(free.resolve("metrics.jsonl")).contains("clip_scale"));
  }

  @Test
  void rmuParametersAreTheReferencesThreeDownProjections() {
    assertEquals("model\\.layers\\.(5|6|7)\\.mlp\\.down_proj\\.weight", TrainCommand.rmuParameters(7));
    assertEquals("model\\.layers\\.(0|1)\\.mlp\\.down_proj\\.weight", TrainCommand.rmuParameters(1));
  }

  @Test
  void configFileGivesDefaultsAndFlagsWin(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("blur.json");
    Files.writeString(config, "{\"method\": \"npo\", \"lambda\": 0.5, \"beta\": 0.2}");
    Path out = dir.resolve("run");
    CommandRunner.Result r = train(out, "--config", config.toString(), "--beta", "0.3");
    assertEquals(0, r.exit(), r.err());
    JsonNode run = new ObjectMapper().readTree(out.resolve("run.json").toFile());
    assertEquals("npo", run.path("config").path("method").asText());
    assertEquals(0.5, run.path("config").path("parameters").path("lambda").asDouble());
    assertEquals(0.3, run.path("config").path("parameters").path("beta").asDouble());
  }

  @Test
  void finetuneFromAHuggingFaceConfigJson(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("config.json");
    Files.copy(model.resolve("config.json"), config);  // byte-level vocabulary, no tokenizer beside it
    Path out = dir.resolve("run");
    CommandRunner.Result r = CommandRunner.run("finetune", "--from-config", config.toString(),
        "--data", forget.toString(), "--out", out.toString(), "--max-steps", "2", "--batch", "4",
        "--micro-batch", "1", "--lr", "1e-3", "--max-length", "64");
    assertEquals(0, r.exit(), r.err());
    assertTrue(Files.exists(out.resolve("model/tokenizer.json")));
    JsonNode written = new ObjectMapper().readTree(out.resolve("model/config.json").toFile());
    assertEquals(new ObjectMapper().readTree(config.toFile()).path("hidden_size"), written.path("hidden_size"));
  }

  @Test
  void finetuneFromScratchRefusesImpossibleShapesByFlag(@TempDir Path dir) {
    for (List<String> bad : List.of(List.of("--layers", "0"), List.of("--hidden", "-32"),
        List.of("--hidden", "1000000000"), List.of("--heads", "3"), List.of("--hidden", "8192", "--layers", "64"))) {
      List<String> args = new java.util.ArrayList<>(List.of("finetune", "--from-scratch", "--data", forget.toString(),
          "--out", dir.resolve("never").toString(), "--max-steps", "1"));
      args.addAll(bad);
      CommandRunner.Result r = CommandRunner.run(args.toArray(String[]::new));
      assertEquals(2, r.exit(), bad + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), bad + ": " + r.err());
      assertTrue(r.err().contains(bad.get(0)) || r.err().contains("GB to train"), bad + ": " + r.err());
      assertFalse(Files.exists(dir.resolve("never")), bad + " left output");
    }
  }

  @Test
  void yamlConfigFileWorksToo(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("blur.yaml");
    Files.writeString(config, "method: graddiff\nlambda: 2.5\n");
    Path out = dir.resolve("run");
    CommandRunner.Result r = train(out, "--config", config.toString());
    assertEquals(0, r.exit(), r.err());
    JsonNode run = new ObjectMapper().readTree(out.resolve("run.json").toFile());
    assertEquals("graddiff", run.path("config").path("method").asText());
    assertEquals(2.5, run.path("config").path("parameters").path("lambda").asDouble());
  }

  @Test
  void badInputIsOneLineExitTwoAndNoOutputDirectory(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("never");
    Path empty = dir.resolve("empty.jsonl");
    Files.writeString(empty, "");
    Path weightless = dir.resolve("weightless");
    Files.createDirectories(weightless);
    Files.copy(model.resolve("config.json"), weightless.resolve("config.json"));
    Path badConfig = dir.resolve("bad.json");
    Files.writeString(badConfig, "{\"learning_rate\": 1}");
    Path badYaml = dir.resolve("bad.yaml");
    Files.writeString(badYaml, "lr: [1, 2\nmethod: npo\n");
    Path binaryConfig = dir.resolve("binary.json");
    Files.write(binaryConfig, new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'});
    Path deeper = dir.resolve("deeper");  // config.json says one more layer than the weights have
    Files.createDirectories(deeper);
    for (String f : List.of("model.safetensors", "tokenizer.json")) {
      Files.copy(model.resolve(f), deeper.resolve(f));
    }
    JsonNode config = new ObjectMapper().readTree(model.resolve("config.json").toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) config).put("num_hidden_layers", config.path("num_hidden_layers").asInt() + 1);
    Files.writeString(deeper.resolve("config.json"), config.toString());
    List<List<String>> cases = List.of(
        List.of("--config", badYaml.toString()),
        List.of("--config", binaryConfig.toString()),
        List.of("--config", dir.toString()),
        List.of("--forget", dir.toString()),
        List.of("--model", deeper.toString()),
        List.of("--rmu-layer", "-5", "--method", "rmu"),
        List.of("--rmu-steering", "NaN", "--method", "rmu"),
        List.of("--max-steps", "-1"),
        List.of("--forget", dir.resolve("missing.jsonl").toString()),
        List.of("--forget", empty.toString()),
        List.of("--method", "sparkle"),
        List.of("--lr", "-1e-5"),
        List.of("--model", weightless.toString()),
        List.of("--model", dir.resolve("nowhere").toString()),
        List.of("--config", badConfig.toString()),
        List.of("--backend", "tpu"),
        List.of("--backend", "cuda"),
        List.of("--micro-batch", "9"),
        List.of("--method", "ga", "--adaptive-lr-every", "1"),
        List.of("--method", "ngdiff", "--adaptive-lr-loss", "sideways"),
        List.of("--method", "ngdiff", "--adaptive-lr-every", "-2"),
        List.of("--method", "npo", "--swap-levels"),
        List.of("--method", "npo", "--retain-loss", "mse"),
        List.of("--method", "rmu", "--retain-loss", "kl"),
        List.of("--method", "npo", "--idk", empty.toString()),
        List.of("--method", "idknll", "--idk", dir.resolve("missing.txt").toString()),
        List.of("--method", "blur-sparkle"));
    for (List<String> bad : cases) {
      CommandRunner.Result r = train(out, bad.toArray(String[]::new));
      assertEquals(2, r.exit(), bad + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), bad + ": " + r.err());
      assertFalse(r.err().contains("Exception"), bad + ": " + r.err());
      assertFalse(Files.exists(out), bad + " left " + out);
    }
  }

  @Test
  void helpListsEveryMethodAndMarksOurExtension() {
    CommandRunner.Result help = CommandRunner.run("train", "--help");
    assertEquals(0, help.exit());
    String text = help.out().replaceAll("\\s+", " ");
    for (org.blurnative.train.Method m : org.blurnative.train.Method.all()) {
      assertTrue(text.contains(m.label() + ",") || text.endsWith(m.label()) || text.contains(m.label() + " "),
          m.label() + " in " + help.out());
    }
    assertTrue(text.contains("siblur (ours"), help.out());
    for (String option : List.of("--cagrad-c=", "--wga-beta=", "--undial-strength=", "--satimp-beta1=", "--idk=")) {
      assertTrue(help.out().contains(option), option + " in " + help.out());
    }
  }

  @Test
  void anExistingRunIsNeverOverwritten(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    Files.createDirectories(out);
    Files.writeString(out.resolve("precious.txt"), "mine");
    CommandRunner.Result r = train(out);
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("already exists"), r.err());
    assertEquals("mine", Files.readString(out.resolve("precious.txt"), StandardCharsets.UTF_8));
  }

  @Test
  void resumeContinuesARun(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    assertEquals(0, train(out).exit());
    CommandRunner.Result more = train(out, "--resume", "--max-steps", "5");
    assertEquals(0, more.exit(), more.err());
    assertEquals(5, Files.readAllLines(out.resolve("metrics.jsonl")).size());
    assertEquals(5, new ObjectMapper().readTree(out.resolve("run.json").toFile()).path("settings").path("steps").asInt());
  }

  @Test
  void resumeRefusesOtherOptionsAndDamagedCheckpointsInOneLine(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    assertEquals(0, train(out, "--checkpoint-every", "1").exit());
    byte[] runJson = Files.readAllBytes(out.resolve("run.json"));

    CommandRunner.Result other = train(out, "--resume", "--method", "npo");
    assertEquals(2, other.exit(), other.err());
    assertEquals(1, other.err().strip().lines().count(), other.err());
    assertTrue(other.err().contains("task: was \"train blur-npo\", now \"train npo\""), other.err());
    assertArrayEquals(runJson, Files.readAllBytes(out.resolve("run.json")), "run.json kept");

    CommandRunner.Result finetune = CommandRunner.run("finetune", "--model", model.toString(), "--data",
        forget.toString(), "--out", out.toString(), "--resume", "--max-steps", "3", "--batch", "4",
        "--micro-batch", "2", "--lr", "1e-3", "--max-length", "64");
    assertEquals(2, finetune.exit(), finetune.err());
    assertEquals(1, finetune.err().strip().lines().count(), finetune.err());

    Path optimizer = out.resolve("checkpoints/step-00000003/optimizer-00000-of-00001.pt");
    byte[] stored = Files.readAllBytes(optimizer);
    Files.write(optimizer, new byte[stored.length]);  // as long as the manifest says, but zeros
    CommandRunner.Result damaged = train(out, "--resume", "--max-steps", "4");
    assertEquals(2, damaged.exit(), damaged.err());
    assertEquals(1, damaged.err().strip().lines().count(), damaged.err());
    assertTrue(damaged.err().contains("cannot read " + optimizer), damaged.err());

    Files.write(optimizer, Arrays.copyOf(stored, stored.length / 2));
    CommandRunner.Result cut = train(out, "--resume", "--max-steps", "4");
    assertEquals(2, cut.exit(), cut.err());
    assertEquals("blur-native train: --resume: checkpoint " + optimizer.getParent() + " is incomplete: "
        + optimizer.getFileName() + " is missing or cut short", cut.err().strip(), cut.err());
    assertArrayEquals(runJson, Files.readAllBytes(out.resolve("run.json")), "run.json kept");
  }

  @Test
  void aSaveKilledMidwayIsClearedByTheNextSave(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    assertEquals(0, train(out).exit());
    Path stale = Files.createDirectories(out.resolve("checkpoints/.step-00000002.123456"));
    Files.writeString(stale.resolve("theta.safetensors.tmp"), "half");
    assertEquals(0, train(out, "--resume", "--max-steps", "4").exit());
    assertFalse(Files.exists(stale));
    assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(out.resolve("run.json"))));
    assertEquals("rwxr-xr-x", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(out.resolve("model"))));
  }
}
