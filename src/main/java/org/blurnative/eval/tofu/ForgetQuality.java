package org.blurnative.eval.tofu;

import java.util.List;
import org.blurnative.eval.stats.KolmogorovSmirnov;
import org.blurnative.eval.stats.KsResult;

/**
 * TOFU's forget quality: the p-value of the two-sided two-sample Kolmogorov–Smirnov test between
 * the per-sample truth ratios of the unlearned model and of the model trained on the retain set
 * only, both on the forget set (Maini et al. 2024, §2.5; TOFU's {@code get_forget_quality},
 * {@code scipy.stats.ks_2samp}). High means the two are indistinguishable.
 *
 * <p>TOFU tests c = 1/R; the KS statistic only depends on the order of the values, which 1/x
 * reverses in both samples alike, so testing R gives the same p-value.
 */
public final class ForgetQuality {
  private ForgetQuality() {}

  public static KsResult of(List<TofuSample> unlearnedForget, List<TofuSample> retainModelForget) {
    return KolmogorovSmirnov.twoSample(truthRatios(unlearnedForget), truthRatios(retainModelForget));
  }

  /**
   * The same test on truth ratios already computed, such as open-unlearning's forget_truth_ratio
   * scores from a retain model's TOFU_EVAL.json (its ks_test, src/evals/metrics/privacy.py).
   */
  public static KsResult of(double[] unlearnedForget, double[] retainModelForget) {
    return KolmogorovSmirnov.twoSample(unlearnedForget, retainModelForget);
  }

  public static double[] truthRatios(List<TofuSample> samples) {
    return samples.stream().mapToDouble(TofuSample::truthRatio).toArray();
  }
}
