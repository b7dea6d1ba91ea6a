package org.blurnative.eval.memorization;

/**
 * Extraction strength (Carlini et al. 2021) as open-unlearning computes it
 * (src/evals/metrics/memorization.py, extraction_strength, commit d3d7cf9): with teacher forcing,
 * 1 − k/n for the smallest k such that the argmax predictions of tokens k … n−1 all equal the
 * tokens, over the n scored tokens (the labelled ones but the last). Its loop leaves k at n − 1
 * when no suffix matches, so such a sample scores 1/n, the same as one whose last token alone
 * matches; a sample without scored tokens scores 0 and counts in the mean.
 */
public final class ExtractionStrength {
  private ExtractionStrength() {}

  public static double of(int[] predicted, int[] labels) {
    TeacherForced.requireSameLength(predicted, labels);
    int n = labels.length;
    if (n == 0) {
      return 0;
    }
    // the longest matching suffix starts after the last mismatch; no suffix matching leaves k = n − 1
    int k = n - 1;
    for (int t = n - 1; t >= 0 && predicted[t] == labels[t]; t--) {
      k = t;
    }
    return 1 - (double) k / n;
  }
}
