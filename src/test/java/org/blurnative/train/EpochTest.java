package org.blurnative.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.blurnative.kernel.Backend;
import org.blurnative.loss.Loss;
import org.blurnative.loss.LossInputs;
import org.blurnative.loss.NllLoss;
import org.blurnative.loss.NpoLoss;
import org.blurnative.model.LlamaModel;
import org.blurnative.update.BlurRule;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An epoch is one pass over the forget set: 20 examples at batch 8 are batches of 8, 8 and 4. */
class EpochTest {

  /** A loss that remembers how many sequences each call saw. */
  static final class CountingLoss implements Loss {
    final Loss inner;
    final List<Long> rows = new ArrayList<>();

    CountingLoss(Loss inner) {
      this.inner = inner;
    }

    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public Set<Need> needs() {
      return inner.needs();
    }

    @Override
    public Tensor value(LossInputs in) {
      rows.add(in.logits().size(0));
      return inner.value(in);
    }
  }

  @Test
  void tenEpochsOfTwentyAtBatchEightAreTenPasses(@TempDir Path run) throws Exception {
    CountingLoss forget = new CountingLoss(new NpoLoss(0.1));
    CountingLoss retain = new CountingLoss(new NllLoss());
    int epochs = 10;
    long steps = epochs * 3L;  // what `train --epochs 10` asks for: ceil(20 / 8) batches an epoch
    List<StepMetrics> seen = new ArrayList<>();
    try (LlamaModel model = TinyRun.model(32, 1, 4)) {
      new Trainer(model, Backend.CPU.open(0),
          new Objective("forget", forget, TinyRun.examples(TinyRun.records(0, 20))),
          new Objective("retain", retain, TinyRun.examples(TinyRun.records(40, 30))),
          new BlurRule(1.0), TinyRun.settings(8, 1, steps, 1e-4, 0), TinyRun.TOKENIZER.padId(), run)
          .run(false, seen::add);
    }
    List<Long> perEpoch = List.of(8L, 8L, 4L);
    List<Long> expected = new ArrayList<>();
    for (int e = 0; e < epochs; e++) {
      expected.addAll(perEpoch);
    }
    assertEquals(expected, forget.rows, "every epoch is one pass: 20 sequences, the last batch short");
    assertEquals(expected, retain.rows, "the retain batch is as large as the forget batch beside it");
    for (StepMetrics m : seen) {
      assertEquals((m.step() - 1) / 3, m.epoch(), "step " + m.step());
    }
  }
}
