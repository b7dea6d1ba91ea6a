package org.blurnative.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.Collectors;
import java.util.Map;
import org.blurnative.train.StepMetrics;
import org.blurnative.train.StepTimes;
import org.junit.jupiter.api.Test;

/** Phase medians and shares worked out by hand; thread splits as the flag reads them. */
class StepPhasesTest {

  static StepMetrics step(long step, double seconds, StepTimes times, boolean skipped) {
    return new StepMetrics(step, 0, 1.0, 1.0, null, null, null, null, null, null, null, null, null, null, 1e-5, null,
        null, seconds, times, skipped);
  }

  static Map<String, StepPhases.Phase> byName(StepPhases p) {
    return p.phases().stream().collect(Collectors.toMap(StepPhases.Phase::name, x -> x));
  }

  /**
   * Three steps (seconds: forget, retain, exchange, reduce, update; step):
   * (0.4, 0.3, 0, 0.01, 0.02; 0.8), (0.5, 0.2, 0, 0.02, 0.03; 0.9), (0.6, 0.4, 0, 0.03, 0.04; 1.3).
   * Medians: forget 0.5, retain 0.3, reduce 0.02, update 0.03, step 0.9; "other" per step 0.07,
   * 0.15, 0.23, median 0.15. Shares over the 3.0 s of all steps: forget 1.5/3 = 50 %, retain 0.9/3 =
   * 30 %, reduce 0.06/3 = 2 %, update 0.09/3 = 3 %, other 0.45/3 = 15 %, which add up to 100 %.
   */
  @Test
  void mediansAndSharesOfThreeSteps() {
    StepPhases p = StepPhases.of(List.of(
        step(1, 0.8, new StepTimes(0.4, 0.3, 0, 0.01, 0.02), false),
        step(2, 0.9, new StepTimes(0.5, 0.2, 0, 0.02, 0.03), false),
        step(3, 1.3, new StepTimes(0.6, 0.4, 0, 0.03, 0.04), false)));
    Map<String, StepPhases.Phase> b = byName(p);
    assertEquals(List.of("forget fwd+bwd", "retain fwd+bwd", "exchange", "reduce", "update", "other", "step"),
        p.phases().stream().map(StepPhases.Phase::name).toList());
    assertEquals(0.5, b.get("forget fwd+bwd").medianSeconds(), 1e-12);
    assertEquals(0.3, b.get("retain fwd+bwd").medianSeconds(), 1e-12);
    assertEquals(0.02, b.get("reduce").medianSeconds(), 1e-12);
    assertEquals(0.03, b.get("update").medianSeconds(), 1e-12);
    assertEquals(0.15, b.get("other").medianSeconds(), 1e-12);
    assertEquals(0.9, p.stepMedianSeconds(), 1e-12);
    assertEquals(0.50, b.get("forget fwd+bwd").share(), 1e-12);
    assertEquals(0.30, b.get("retain fwd+bwd").share(), 1e-12);
    assertEquals(0.00, b.get("exchange").share(), 1e-12);
    assertEquals(0.02, b.get("reduce").share(), 1e-12);
    assertEquals(0.03, b.get("update").share(), 1e-12);
    assertEquals(0.15, b.get("other").share(), 1e-12);
    assertEquals(1.0, b.get("step").share(), 1e-12);
    assertEquals(3, p.steps());
    assertEquals(0, p.skipped());
  }

  /** Two steps: the median is their mean; a skipped step (no update) is counted, not averaged in; no retain row without a retain objective. */
  @Test
  void skippedStepsAreLeftOutAndEvenCountsAverageTheMiddle() {
    StepPhases p = StepPhases.of(List.of(
        step(1, 0.2, new StepTimes(0.1, null, 0, 0.01, 0.05), false),
        step(2, 9.0, new StepTimes(8.0, null, 0, 0.01, null), true),
        step(3, 0.4, new StepTimes(0.3, null, 0, 0.03, 0.03), false)));
    Map<String, StepPhases.Phase> b = byName(p);
    assertEquals(false, b.containsKey("retain fwd+bwd"));
    assertEquals(0.2, b.get("forget fwd+bwd").medianSeconds(), 1e-12);  // (0.1 + 0.3) / 2
    assertEquals(0.3, p.stepMedianSeconds(), 1e-12);                    // (0.2 + 0.4) / 2
    assertEquals(0.4 / 0.6, b.get("forget fwd+bwd").share(), 1e-12);
    assertEquals(3, p.steps());
    assertEquals(1, p.skipped());
  }

  @Test
  void threadSplitsParseAndRefuseByFlag() {
    assertEquals(List.of(new ThreadSplit(2, 2), new ThreadSplit(1, 2), new ThreadSplit(2, 1)),
        ThreadSplit.parse("--thread-split", "2:2, 1:2,2:1"));
    assertEquals(new ThreadSplit(4, 1), ThreadSplit.training(4));
    for (String bad : List.of("2-1", "2:", ":1", "0:1", "1:2000", "a:b", "2:1,2:1", "2:1,", "")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ThreadSplit.parse("--thread-split", bad), bad);
      assertEquals(true, e.getMessage().startsWith("--thread-split"), e.getMessage());
    }
  }
}
