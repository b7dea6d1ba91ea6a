package org.blurnative.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.blurnative.model.LlamaModel;
import org.blurnative.model.SmallModels;
import org.blurnative.tokenizer.ByteTokenizer;

/**
 * The tiny byte-level model of {@link TrainCommandTest} (hidden 32, 2 layers, a 64-token context)
 * with random weights, for tests of what commands accept: they need a model, not a trained one.
 */
final class TinyModel {
  static final int CONTEXT = 64;

  private TinyModel() {}

  /** Writes the model under {@code dir} (and its forget and retain sets beside it); its directory. */
  static Path write(Path dir) throws IOException {
    Path tokenizer = Files.createDirectories(dir.resolve("tokenizer"));
    new ByteTokenizer().save(tokenizer);
    Path model = dir.resolve("model");
    try (LlamaModel m = LlamaModel.random(SmallModels.byteLevel(32, 2, 4, CONTEXT), 7)) {
      m.useTokenizerFrom(tokenizer);
      m.save(model);
    }
    Files.writeString(dir.resolve("forget.jsonl"), TrainCommandTest.qa(0, 6));
    Files.writeString(dir.resolve("retain.jsonl"), TrainCommandTest.qa(10, 6));
    return model;
  }

  /**
   * `train` on the model and sets {@link #write} put in {@code dir}, for 2 quick steps, plus {@code
   * extra}; without progress lines, so that what stderr holds is the run's messages alone.
   */
  static CommandRunner.Result train(Path dir, Path out, String... extra) {
    return train(dir, dir.resolve("forget.jsonl"), out, extra);
  }

  /** The same with another forget set (list options add up, so it cannot be one more --forget). */
  static CommandRunner.Result train(Path dir, Path forget, Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("train", "--model", dir.resolve("model").toString(),
        "--forget", forget.toString(), "--retain", dir.resolve("retain.jsonl").toString(),
        "--out", out.toString(), "--max-steps", "2", "--batch", "2", "--micro-batch", "1", "--lr", "1e-3",
        "--progress", "off"));
    args.addAll(List.of(extra));
    return CommandRunner.run(args.toArray(String[]::new));
  }
}
