package org.blurnative.eval.mia;

/**
 * What open-unlearning's membership attacks read of one sample, already reduced to numbers. The
 * token arrays cover the tokens its {@code tokenwise_logprobs} returns: the labelled tokens but
 * the last (src/evals/metrics/utils.py, commit d3d7cf9, "-1 to ignore eos prediction"; it drops
 * the last one whether or not it is EOS).
 *
 * @param meanNll mean NLL over every labelled token, the last included ({@code evaluate_probability}'s
 *     {@code avg_loss})
 * @param tokenLogProbs log π of each scored token given its prefix
 * @param vocabMean E_v[log π(v)] under the model's next-token distribution at each scored token
 * @param vocabVariance E_v[log π(v)²] − E_v[log π(v)]² at each scored token, not clamped; this
 *     and {@code vocabMean} are empty when not measured (only Min-K%++ reads them)
 * @param text the labelled tokens decoded without special tokens (what ZLib compresses)
 * @param gradNorm mean over the model's parameters of ‖∇ of the sample's loss‖_p; NaN when not
 *     measured
 * @param referenceMeanNll the reference model's {@code meanNll}; NaN when there is none
 */
public record MiaSample(double meanNll, double[] tokenLogProbs, double[] vocabMean, double[] vocabVariance,
    String text, double gradNorm, double referenceMeanNll) {

  public MiaSample {
    if (vocabMean.length != vocabVariance.length
        || (vocabMean.length != tokenLogProbs.length && vocabMean.length != 0)) {
      throw new IllegalArgumentException("a membership sample needs the vocabulary statistics of each of its "
          + tokenLogProbs.length + " tokens, got " + vocabMean.length + " means and " + vocabVariance.length
          + " variances");
    }
    tokenLogProbs = tokenLogProbs.clone();
    vocabMean = vocabMean.clone();
    vocabVariance = vocabVariance.clone();
  }

  /** This sample with its gradient norm measured. */
  public MiaSample withGradNorm(double norm) {
    return new MiaSample(meanNll, tokenLogProbs, vocabMean, vocabVariance, text, norm, referenceMeanNll);
  }

  /** This sample with the reference model's mean NLL of it. */
  public MiaSample withReference(double referenceNll) {
    return new MiaSample(meanNll, tokenLogProbs, vocabMean, vocabVariance, text, gradNorm, referenceNll);
  }
}
