package org.blurnative.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.blurnative.kernel.Backend;
import org.blurnative.loss.Loss;
import org.blurnative.loss.LossInputs;
import org.blurnative.loss.NllLoss;
import org.blurnative.loss.NpoLoss;
import org.blurnative.model.HostArrays;
import org.blurnative.model.LlamaModel;
import org.blurnative.update.BlurRule;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Non-finite gradients skip the step, change nothing, and stop the run after --max-skips. */
class NonFiniteStepsTest {

  @Test
  void poisonedGradientsAreSkippedThenTheRunStops(@TempDir Path run) throws Exception {
    try (LlamaModel model = TinyRun.model(32, 2, 9)) {
      Tensor norm = model.parameters().get("model.norm.weight");
      try (NoGradGuard g = new NoGradGuard()) {
        norm.fill_(new org.bytedeco.pytorch.Scalar(Float.NaN));  // every logit, so every gradient, is NaN
      }
      Tensor watched = model.parameters().get("model.layers.0.mlp.down_proj.weight");
      float[] before = HostArrays.toFloats(watched);
      Trainer trainer = new Trainer(model, Backend.CPU.open(0),
          new Objective("forget", new NpoLoss(0.1), TinyRun.examples(TinyRun.records(0, 4))),
          new Objective("retain", new NllLoss(), TinyRun.examples(TinyRun.records(10, 4))),
          new BlurRule(1.0), TinyRun.settings(4, 1, 10, 1e-3, 0), TinyRun.TOKENIZER.padId(), run);
      List<StepMetrics> seen = new ArrayList<>();
      TrainingAbortedException e = assertThrows(TrainingAbortedException.class, () -> trainer.run(false, seen::add));
      // TinyRun.settings allows 3 skips in a row: the 4th non-finite step stops the run
      assertEquals("step 4: non-finite gradients or losses in 4 steps in a row (more than --max-skips 3);"
          + " --resume continues from step 0 (checkpoints are only written from sound states);"
          + " lower --lr when resuming, or check the data", e.getMessage());
      assertEquals(3, seen.size());
      assertTrue(seen.stream().allMatch(StepMetrics::skipped));
      assertArrayEquals(before, HostArrays.toFloats(watched), "a skipped step must not touch θ");
    }
  }

  /** A loss that overflows while its gradient stays finite (zero): RMU with a huge steering c did this. */
  static final class OverflowingLoss implements Loss {
    @Override
    public String name() {
      return "overflowing";
    }

    @Override
    public Set<Need> needs() {
      return Set.of(Need.LOGITS);
    }

    @Override
    public Tensor value(LossInputs in) {
      return in.logits().sum().mul(new Scalar(0.0)).add(new Scalar(Double.POSITIVE_INFINITY));
    }
  }

  @Test
  void anInfiniteLossWithFiniteGradientsIsSkippedToo(@TempDir Path run) throws Exception {
    try (LlamaModel model = TinyRun.model(32, 2, 9)) {
      Tensor watched = model.parameters().get("model.layers.0.mlp.down_proj.weight");
      float[] before = HostArrays.toFloats(watched);
      Trainer trainer = new Trainer(model, Backend.CPU.open(0),
          new Objective("forget", new OverflowingLoss(), TinyRun.examples(TinyRun.records(0, 4))),
          new Objective("retain", new NllLoss(), TinyRun.examples(TinyRun.records(10, 4))),
          new BlurRule(1.0), TinyRun.settings(4, 1, 10, 1e-3, 0), TinyRun.TOKENIZER.padId(), run);
      List<StepMetrics> seen = new ArrayList<>();
      assertThrows(TrainingAbortedException.class, () -> trainer.run(false, seen::add));
      assertTrue(seen.stream().allMatch(StepMetrics::skipped));
      assertArrayEquals(before, HostArrays.toFloats(watched));
    }
  }

  /** A forget loss that overflows from its {@code after}-th call on, as a diverging run's does. */
  static final class DivergingLoss implements Loss {
    private final Loss inner = new NpoLoss(0.1);
    private final int after;
    private int calls;

    DivergingLoss(int after) {
      this.after = after;
    }

    @Override
    public String name() {
      return "diverging";
    }

    @Override
    public Set<Need> needs() {
      return inner.needs();
    }

    @Override
    public Tensor value(LossInputs in) {
      Tensor v = inner.value(in);
      return ++calls < after ? v : v.mul(new Scalar(0.0)).add(new Scalar(Double.POSITIVE_INFINITY));
    }
  }

  /**
   * Steps 1–3 are sound, then every step overflows. θ after step 3 is the state whose step went
   * wrong, so the newest checkpoint must be step 2's, though one was due after every step and
   * --keep 2 would have rotated the sound ones away.
   */
  @Test
  void aDivergingRunKeepsItsSoundCheckpoints(@TempDir Path run) throws Exception {
    try (LlamaModel model = TinyRun.model(32, 2, 9)) {
      Trainer trainer = new Trainer(model, Backend.CPU.open(0),
          new Objective("forget", new DivergingLoss(4), TinyRun.examples(TinyRun.records(0, 4))),
          new Objective("retain", new NllLoss(), TinyRun.examples(TinyRun.records(10, 4))),
          new BlurRule(1.0), TinyRun.settings(4, 1, 20, 1e-3, 1), TinyRun.TOKENIZER.padId(), run);
      TrainingAbortedException e = assertThrows(TrainingAbortedException.class, () -> trainer.run(false, m -> {}));
      assertTrue(e.getMessage().contains("--resume continues from its newest checkpoint, step-00000002"), e.getMessage());
      assertEquals(List.of("step-00000001", "step-00000002"),
          Files.list(run.resolve("checkpoints")).map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  /** γ = 3e38 overflows AdamW's update: the run's end must not be checkpointed with that θ. */
  @Test
  void aNonFiniteThetaIsNeverCheckpointed(@TempDir Path run) throws Exception {
    try (LlamaModel model = TinyRun.model(32, 2, 9)) {
      Trainer trainer = new Trainer(model, Backend.CPU.open(0),
          new Objective("forget", new NpoLoss(0.1), TinyRun.examples(TinyRun.records(0, 4))),
          new Objective("retain", new NllLoss(), TinyRun.examples(TinyRun.records(10, 4))),
          new BlurRule(3e38), TinyRun.settings(4, 1, 1, 1e-3, 1), TinyRun.TOKENIZER.padId(), run);
      TrainingAbortedException e = assertThrows(TrainingAbortedException.class, () -> trainer.run(false, m -> {}));
      assertTrue(e.getMessage().startsWith("step 1: the parameters hold non-finite values, so they are not checkpointed"),
          e.getMessage());
      assertFalse(Files.exists(run.resolve("checkpoints")), "nothing checkpointed");
    }
  }
}
