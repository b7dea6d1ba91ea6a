package org.blurnative.eval.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HarmonicMeanTest {

  @Test
  void threeValuesByHand() {
    // 3 / (1/1 + 1/2 + 1/4) = 3 / 1.75
    assertEquals(3 / 1.75, HarmonicMean.of(1, 2, 4), 1e-15);
  }

  @Test
  void aZeroMakesItZeroAndNegativesAreRejected() {
    assertEquals(0.0, HarmonicMean.of(0.5, 0.0, 0.9), 0);
    assertThrows(IllegalArgumentException.class, () -> HarmonicMean.of(0.5, -0.1));
    assertThrows(IllegalArgumentException.class, () -> HarmonicMean.of());
  }
}
