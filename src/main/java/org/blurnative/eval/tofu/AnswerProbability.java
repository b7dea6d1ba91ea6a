package org.blurnative.eval.tofu;

/**
 * TOFU's probability of an answer: P(a|q) = exp(−mean NLL over the answer's tokens), i.e. the
 * geometric mean of the per-token probabilities (Maini et al. 2024, §2.5; TOFU's
 * {@code get_model_utility}).
 */
public final class AnswerProbability {
  private AnswerProbability() {}

  public static double of(double meanNll) {
    return Math.exp(-meanNll);
  }

  /**
   * On real authors and world facts, the probability of the true answer among the options:
   * P(a)/(P(a) + Σ P(ã)) over the perturbed answers ã, summed in that order as numpy does.
   */
  public static double normalized(double answerMeanNll, double[] perturbedMeanNlls) {
    double pa = of(answerMeanNll);
    double all = pa;
    for (double nll : perturbedMeanNlls) {
      all += of(nll);
    }
    return pa / all;
  }
}
