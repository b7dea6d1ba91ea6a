package org.blurnative.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.blurnative.eval.MuseEvaluator.Generation;
import org.junit.jupiter.api.Test;

/** MUSE's aggregates on a hand-computed three-sample case. */
class MuseReportTest {
  static final List<Generation> HALF = List.of(new Generation("p", "r", "o", 0.5),
      new Generation("p", "r", "o", 1.0), new Generation("p", "r", "o", 0.0));

  static MuseReport report(OptionalDouble retrainAuc) {
    // Pr(forget > holdout) + ½·Pr(tie) over the 6 pairs of {1, 2, 3} × {2, 4}: (2,2) ties, (3,2) wins
    return new MuseReport("m", HALF, List.of(new Generation("p", "r", "o", 0.25)), HALF,
        new double[] {1, 2, 3}, new double[] {2, 4}, retrainAuc);
  }

  @Test
  void meansAreRougeF1TimesAHundredAndPrivLeakIsRelativeToRetrain() {
    MuseReport r = report(OptionalDouble.of(0.5));
    assertEquals(50.0, MuseReport.meanPercent(HALF), 1e-12);
    assertEquals(1.5 / 6, r.auc(), 1e-15);
    assertEquals(-50.0, r.privLeak().getAsDouble(), 1e-12);  // (0.25 − 0.5) / 0.5 × 100
    Map<String, Object> s = r.summary();
    assertEquals("muse", s.get("benchmark"));
    assertEquals(25.0, (double) s.get("knowmem_f"), 1e-12);
    assertEquals(-50.0, (double) s.get("privleak"), 1e-12);
    assertEquals("| model | VerbMem on D_f (↓) | KnowMem on D_f (↓) | KnowMem on D_r (↑) | PrivLeak (→ 0) |\n"
        + "|---|---|---|---|---|\n| m | 50.0 | 25.0 | 50.0 | -50.0 |\n", r.table());
  }

  @Test
  void withoutARetrainAucThereIsNoPrivLeak() {
    MuseReport r = report(OptionalDouble.empty());
    assertFalse(r.summary().containsKey("privleak"));
    assertEquals(0.25, (double) r.summary().get("forget_holdout_auc"), 1e-15);
    assertEquals("| m | 50.0 | 25.0 | 50.0 | – |", r.table().strip().lines().reduce((a, b) -> b).orElseThrow());
  }
}
