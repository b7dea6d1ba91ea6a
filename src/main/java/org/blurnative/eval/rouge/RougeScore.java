package org.blurnative.eval.rouge;

/**
 * One ROUGE score as rouge_score's {@code Score} tuple. F1 = 2PR/(P+R), 0 when P + R = 0
 * (rouge/scoring.py {@code fmeasure}).
 */
public record RougeScore(double precision, double recall, double fmeasure) {
  public static final RougeScore ZERO = new RougeScore(0, 0, 0);

  public static RougeScore of(double precision, double recall) {
    // the operation order of rouge_score: 2 * precision * recall / (precision + recall)
    double f = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
    return new RougeScore(precision, recall, f);
  }
}
