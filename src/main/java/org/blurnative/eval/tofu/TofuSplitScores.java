package org.blurnative.eval.tofu;

import java.util.List;

/**
 * The three per-split numbers of TOFU's model utility, each a mean over the split's samples.
 *
 * @param probability mean of {@link TofuSample#probability}
 * @param rougeLRecall mean ROUGE-L recall
 * @param truthRatio {@link TruthRatio#forgetScore} on the forget set, else
 *     {@link TruthRatio#retainScore}
 */
public record TofuSplitScores(double probability, double rougeLRecall, double truthRatio) {

  public static TofuSplitScores of(TofuSplit split, List<TofuSample> samples) {
    int n = samples.size();
    if (n == 0) {
      throw new IllegalArgumentException("TOFU's " + split + " split has no samples");
    }
    double probability = 0, rouge = 0;
    double[] ratios = new double[n];
    for (int i = 0; i < n; i++) {
      TofuSample s = samples.get(i);
      probability += s.probability(split);
      rouge += s.rougeLRecall();
      ratios[i] = s.truthRatio();
    }
    double truth = split.forgetTruthRatio() ? TruthRatio.forgetScore(ratios) : TruthRatio.retainScore(ratios);
    return new TofuSplitScores(probability / n, rouge / n, truth);
  }
}
