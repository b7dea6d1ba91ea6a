package org.blurnative.eval.tofu;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.blurnative.eval.stats.KsResult;

/**
 * TOFU's summary of one model: the three numbers of each split, model utility, and, when the
 * retain model's forget-set samples are given, forget quality.
 */
public record TofuReport(
    Map<TofuSplit, TofuSplitScores> splits, double modelUtility, Optional<KsResult> forgetQuality) {

  public TofuReport {
    splits = Collections.unmodifiableMap(new EnumMap<>(splits));
  }

  /**
   * @param samples the unlearned model's samples of every split; retain, real authors and world
   *     facts are required, forget is optional
   * @param retainModelForget the retain model's forget-set samples, or an empty list
   */
  public static TofuReport of(Map<TofuSplit, List<TofuSample>> samples, List<TofuSample> retainModelForget) {
    Optional<KsResult> quality = Optional.empty();
    if (!retainModelForget.isEmpty()) {
      List<TofuSample> forget = samples.get(TofuSplit.FORGET);
      if (forget == null) {
        throw new IllegalArgumentException("Forget quality needs the unlearned model's FORGET split");
      }
      quality = Optional.of(ForgetQuality.of(forget, retainModelForget));
    }
    return of(samples, quality);
  }

  /** With forget quality already computed (against a retain model's saved logs), or without. */
  public static TofuReport of(Map<TofuSplit, List<TofuSample>> samples, Optional<KsResult> forgetQuality) {
    Map<TofuSplit, TofuSplitScores> scores = new EnumMap<>(TofuSplit.class);
    samples.forEach((split, list) -> scores.put(split, TofuSplitScores.of(split, list)));
    for (TofuSplit needed : List.of(TofuSplit.RETAIN, TofuSplit.REAL_AUTHORS, TofuSplit.WORLD_FACTS)) {
      if (!scores.containsKey(needed)) {
        throw new IllegalArgumentException("TOFU's model utility needs the " + needed + " split");
      }
    }
    double utility = ModelUtility.of(
        scores.get(TofuSplit.RETAIN), scores.get(TofuSplit.REAL_AUTHORS), scores.get(TofuSplit.WORLD_FACTS));
    return new TofuReport(scores, utility, forgetQuality);
  }
}
