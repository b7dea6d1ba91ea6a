package org.blurnative.eval.tofu;

import java.util.Locale;

/**
 * open-unlearning's truth ratio (src/evals/metrics/memorization.py, truth_ratio, commit d3d7cf9),
 * under each of its aggregators, named as its configs name them. Per sample, with P_correct =
 * exp(−mean NLL of the correct answer: the paraphrase on forget and retain, the answer on real
 * authors and world facts) and P_wrong = exp(−mean over perturbed answers of their mean NLLs):
 * {@code wrong / (correct + 1e-10)}, TOFU's R with open-unlearning's guard; for
 * {@code prob_mean} instead {@code correct / (correct + wrong + 1e-10)}. Its configs use
 * closer_to_1_better on the forget set and true_better elsewhere; prob_mean is the OpenUnlearning
 * paper's "extent of knowledge".
 */
public enum TruthRatioAggregator {
  /** mean(min(tr, 1/(tr + 1e-10))): 1 when true and false answers are equally likely. */
  CLOSER_TO_1_BETTER,
  /** mean(max(0, 1 − tr)): higher when the true answer is preferred. */
  TRUE_BETTER,
  /** mean(correct/(correct + wrong + 1e-10)). */
  PROB_MEAN;

  private static final double EPSILON = 1e-10;

  /** The aggregator's name in open-unlearning's configs. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The per-sample value that {@link #aggregate} averages (value_by_index's "score"). */
  public double statistic(double correctMeanNll, double[] wrongMeanNlls) {
    if (wrongMeanNlls.length == 0) {
      throw new IllegalArgumentException("The truth ratio needs at least one perturbed answer");
    }
    double sum = 0;
    for (double nll : wrongMeanNlls) {
      sum += nll;
    }
    double correct = Math.exp(-correctMeanNll), wrong = Math.exp(-(sum / wrongMeanNlls.length));
    return this == PROB_MEAN ? correct / (correct + wrong + EPSILON) : wrong / (correct + EPSILON);
  }

  /** The statistic of one forget or retain sample, whose paraphrase is the correct answer. */
  public double statistic(TofuSample s) {
    return statistic(s.paraphrasedMeanNll(), s.perturbedMeanNlls());
  }

  public double aggregate(double[] statistics) {
    if (statistics.length == 0) {
      throw new IllegalArgumentException("The truth ratio score needs at least one sample");
    }
    double sum = 0;
    for (double tr : statistics) {
      sum += switch (this) {
        case CLOSER_TO_1_BETTER -> Math.min(tr, 1 / (tr + EPSILON));
        case TRUE_BETTER -> Math.max(0, 1 - tr);
        case PROB_MEAN -> tr;
      };
    }
    return sum / statistics.length;
  }
}
