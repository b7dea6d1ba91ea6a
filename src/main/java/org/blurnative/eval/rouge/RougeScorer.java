package org.blurnative.eval.rouge;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ROUGE-L and ROUGE-N between a target (the reference answer) and a prediction (the generated
 * text), as google-research rouge/rouge_scorer.py computes them. Note the argument order: target
 * first, as in {@code RougeScorer.score(target, prediction)}.
 */
public final class RougeScorer {
  private final RougeTokenizer tokenizer;

  public RougeScorer(RougeTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  /** TOFU's scorer: {@code RougeScorer(['rouge1', 'rougeL'], use_stemmer=True)}. */
  public static RougeScorer tofu() {
    return new RougeScorer(RougeTokenizer.stemming());
  }

  /** MUSE's scorer: {@code use_stemmer=False}. */
  public static RougeScorer muse() {
    return new RougeScorer(RougeTokenizer.plain());
  }

  /**
   * ROUGE-L by the longest common subsequence of tokens: recall = LCS/|target|, precision =
   * LCS/|prediction| ({@code _score_lcs}); all zero when either side has no token.
   */
  public RougeScore rougeL(String target, String prediction) {
    List<String> t = tokenizer.tokenize(target);
    List<String> p = tokenizer.tokenize(prediction);
    if (t.isEmpty() || p.isEmpty()) {
      return RougeScore.ZERO;
    }
    int lcs = Lcs.length(t, p);
    return RougeScore.of((double) lcs / p.size(), (double) lcs / t.size());
  }

  /** ROUGE-1: unigram overlap. */
  public RougeScore rouge1(String target, String prediction) {
    return rougeN(1, target, prediction);
  }

  /**
   * ROUGE-N ({@code _score_ngrams}): overlap = Σ over the target's n-grams of min(count in target,
   * count in prediction); precision = overlap/max(#prediction n-grams, 1), recall =
   * overlap/max(#target n-grams, 1).
   */
  public RougeScore rougeN(int n, String target, String prediction) {
    if (n <= 0) {
      throw new IllegalArgumentException("ROUGE-N needs n ≥ 1, got " + n);
    }
    Map<List<String>, Integer> t = ngrams(tokenizer.tokenize(target), n);
    Map<List<String>, Integer> p = ngrams(tokenizer.tokenize(prediction), n);
    int overlap = 0;
    for (Map.Entry<List<String>, Integer> e : t.entrySet()) {
      overlap += Math.min(e.getValue(), p.getOrDefault(e.getKey(), 0));
    }
    int tCount = total(t), pCount = total(p);
    return RougeScore.of((double) overlap / Math.max(pCount, 1), (double) overlap / Math.max(tCount, 1));
  }

  private static Map<List<String>, Integer> ngrams(List<String> tokens, int n) {
    Map<List<String>, Integer> counts = new HashMap<>();
    for (int i = 0; i + n <= tokens.size(); i++) {
      counts.merge(List.copyOf(tokens.subList(i, i + n)), 1, Integer::sum);
    }
    return counts;
  }

  private static int total(Map<List<String>, Integer> counts) {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }
}
