package org.blurnative.eval.memorization;

import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * Per-sample exact memorization and extraction strength of one set, and their agg_values as
 * open-unlearning averages them (EM without the samples it records as None, ES over all).
 */
public record MemorizationScores(OptionalDouble[] exactMemorization, double[] extractionStrength) {

  public MemorizationScores {
    exactMemorization = exactMemorization.clone();
    extractionStrength = extractionStrength.clone();
  }

  public double exactMemorizationMean() {
    return ExactMemorization.mean(exactMemorization);
  }

  public double extractionStrengthMean() {
    return Arrays.stream(extractionStrength).average().orElseThrow(
        () -> new IllegalArgumentException("extraction strength of an empty set"));
  }
}
