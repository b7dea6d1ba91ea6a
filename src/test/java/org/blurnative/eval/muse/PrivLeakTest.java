package org.blurnative.eval.muse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrivLeakTest {

  @Test
  void relativeChangeInPercent() {
    assertEquals(-50.0, PrivLeak.of(0.25, 0.5), 1e-12);
    assertEquals(0.0, PrivLeak.of(0.4772, 0.4772), 0);
    assertEquals(10.0, PrivLeak.of(0.55, 0.5), 1e-12);
  }

  @Test
  void aucOfThreeForgetAgainstThreeHoldoutScoresWithATie() {
    // forget Min-K {1, 2, 3}, holdout {2, 4, 5}: forget > holdout: 3 > 2 → 1; tie 2 = 2 → ½
    // → 1.5 of 9; a model that still knows the forget set scores it low, so the AUC is small
    assertEquals(1.5 / 9, PrivLeak.auc(new double[] {1, 2, 3}, new double[] {2, 4, 5}), 1e-15);
  }

  @Test
  void verbMemAndKnowMemAreMeanRougeLF1TimesHundred() {
    // "a b" vs "a b": F = 1; "alpha beta gamma" vs "alpha": P = 1, R = 1/3, F = 1/2 → mean 3/4
    assertEquals(75.0, MuseRouge.meanF1Percent(List.of("a b", "alpha beta gamma"), List.of("a b", "alpha")), 1e-12);
    // MUSE does not stem: "jumps" ≠ "jump"
    assertEquals(0.0, MuseRouge.meanF1Percent(List.of("jumps"), List.of("jump")), 0);
  }

  @Test
  void knowMemCutsTheAnswerAtTheNextQuestion() {
    assertEquals("Paris", MuseRouge.knowMemAnswer("Paris\n\nQuestion: and Rome?"));
    assertEquals("Paris ", MuseRouge.knowMemAnswer("Paris Question: more"));
    assertEquals("Paris", MuseRouge.knowMemAnswer("Paris\nQuestion: more"));
    assertEquals("Paris, France", MuseRouge.knowMemAnswer("Paris, France"));
  }
}
