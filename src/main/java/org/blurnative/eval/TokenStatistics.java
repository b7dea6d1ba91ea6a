package org.blurnative.eval;

import java.util.Arrays;
import java.util.OptionalDouble;
import org.blurnative.eval.memorization.ExactMemorization;
import org.blurnative.eval.memorization.ExtractionStrength;
import org.blurnative.eval.mia.MiaSample;
import org.blurnative.tokenizer.Tokenizer;

/**
 * One sequence under teacher forcing, as open-unlearning's metrics read it: the mean NLL over every
 * labelled token, and, over the scored tokens (the labelled ones but the last, as its
 * {@code tokenwise_logprobs} and {@code tokenwise_vocab_logprobs} take them), each token's
 * log-probability, the mean and variance of log π over the vocabulary, and the argmax prediction.
 *
 * @param labelIds every labelled id, in order (the scored ones are all but the last)
 * @param vocabMean empty arrays when the vocabulary statistics were not asked for
 */
public record TokenStatistics(double meanNll, int[] labelIds, double[] tokenLogProbs, double[] vocabMean,
    double[] vocabVariance, int[] predicted) {

  /** The scored tokens' ids: all labelled ids but the last. */
  public int[] scoredLabels() {
    return Arrays.copyOf(labelIds, Math.max(0, labelIds.length - 1));
  }

  public MiaSample miaSample(Tokenizer tokenizer) {
    return new MiaSample(meanNll, tokenLogProbs, vocabMean, vocabVariance,
        tokenizer.decode(labelIds, true), Double.NaN, Double.NaN);
  }

  public OptionalDouble exactMemorization() {
    return ExactMemorization.of(predicted, scoredLabels());
  }

  public double extractionStrength() {
    return ExtractionStrength.of(predicted, scoredLabels());
  }
}
