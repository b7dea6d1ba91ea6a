package org.blurnative.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --max-length never exceeds the model's context, defaults to what fits it, and what it cuts is
 * said once per set rather than per batch (issue 14, item 10).
 */
class MaxLengthTest {
  @TempDir static Path shared;
  static Path model;

  @BeforeAll
  static void tinyModel() throws Exception {
    model = TinyModel.write(shared);
  }

  @Test
  void theDefaultFitsTheModelsContext(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    CommandRunner.Result r = TinyModel.train(shared, out, "--max-steps", "1");
    assertEquals(0, r.exit(), r.err());
    int used = new ObjectMapper().readTree(out.resolve("run.json").toFile()).path("settings").path("maxLength").asInt();
    assertEquals(TinyModel.CONTEXT, used, "min(256, max_position_embeddings)");
  }

  @Test
  void aLengthBeyondTheContextIsRefusedByEveryCommand(@TempDir Path dir) throws Exception {
    Path choices = dir.resolve("wmdp-bio.jsonl");
    Files.writeString(choices, "{\"question\": \"Which?\", \"choices\": [\"a\", \"b\"], \"answer\": 0}\n");
    Path out = dir.resolve("never");
    List<CommandRunner.Result> runs = List.of(
        TinyModel.train(shared, out, "--max-length", "65"),
        CommandRunner.run("finetune", "--model", model.toString(), "--data", shared.resolve("forget.jsonl").toString(),
            "--out", out.toString(), "--max-steps", "1", "--max-length", "256"),
        CommandRunner.run("eval", "--model", model.toString(), "--benchmark", "wmdp", "--data", choices.toString(),
            "--out", out.toString(), "--max-length", "100"));
    for (CommandRunner.Result r : runs) {
      assertEquals(2, r.exit(), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().contains("is longer than the context of --model " + model + ": 64 tokens"), r.err());
      assertFalse(Files.exists(out), "left " + out);
    }
  }

  @Test
  void whatTheLengthCutsIsSaidOncePerSet(@TempDir Path dir) throws Exception {
    // 6 forget prompts of about 80 ids each; the retain sets 45 fit: the prompt is cut, the short answer kept
    StringBuilder longQuestions = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      longQuestions.append("{\"question\": \"").append("Why ".repeat(15)).append(i)
          .append("?\", \"answer\": \"thing ").append(i).append("\"}\n");
    }
    Path forget = dir.resolve("long.jsonl");
    Files.writeString(forget, longQuestions.toString());
    CommandRunner.Result r = TinyModel.train(shared, forget, dir.resolve("run"), "--max-length", "50", "--max-steps", "3");
    assertEquals(0, r.exit(), r.err());
    List<String> warnings = r.err().lines().filter(l -> l.startsWith("warning:")).toList();
    assertEquals(List.of("warning: 6 of 6 --forget examples exceed --max-length 50: 6 prompts cut from the left"),
        warnings, r.err());

    // an answer that alone does not fit is cut too, and counted
    CommandRunner.Result tight = TinyModel.train(shared, forget, dir.resolve("tight"), "--max-length", "4", "--max-steps", "1");
    assertEquals(0, tight.exit(), tight.err());
    assertTrue(tight.err().contains("warning: 6 of 6 --forget examples exceed --max-length 4:"
        + " 6 prompts cut from the left, 6 answers cut\n"), tight.err());
    assertTrue(tight.err().contains("warning: 6 of 6 --retain examples exceed --max-length 4:"), tight.err());
  }
}
