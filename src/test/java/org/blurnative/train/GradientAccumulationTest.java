package org.blurnative.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import org.blurnative.kernel.Backend;
import org.blurnative.loss.NllLoss;
import org.blurnative.loss.NpoLoss;
import org.blurnative.model.FlatParameters;
import org.blurnative.model.HostArrays;
import org.blurnative.model.LlamaModel;
import org.blurnative.update.BlurRule;
import org.junit.jupiter.api.Test;

/**
 * Four micro-batches of 2 give the same step as one batch of 8: the projection is computed once
 * per optimizer step on the accumulated gradients (the reference code projects per micro-batch).
 */
class GradientAccumulationTest {

  record Outcome(StepMetrics metrics, double[] theta) {}

  static Outcome oneStep(int microBatches) throws Exception {
    try (LlamaModel model = TinyRun.model(32, 2, 5)) {
      Trainer trainer = new Trainer(model, Backend.CPU.open(0),
          new Objective("forget", new NpoLoss(0.1), TinyRun.examples(TinyRun.records(0, 8))),
          new Objective("retain", new NllLoss(), TinyRun.examples(TinyRun.records(50, 8))),
          new BlurRule(1.0), TinyRun.settings(8, microBatches, 1, 1e-3, 0),
          TinyRun.TOKENIZER.padId(), Files.createTempDirectory("accumulation"));
      List<StepMetrics> metrics = trainer.run(false, m -> {});
      return new Outcome(metrics.get(0), HostArrays.toDoubles(FlatParameters.adopt(model).theta()));
    }
  }

  @Test
  void fourMicroBatchesOfTwoEqualOneBatchOfEight() throws Exception {
    Outcome whole = oneStep(1);
    Outcome split = oneStep(4);
    StepMetrics a = whole.metrics(), b = split.metrics();
    double scale = Math.sqrt(a.ff() * a.rr());
    assertEquals(a.ff(), b.ff(), 1e-5 * a.ff());
    assertEquals(a.rr(), b.rr(), 1e-5 * a.rr());
    assertEquals(a.d(), b.d(), 1e-5 * scale);
    assertEquals(a.cf(), b.cf(), 1e-4 * Math.max(1, Math.abs(a.cf())));
    assertEquals(a.forgetLoss(), b.forgetLoss(), 1e-5 * Math.abs(a.forgetLoss()));
    assertEquals(a.retainLoss(), b.retainLoss(), 1e-5 * Math.abs(a.retainLoss()));
    double maxDiff = 0, maxAbs = 0;
    for (int i = 0; i < whole.theta().length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(whole.theta()[i] - split.theta()[i]));
      maxAbs = Math.max(maxAbs, Math.abs(whole.theta()[i]));
    }
    assertTrue(maxDiff <= 1e-6 * maxAbs, "θ differs by " + maxDiff);
  }
}
