package org.blurnative.eval.rouge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Token lists as rouge_score 0.1.2 with NLTK 3.8 gives them; scores counted by hand. */
class RougeScorerTest {
  private final RougeTokenizer stemming = RougeTokenizer.stemming();
  private final RougeTokenizer plain = RougeTokenizer.plain();

  @Test
  void tokenizerLowersStripsAndStemsLongTokensOnly() {
    assertEquals(List.of("the", "quick", "brown", "fox", "jump", "over", "the", "lazi", "dog"),
        stemming.tokenize("The quick brown fox jumps over the lazy dog"));
    assertEquals(List.of("the", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog"),
        plain.tokenize("The quick brown fox jumps over the lazy dog"));
    assertEquals(List.of("hello", "world"), stemming.tokenize("  Hello,   WORLD  "));
    // "ties" (4 letters) is stemmed, "sky"/"its" (3) are not
    assertEquals(List.of("tie", "sky", "its"), stemming.tokenize("ties sky its"));
  }

  @Test
  void nonAsciiLettersBecomeSpacesAfterLowerCasing() {
    // Python: 'İstanbul café naïve Straße'.lower() keeps the i of İ (→ i + U+0307)
    assertEquals(List.of("i", "stanbul", "caf", "na", "ve", "stra", "e"),
        stemming.tokenize("İstanbul café naïve Straße"));
    // the Kelvin sign lower-cases to an ASCII k
    assertEquals(List.of("kelvin", "42nd", "caress", "poni", "tie", "enjoy", "happili"),
        stemming.tokenize("\u212Aelvin 42nd caresses ponies ties enjoyed happily"));
  }

  @Test
  void punctuationOnlyOrEmptyTextScoresZero() {
    RougeScorer scorer = RougeScorer.tofu();
    assertEquals(List.of(), stemming.tokenize("...!!! — ?"));
    assertEquals(RougeScore.ZERO, scorer.rougeL("...!!!", "the answer"));
    assertEquals(RougeScore.ZERO, scorer.rougeL("the answer", ""));
    assertEquals(RougeScore.ZERO, scorer.rouge1("", "the answer"));
  }

  @Test
  void rougeLByHand() {
    // target: the quick brown fox jump over the lazi dog (9)
    // prediction: the quick brown dog jump on the log (8)
    // LCS: the quick brown jump the → 5; P = 5/8, R = 5/9, F = 2PR/(P+R) = 10/17
    RougeScore s = RougeScorer.tofu().rougeL(
        "The quick brown fox jumps over the lazy dog", "The quick brown dog jumps on the log.");
    assertEquals(5.0 / 8, s.precision(), 1e-15);
    assertEquals(5.0 / 9, s.recall(), 1e-15);
    assertEquals(10.0 / 17, s.fmeasure(), 1e-15);
  }

  @Test
  void rougeLIsAboutOrderAndRouge1IsNot() {
    // target a b c (3), prediction c b a (3): LCS 1, unigram overlap 3
    RougeScorer scorer = RougeScorer.muse();
    assertEquals(1.0 / 3, scorer.rougeL("alpha beta gamma", "gamma beta alpha").recall(), 1e-15);
    assertEquals(1.0, scorer.rouge1("alpha beta gamma", "gamma beta alpha").recall(), 1e-15);
  }

  @Test
  void rouge1ClipsRepeatedTokens() {
    // target: the cat the cat (the×2, cat×2), prediction: the the the dog (the×3, dog)
    // overlap = min(2,3) + min(2,0) = 2; P = 2/4, R = 2/4, F = 1/2
    RougeScore s = RougeScorer.muse().rouge1("the cat the cat", "the the the dog");
    assertEquals(0.5, s.precision(), 1e-15);
    assertEquals(0.5, s.recall(), 1e-15);
    assertEquals(0.5, s.fmeasure(), 1e-15);
  }

  @Test
  void stemmingMakesInflectionsMatch() {
    assertEquals(1.0, RougeScorer.tofu().rougeL("she enjoyed writing", "She enjoys writes").recall(), 1e-15);
    assertEquals(1.0 / 3, RougeScorer.muse().rougeL("she enjoyed writing", "She enjoys writes").recall(), 1e-15);
  }

  @Test
  void rougeTwoCountsBigrams() {
    // target bigrams: (a b) (b c) (c d); prediction: (a b) (b d) → overlap 1, P = 1/2, R = 1/3
    RougeScore s = RougeScorer.muse().rougeN(2, "a b c d", "a b d");
    assertEquals(0.5, s.precision(), 1e-15);
    assertEquals(1.0 / 3, s.recall(), 1e-15);
  }
}
