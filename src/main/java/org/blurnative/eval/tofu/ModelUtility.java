package org.blurnative.eval.tofu;

import org.blurnative.eval.stats.HarmonicMean;

/**
 * TOFU's model utility: the harmonic mean of nine numbers, {probability, ROUGE-L recall, truth
 * ratio} on {retain, real authors, world facts} (Maini et al. 2024, §2.5; TOFU's
 * {@code get_model_utility}, {@code scipy.stats.hmean}).
 */
public final class ModelUtility {
  private ModelUtility() {}

  public static double of(TofuSplitScores retain, TofuSplitScores realAuthors, TofuSplitScores worldFacts) {
    return HarmonicMean.of(
        retain.probability(), retain.rougeLRecall(), retain.truthRatio(),
        realAuthors.probability(), realAuthors.rougeLRecall(), realAuthors.truthRatio(),
        worldFacts.probability(), worldFacts.rougeLRecall(), worldFacts.truthRatio());
  }
}
