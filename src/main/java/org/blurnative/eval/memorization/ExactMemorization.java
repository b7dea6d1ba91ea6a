package org.blurnative.eval.memorization;

import java.util.OptionalDouble;

/**
 * Exact memorization (Tirumala et al. 2022) as open-unlearning computes it
 * (src/evals/metrics/memorization.py, exact_memorization, commit d3d7cf9): with teacher forcing,
 * the fraction of a sample's scored tokens whose argmax prediction is the token itself,
 * {@code (preds == labels).sum() / len(labels)}. The scored tokens are those of
 * {@code tokenwise_vocab_logprobs}: the labelled ones but the last.
 */
public final class ExactMemorization {
  private ExactMemorization() {}

  /** Empty for a sample without scored tokens, which open-unlearning records as None and skips. */
  public static OptionalDouble of(int[] predicted, int[] labels) {
    TeacherForced.requireSameLength(predicted, labels);
    if (labels.length == 0) {
      return OptionalDouble.empty();
    }
    int hits = 0;
    for (int t = 0; t < labels.length; t++) {
      hits += predicted[t] == labels[t] ? 1 : 0;
    }
    return OptionalDouble.of((double) hits / labels.length);
  }

  /** The mean over the samples that have a value. */
  public static double mean(OptionalDouble[] scores) {
    double sum = 0;
    int n = 0;
    for (OptionalDouble s : scores) {
      if (s.isPresent()) {
        sum += s.getAsDouble();
        n++;
      }
    }
    if (n == 0) {
      throw new IllegalArgumentException("exact memorization has no sample with a scored token");
    }
    return sum / n;
  }
}
