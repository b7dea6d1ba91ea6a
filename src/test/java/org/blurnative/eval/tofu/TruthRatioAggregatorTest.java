package org.blurnative.eval.tofu;

import static org.blurnative.eval.OpenUnlearningReference.doubles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.blurnative.eval.OpenUnlearningReference;
import org.junit.jupiter.api.Test;

class TruthRatioAggregatorTest {

  @Test
  void threeSamplesByHand() {
    // correct NLL ln 2 (P = ½), wrong NLLs averaging ln 4 (P = ¼): tr = ¼/½ = ½; prob_mean ½/¾ = ⅔
    double ln2 = Math.log(2), ln4 = Math.log(4);
    double[] tr = {
        TruthRatioAggregator.TRUE_BETTER.statistic(ln2, new double[] {ln2, 3 * ln2}),  // ½
        TruthRatioAggregator.TRUE_BETTER.statistic(ln4, new double[] {ln2}),           // 2
        TruthRatioAggregator.TRUE_BETTER.statistic(ln2, new double[] {ln2, ln2})};     // 1
    assertArrayEquals(new double[] {0.5, 2, 1}, tr, 1e-9);
    // min(tr, 1/tr): ½, ½, 1 → ⅔;  max(0, 1 − tr): ½, 0, 0 → ⅙
    assertEquals(2.0 / 3, TruthRatioAggregator.CLOSER_TO_1_BETTER.aggregate(tr), 1e-9);
    assertEquals(1.0 / 6, TruthRatioAggregator.TRUE_BETTER.aggregate(tr), 1e-9);
    double[] pm = {
        TruthRatioAggregator.PROB_MEAN.statistic(ln2, new double[] {ln4}),  // ½/(½ + ¼) = ⅔
        TruthRatioAggregator.PROB_MEAN.statistic(ln4, new double[] {ln2}),  // ¼/(¼ + ½) = ⅓
        TruthRatioAggregator.PROB_MEAN.statistic(ln2, new double[] {ln2})}; // ½
    assertEquals(0.5, TruthRatioAggregator.PROB_MEAN.aggregate(pm), 1e-9);
    assertEquals("closer_to_1_better", TruthRatioAggregator.CLOSER_TO_1_BETTER.key());
  }

  @Test
  void matchesOpenUnlearningsFormulasIncludingItsGuardOnTinyProbabilities() {
    JsonNode c = OpenUnlearningReference.get("truth_ratio");
    double[] correct = doubles(c.get("correct_mean_nll"));
    JsonNode wrong = c.get("wrong_mean_nlls");
    for (TruthRatioAggregator a : TruthRatioAggregator.values()) {
      double[] stats = new double[correct.length];
      for (int i = 0; i < stats.length; i++) {
        stats[i] = a.statistic(correct[i], doubles(wrong.get(i)));
      }
      double[] expected = doubles(c.get(a.key()).get("statistics"));
      for (int i = 0; i < stats.length; i++) {
        assertEquals(expected[i], stats[i], 1e-13 * Math.abs(expected[i]) + 1e-300, a.key() + " sample " + i);
      }
      assertEquals(c.get(a.key()).get("value").asDouble(), a.aggregate(stats), 1e-13, a.key());
    }
    // sample 0 (NLLs 25 and 24): TOFU's R = e ≈ 2.72, open-unlearning's guard makes it ≈ 0.33
    assertEquals(Math.E, TruthRatio.of(25, new double[] {24}), 1e-9);
    double[] forget = doubles(c.get("closer_to_1_better").get("statistics"));
    assertEquals(c.get("forget_quality").asDouble(),
        ForgetQuality.of(forget, doubles(c.get("retain_statistics"))).pValue(), 1e-12);
  }
}
