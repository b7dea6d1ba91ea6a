package org.blurnative.eval.tofu;

/**
 * TOFU's truth ratio (Maini et al. 2024, §2.5). Per sample R = P_pert/P_para, where P_pert is the
 * geometric mean of the perturbed answers' probabilities: exp of minus the average of their
 * mean NLLs. So R = exp(NLL_para − mean_i NLL_pert,i).
 *
 * <p>TOFU's code works with c = 1/R = exp(mean NLL_pert − NLL_para) and scores min(c, 1/c) on
 * the forget set and max(0, 1 − 1/c) elsewhere; this class computes c the same way and reports
 * R = 1/c, so that the scores agree with TOFU's to the last bit or two.
 */
public final class TruthRatio {
  private TruthRatio() {}

  /** R = P_pert/P_para of one sample. */
  public static double of(double paraphrasedMeanNll, double[] perturbedMeanNlls) {
    return 1.0 / inverse(paraphrasedMeanNll, perturbedMeanNlls);
  }

  /** Forget set: mean of min(R, 1/R); 1 when the model cannot tell true from false. */
  public static double forgetScore(double[] ratios) {
    double sum = 0;
    for (double r : ratios) {
      sum += Math.min(r, 1.0 / r);
    }
    return mean(sum, ratios.length);
  }

  /** Retain, real authors, world facts: mean of max(0, 1 − R); higher prefers the truth. */
  public static double retainScore(double[] ratios) {
    double sum = 0;
    for (double r : ratios) {
      sum += Math.max(0, 1 - r);
    }
    return mean(sum, ratios.length);
  }

  // c = P_para/P_pert, in TOFU's order of operations: exp(mean(perturbed) − paraphrased)
  private static double inverse(double paraphrasedMeanNll, double[] perturbedMeanNlls) {
    if (perturbedMeanNlls.length == 0) {
      throw new IllegalArgumentException("The truth ratio needs at least one perturbed answer");
    }
    double sum = 0;
    for (double nll : perturbedMeanNlls) {
      sum += nll;
    }
    return Math.exp(sum / perturbedMeanNlls.length - paraphrasedMeanNll);
  }

  private static double mean(double sum, int n) {
    if (n == 0) {
      throw new IllegalArgumentException("The truth ratio score needs at least one sample");
    }
    return sum / n;
  }
}
