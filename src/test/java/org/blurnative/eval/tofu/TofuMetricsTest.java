package org.blurnative.eval.tofu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Three-sample cases computed by hand from the definitions in DESIGN.md §6. */
class TofuMetricsTest {
  private static final double LN2 = Math.log(2);

  @Test
  void probabilityIsExpOfMinusMeanNll() {
    assertEquals(0.5, AnswerProbability.of(LN2), 1e-15);
    // P(a) = 1/2, perturbed 1/2, 1/4, 1/4 → (1/2)/(1/2 + 1/2 + 1/4 + 1/4) = 1/3
    assertEquals(1.0 / 3, AnswerProbability.normalized(LN2, new double[] {LN2, 2 * LN2, 2 * LN2}), 1e-15);
  }

  @Test
  void truthRatioIsTheGeometricMeanOfPerturbedOverParaphrased() {
    // P_para = 1/2; perturbed 1/2 and 1/8 → geometric mean 1/4 → R = 1/2
    assertEquals(0.5, TruthRatio.of(LN2, new double[] {LN2, 3 * LN2}), 1e-15);
  }

  @Test
  void forgetAndRetainScoresOfThreeRatios() {
    double[] r = {0.5, 2.0, 1.0};
    // forget: min(R, 1/R) = 1/2, 1/2, 1 → 2/3
    assertEquals(2.0 / 3, TruthRatio.forgetScore(r), 1e-15);
    // retain: max(0, 1 − R) = 1/2, 0, 0 → 1/6
    assertEquals(1.0 / 6, TruthRatio.retainScore(r), 1e-15);
  }

  @Test
  void splitScoresOfThreeSamples() {
    // probabilities 1/2, 1/4, 1; truth ratios 1/2, 2, 1; ROUGE 1, 0.5, 0
    List<TofuSample> samples = List.of(
        new TofuSample(LN2, LN2, new double[] {2 * LN2}, 1.0),
        new TofuSample(2 * LN2, 2 * LN2, new double[] {LN2}, 0.5),
        new TofuSample(0.0, LN2, new double[] {LN2, LN2}, 0.0));
    TofuSplitScores retain = TofuSplitScores.of(TofuSplit.RETAIN, samples);
    assertEquals((0.5 + 0.25 + 1) / 3, retain.probability(), 1e-15);
    assertEquals(0.5, retain.rougeLRecall(), 1e-15);
    assertEquals(1.0 / 6, retain.truthRatio(), 1e-15);
    assertEquals(2.0 / 3, TofuSplitScores.of(TofuSplit.FORGET, samples).truthRatio(), 1e-15);
    // normalized: (1/2)/(1/2+1/4) = 2/3; (1/4)/(1/4+1/2) = 1/3; 1/(1 + 1/2 + 1/2) = 1/2
    assertEquals((2.0 / 3 + 1.0 / 3 + 0.5) / 3,
        TofuSplitScores.of(TofuSplit.WORLD_FACTS, samples).probability(), 1e-15);
  }

  @Test
  void modelUtilityIsTheHarmonicMeanOfNine() {
    TofuSplitScores a = new TofuSplitScores(1.0, 0.5, 0.25);
    // 9 / (3·(1 + 2 + 4)) = 3/7
    assertEquals(3.0 / 7, ModelUtility.of(a, a, a), 1e-15);
    assertEquals(0.0, ModelUtility.of(a, a, new TofuSplitScores(0.9, 0.0, 0.5)), 0);
  }

  @Test
  void forgetQualityOfIdenticalRatiosIsOne() {
    List<TofuSample> s = List.of(
        new TofuSample(0, LN2, new double[] {LN2}, 1), new TofuSample(0, LN2, new double[] {2 * LN2}, 1),
        new TofuSample(0, 2 * LN2, new double[] {LN2}, 1));
    assertEquals(1.0, ForgetQuality.of(s, s).pValue(), 0);
  }

  @Test
  void reportNeedsTheUtilitySplits() {
    TofuSample one = new TofuSample(0, 0, new double[] {0}, 1);
    assertThrows(IllegalArgumentException.class,
        () -> TofuReport.of(Map.of(TofuSplit.RETAIN, List.of(one)), List.of()));
  }
}
