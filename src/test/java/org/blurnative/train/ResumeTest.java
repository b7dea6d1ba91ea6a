package org.blurnative.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.blurnative.kernel.Backend;
import org.blurnative.loss.NllLoss;
import org.blurnative.loss.NpoLoss;
import org.blurnative.model.FlatParameters;
import org.blurnative.model.HostArrays;
import org.blurnative.model.LlamaModel;
import org.blurnative.update.BlurRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run killed after step k and resumed ends with exactly the parameters of an unbroken run. */
class ResumeTest {
  static final long STEPS = 7;

  static float[] train(Path run, boolean resume, Consumer<StepMetrics> onStep) throws Exception {
    return train(run, resume, 2, from -> {}, onStep);
  }

  static float[] train(Path run, boolean resume, int checkpointEvery, LongConsumer onStart,
      Consumer<StepMetrics> onStep) throws Exception {
    try (LlamaModel model = TinyRun.model(32, 2, 3)) {
      Trainer trainer = new Trainer(model, Backend.CPU.open(0),
          new Objective("forget", new NpoLoss(0.1), TinyRun.examples(TinyRun.records(0, 6))),
          new Objective("retain", new NllLoss(), TinyRun.examples(TinyRun.records(40, 10))),
          new BlurRule(1.0), TinyRun.settings(4, 2, STEPS, 1e-3, checkpointEvery), TinyRun.TOKENIZER.padId(), run);
      trainer.run(resume, onStart, onStep);
      return HostArrays.toFloats(FlatParameters.adopt(model).theta());
    }
  }

  static final class Killed extends RuntimeException {}

  @Test
  void killedAndResumedEqualsUninterrupted(@TempDir Path dir) throws Exception {
    float[] uninterrupted = train(dir.resolve("a"), false, m -> {});

    Path run = dir.resolve("b");
    assertThrows(Killed.class, () -> train(run, false, m -> {
      if (m.step() == 5) {
        throw new Killed();  // after step 5, whose checkpoint (every 2) is not due: 4 is the latest
      }
    }));
    float[] resumed = train(run, true, m -> {});
    assertArrayEquals(uninterrupted, resumed);

    // metrics.jsonl reads as one run: steps 1..7 once each, step 5 logged by the resumed run only
    List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"), StandardCharsets.UTF_8);
    assertEquals(STEPS, lines.size());
    for (int i = 0; i < lines.size(); i++) {
      assertEquals(true, lines.get(i).startsWith("{\"step\":" + (i + 1) + ","), lines.get(i));
    }
    assertEquals(List.of("step-00000006", "step-00000007"),
        Files.list(run.resolve("checkpoints")).map(p -> p.getFileName().toString()).sorted().toList());
  }

  /** Killed before its first checkpoint (only the end is checkpointed here): resume starts over. */
  @Test
  void killedBeforeTheFirstCheckpointResumesFromStepZero(@TempDir Path dir) throws Exception {
    float[] uninterrupted = train(dir.resolve("a"), false, 0, from -> {}, m -> {});
    Path run = dir.resolve("b");
    assertThrows(Killed.class, () -> train(run, false, 0, from -> {}, m -> {
      if (m.step() == 3) {
        throw new Killed();
      }
    }));
    assertEquals(3, Files.readAllLines(run.resolve("metrics.jsonl")).size());
    long[] startedAt = {-1};
    float[] resumed = train(run, true, 0, from -> startedAt[0] = from, m -> {});
    assertEquals(0, startedAt[0]);
    assertArrayEquals(uninterrupted, resumed);
    List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"), StandardCharsets.UTF_8);
    assertEquals(STEPS, lines.size(), "the killed run's three rows were replaced, not repeated");
  }
}
