package org.blurnative.eval.mia;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.blurnative.eval.muse.PrivLeak;
import org.junit.jupiter.api.Test;

/** Each attack on three samples, worked by hand from open-unlearning's formulas. */
class MembershipAttackTest {

  static MiaSample sample(double nll, double[] lp, String text) {
    double[] zeros = new double[lp.length];
    double[] ones = new double[lp.length];
    java.util.Arrays.fill(ones, 1);
    return new MiaSample(nll, lp, zeros, ones, text, Double.NaN, Double.NaN);
  }

  @Test
  void lossIsTheMeanNllAndItsAucRanksHoldoutAboveForget() {
    List<MiaSample> forget = List.of(sample(1, new double[0], "x"), sample(2, new double[0], "x"),
        sample(3, new double[0], "x"));
    List<MiaSample> holdout = List.of(sample(2, new double[0], "x"), sample(4, new double[0], "x"),
        sample(5, new double[0], "x"));
    double[] f = MembershipAttack.LOSS.scores(forget, 0.4), h = MembershipAttack.LOSS.scores(holdout, 0.4);
    assertArrayEquals(new double[] {1, 2, 3}, f);
    // pairs (holdout > forget): 2>1; 4,5 > all three; tie 2=2 → ½: (1 + 3 + 3 + ½)/9
    assertEquals(7.5 / 9, MembershipAuc.of(f, h), 1e-15);
  }

  @Test
  void zlibDividesTheLossByTheCompressedLength() {
    // zlib.compress(b"a"): 2 header bytes, 3 of deflate, 4 of Adler-32 → 9; b"" → 8
    assertEquals(9, ZlibEntropy.compressedLength("a"));
    assertEquals(8, ZlibEntropy.compressedLength(""));
    // 40 × "a" compresses to 12 bytes in Python
    assertEquals(12, ZlibEntropy.compressedLength("a".repeat(40)));
    assertEquals(3.0 / 9, MembershipAttack.ZLIB.score(sample(3, new double[0], "a"), 0.4), 1e-15);
  }

  @Test
  void minKKeepsAtLeastOneTokenAndScoresAnEmptySampleZero() {
    // ⌊5·0.4⌋ = 2 lowest of {−1, −4, −2, −0.5, −3} → 3.5
    assertEquals(3.5, MembershipAttack.MIN_K.score(sample(0, new double[] {-1, -4, -2, -0.5, -3}, ""), 0.4), 1e-15);
    // ⌊2·0.4⌋ = 0 → max(1, 0): the lowest alone (MUSE's own Min-K% refuses this text)
    assertEquals(4.0, MembershipAttack.MIN_K.score(sample(0, new double[] {-1, -4}, ""), 0.4), 1e-15);
    assertEquals(0.0, MembershipAttack.MIN_K.score(sample(0, new double[0], ""), 0.4), 0);
    // k = 1: the mean of all
    assertEquals(2.5, MembershipAttack.MIN_K.score(sample(0, new double[] {-1, -4}, ""), 1.0), 1e-15);
  }

  @Test
  void minKPlusPlusStandardisesByTheVocabularyMeanAndClampedVariance() {
    // tokens: (−2 − (−1))/√4 = −0.5; (−3 − (−3))/√1 = 0; (−1 − 0)/√max(1e-8, 1e-6) = −1000
    MiaSample s = new MiaSample(0, new double[] {-2, -3, -1}, new double[] {-1, -3, 0},
        new double[] {4, 1, 1e-8}, "", Double.NaN, Double.NaN);
    assertArrayEquals(new double[] {-0.5, 0, -1000}, MinKPlusPlus.normalized(s), 1e-12);
    // k = 0.7: ⌊2.1⌋ = 2 lowest, −1000 and −0.5 → 500.25
    assertEquals(500.25, MembershipAttack.MIN_K_PLUS_PLUS.score(s, 0.7), 1e-9);
  }

  @Test
  void gradNormAndReferenceNeedTheirMeasurements() {
    MiaSample s = sample(3, new double[0], "");
    assertEquals(0.25, MembershipAttack.GRADNORM.score(s.withGradNorm(0.25), 0.4), 0);
    assertEquals(2.0, MembershipAttack.REFERENCE.score(s.withReference(1), 0.4), 0);
    assertThrows(IllegalStateException.class, () -> MembershipAttack.GRADNORM.score(s, 0.4));
    assertThrows(IllegalStateException.class, () -> MembershipAttack.REFERENCE.score(s, 0.4));
  }

  @Test
  void privLeakTurnsAucsIntoMusesConvention() {
    // 1 − 0.75 = 0.25 against 1 − 0.5 = 0.5: (0.25 − 0.5)/0.5 → −50 %, up to the 1e-10 guard
    assertEquals(-50.0, PrivLeak.openUnlearning(0.75, 0.5), 1e-7);
    assertEquals(0.0, PrivLeak.openUnlearning(0.6, 0.6), 0);
  }

  @Test
  void attacksAreNamedAsOpenUnlearningNamesThem() {
    assertEquals(List.of(MembershipAttack.MIN_K_PLUS_PLUS, MembershipAttack.REFERENCE),
        MembershipAttack.parse("min_k++, ref"));
    assertEquals(6, MembershipAttack.parse("all").size());
    assertEquals("mia_min_k_plus_plus", MembershipAttack.MIN_K_PLUS_PLUS.metric());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MembershipAttack.parse("mink"));
    assertEquals("--mia: unknown attack 'mink'; choose from loss, zlib, min_k, min_k++, gradnorm, ref or all",
        e.getMessage());
  }
}
