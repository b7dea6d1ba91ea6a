package org.blurnative.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.blurnative.data.mini.MiniBenchmark;

/**
 * Models the command tests finetune from scratch before they unlearn or evaluate, so that `train`
 * and `eval` start from a model that has learned its data ({@link TinyModel} is for tests that
 * need a model, not a trained one).
 */
final class FinetunedModels {
  private FinetunedModels() {}

  /** A target model under dir/target and the QA sets it learned: forget items 0…, retain items 10…. */
  record Target(Path model, Path forget, Path retain) {}

  /** Hidden 32, 2 layers, 4 steps on 6 forget and 12 retain records: the train and distributed tests' model. */
  static Target tiny(Path dir) throws IOException {
    return target(dir, 6, 12, "--hidden", "32", "--layers", "2", "--max-steps", "4", "--batch", "6",
        "--micro-batch", "2", "--lr", "1e-3", "--max-length", "64");
  }

  /** `finetune --from-scratch` with {@code flags} on forget.jsonl and retain.jsonl, written under {@code dir}. */
  static Target target(Path dir, int forgetRecords, int retainRecords, String... flags) throws IOException {
    Path forget = dir.resolve("forget.jsonl");
    Path retain = dir.resolve("retain.jsonl");
    Files.writeString(forget, TrainCommandTest.qa(0, forgetRecords));
    Files.writeString(retain, TrainCommandTest.qa(10, retainRecords));
    List<String> args = new ArrayList<>(List.of("finetune", "--from-scratch", "--data", forget + "," + retain,
        "--out", dir.resolve("target").toString()));
    args.addAll(List.of(flags));
    CommandRunner.Result r = CommandRunner.run(args.toArray(String[]::new));
    assertEquals(0, r.exit(), r.err());
    return new Target(dir.resolve("target/model"), forget, retain);
  }

  /** The bundled mini benchmark, extracted under dir/mini, and a model finetuned for 3 steps on its forget10 set. */
  record OnMini(MiniBenchmark mini, Path model) {}

  static OnMini onMiniBenchmark(Path dir) {
    MiniBenchmark mini = MiniBenchmark.extract(dir.resolve("mini"));
    CommandRunner.Result r = CommandRunner.run("finetune", "--from-scratch", "--hidden", "32",
        "--layers", "1", "--data", mini.forget10().toString(), "--out", dir.resolve("run").toString(),
        "--max-steps", "3", "--batch", "8", "--micro-batch", "1", "--lr", "1e-3", "--max-length", "192");
    assertEquals(0, r.exit(), r.err());
    return new OnMini(mini, dir.resolve("run/model"));
  }
}
