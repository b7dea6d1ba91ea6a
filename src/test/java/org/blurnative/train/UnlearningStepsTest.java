package org.blurnative.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.blurnative.kernel.Backend;
import org.blurnative.loss.NllLoss;
import org.blurnative.loss.NpoLoss;
import org.blurnative.model.LlamaModel;
import org.blurnative.update.BlurRule;
import org.blurnative.update.UpdateRule;
import org.blurnative.update.WeightedSumRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real unlearning steps on a tiny model: what metrics.jsonl records, step by step. */
class UnlearningStepsTest {

  static List<StepMetrics> unlearn(UpdateRule rule, long steps, Path run) throws Exception {
    try (LlamaModel model = TinyRun.model(32, 2, 11)) {
      Trainer trainer = new Trainer(model, Backend.CPU.open(0),
          new Objective("forget", new NpoLoss(0.1), TinyRun.examples(TinyRun.records(0, 8))),
          new Objective("retain", new NllLoss(), TinyRun.examples(TinyRun.records(100, 24))),
          rule, TinyRun.settings(4, 2, steps, 1e-3, 0), TinyRun.TOKENIZER.padId(), run);
      return trainer.run(false, m -> {});
    }
  }

  /** Lemma A.1(a) in real training: every BLUR step has A_f = ⟨g_f,u⟩/F = γ. */
  @Test
  void everyBlurStepHasForgetAlignmentGamma(@TempDir Path run) throws Exception {
    double gamma = 0.8;
    List<StepMetrics> metrics = unlearn(new BlurRule(gamma), 12, run);
    assertEquals(12, metrics.size());
    for (StepMetrics m : metrics) {
      assertFalse(m.skipped());
      assertNotNull(m.forgetAlignment(), "step " + m.step());
      assertEquals(gamma, m.forgetAlignment(), 1e-6, "step " + m.step());
      assertEquals(gamma - m.d() / m.ff(), m.cf(), 1e-12);
    }
  }

  /**
   * Weighted-sum NPO (the baseline) over 50 steps: A_f = 1 + λ·d/F follows the raw gradient
   * conflict, and cos(g_f, g_r) is logged every step. The signs seen are recorded in the output.
   */
  @Test
  void weightedSumNpoLogsTheConflict(@TempDir Path run) throws Exception {
    double lambda = 1.0;
    List<StepMetrics> metrics = unlearn(new WeightedSumRule(lambda), 50, run);
    long negative = metrics.stream().filter(m -> m.cos() < 0).count();
    long positive = metrics.stream().filter(m -> m.cos() > 0).count();
    System.out.printf("weighted-sum NPO, 50 steps: cos < 0 in %d, cos > 0 in %d%n", negative, positive);
    assertEquals(50, negative + positive);
    for (StepMetrics m : metrics) {
      assertEquals(1 + lambda * m.d() / m.ff(), m.forgetAlignment(), 1e-9, "step " + m.step());
      assertEquals(m.d() / Math.sqrt(m.ff() * m.rr()), m.cos(), 1e-12);
    }
  }
}
