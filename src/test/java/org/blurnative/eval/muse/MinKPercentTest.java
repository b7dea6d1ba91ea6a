package org.blurnative.eval.muse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MinKPercentTest {

  @Test
  void min40OfFiveTokensAveragesTheTwoLowest() {
    // ⌊5·0.4⌋ = 2 lowest of {−1, −4, −2, −0.5, −3}: −4, −3 → −mean = 3.5
    assertEquals(3.5, MinKPercent.score(new double[] {-1, -4, -2, -0.5, -3}), 1e-15);
  }

  @Test
  void theCountIsPythonsIntOfTheDoubleProduct() {
    // log-probs −1 … −90; 90·0.7 = 62.99999999999999 in doubles → the 62 lowest, −90 … −29
    double[] ninety = java.util.stream.IntStream.rangeClosed(1, 90).mapToDouble(i -> -i).toArray();
    assertEquals(59.5, MinKPercent.score(ninety, 0.7), 1e-12);
    // 10·0.4 = 4 → −10, −9, −8, −7
    double[] ten = {-10, -9, -8, -7, -6, -5, -4, -3, -2, -1};
    assertEquals(8.5, MinKPercent.score(ten, 0.4), 1e-15);
    // three tokens: ⌊1.2⌋ = 1 → the single lowest
    assertEquals(2.0, MinKPercent.score(new double[] {-0.1, -2, -0.3}), 1e-15);
  }

  @Test
  void tooShortTextsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> MinKPercent.score(new double[] {-1, -2}));
  }
}
