package org.blurnative.eval.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AucTest {

  @Test
  void threeAgainstThreeByHand() {
    // pairs (p, n) with p > n: 2>1; 4>1, 4>3; 6>1, 6>3, 6>5 → 6 of 9
    assertEquals(6.0 / 9, Auc.of(new double[] {2, 4, 6}, new double[] {1, 3, 5}), 1e-15);
  }

  @Test
  void tiesCountOneHalf() {
    // positives {1, 2, 3}, negatives {2, 2, 4}:
    // 1: beats none, ties none → 0; 2: ties two → 1; 3: beats two → 2; total 3 of 9
    assertEquals(3.0 / 9, Auc.of(new double[] {1, 2, 3}, new double[] {2, 2, 4}), 1e-15);
    // all equal: ½
    assertEquals(0.5, Auc.of(new double[] {7, 7, 7}, new double[] {7, 7}), 1e-15);
  }

  @Test
  void perfectAndReversedSeparation() {
    assertEquals(1.0, Auc.of(new double[] {5, 6}, new double[] {1, 2, 3}), 0);
    assertEquals(0.0, Auc.of(new double[] {1, 2, 3}, new double[] {5, 6}), 0);
  }

  @Test
  void needsBothClassesAndNoNaN() {
    assertThrows(IllegalArgumentException.class, () -> Auc.of(new double[0], new double[] {1}));
    assertThrows(IllegalArgumentException.class, () -> Auc.of(new double[] {Double.NaN}, new double[] {1}));
  }
}
