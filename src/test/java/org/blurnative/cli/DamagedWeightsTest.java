package org.blurnative.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.blurnative.model.LlamaModel;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model whose weights hold NaN or infinity is refused when it loads, before anything is written
 * (issue 14, item 11): it used to train with every step skipped, write a NaN model and then fail
 * on plotting.
 */
class DamagedWeightsTest {
  @TempDir static Path shared;
  static Path damaged;

  @BeforeAll
  static void aModelWithNonFiniteWeights() throws Exception {
    Path model = TinyModel.write(shared);
    damaged = shared.resolve("damaged");
    try (LlamaModel m = LlamaModel.load(model); NoGradGuard noGrad = new NoGradGuard()) {
      m.parameters().get("model.layers.0.self_attn.q_proj.weight").fill_(new Scalar(Double.NaN));
      m.parameters().get("model.layers.1.mlp.up_proj.weight").fill_(new Scalar(Double.POSITIVE_INFINITY));
      m.save(damaged);
    }
  }

  @Test
  void trainFinetuneAndEvalRefuseItInOneLine(@TempDir Path dir) throws Exception {
    String forget = shared.resolve("forget.jsonl").toString();
    Path choices = dir.resolve("wmdp-bio.jsonl");
    Files.writeString(choices, "{\"question\": \"Which?\", \"choices\": [\"a\", \"b\"], \"answer\": 0}\n");
    Path out = dir.resolve("never");
    List<CommandRunner.Result> runs = List.of(
        CommandRunner.run("train", "--model", damaged.toString(), "--forget", forget,
            "--retain", shared.resolve("retain.jsonl").toString(), "--out", out.toString(), "--max-steps", "1"),
        CommandRunner.run("finetune", "--model", damaged.toString(), "--data", forget, "--out", out.toString(),
            "--max-steps", "1"),
        CommandRunner.run("eval", "--model", damaged.toString(), "--benchmark", "wmdp", "--data", choices.toString(),
            "--out", out.toString()));
    List<String> commands = List.of("train", "finetune", "eval");
    for (int i = 0; i < runs.size(); i++) {
      CommandRunner.Result r = runs.get(i);
      assertEquals(2, r.exit(), r.err());
      assertEquals(List.of("blur-native " + commands.get(i) + ": --model " + damaged + ": 2 of " + tensorCount() + " weight tensors hold NaN or infinite values, the first"
          + " model.layers.0.self_attn.q_proj.weight; the model cannot be trained or evaluated"),
          r.err().lines().toList());
      assertFalse(Files.exists(out), "left " + out);
    }
  }

  private static int tensorCount() throws Exception {
    try (LlamaModel m = LlamaModel.load(damaged)) {
      return m.parameters().size();
    }
  }
}
