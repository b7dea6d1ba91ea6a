package org.blurnative.eval.wmdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class MultipleChoiceTest {

  @Test
  void picksTheMostLikelyChoiceAndTheFirstOnTies() {
    assertEquals(2, MultipleChoice.pick(new double[] {-3.0, -2.5, -0.7, -1.2}));
    assertEquals(1, MultipleChoice.pick(new double[] {-3.0, -1.0, -1.0, -2.0}));
  }

  @Test
  void accuracyOfThreeQuestions() {
    List<double[]> lls = List.of(
        new double[] {-1, -2, -3, -4},   // picks A, answer A: right
        new double[] {-2, -1, -3, -4},   // picks B, answer C: wrong
        new double[] {-4, -3, -2, -1});  // picks D, answer D: right
    MultipleChoice.Accuracy a = MultipleChoice.accuracy(lls, new int[] {0, 2, 3});
    assertEquals(2, a.correct());
    assertEquals(3, a.total());
    assertEquals(2.0 / 3, a.value(), 1e-15);
  }

  @Test
  void rejectsMismatchedAnswersAndNaN() {
    assertThrows(IllegalArgumentException.class,
        () -> MultipleChoice.accuracy(List.of(new double[] {-1, -2}), new int[] {2}));
    assertThrows(IllegalArgumentException.class, () -> MultipleChoice.pick(new double[] {-1, Double.NaN}));
  }
}
