package org.blurnative.eval;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.blurnative.data.TokenizedExample;
import org.blurnative.data.Truncation;
import org.blurnative.eval.memorization.MemorizationScores;
import org.blurnative.eval.mia.MembershipAttack;
import org.blurnative.eval.mia.MiaResult;
import org.blurnative.eval.mia.MiaSample;
import org.blurnative.model.LlamaModel;
import org.blurnative.tokenizer.Tokenizer;

/**
 * One model's open-unlearning metrics beyond TOFU's own: membership attacks between a forget and a
 * holdout set, and teacher-forced memorization of a set. Examples come encoded as
 * open-unlearning's datasets encode them (QA with EOS after the answer; MUSE's as {@link
 * OpenUnlearningMuse} encodes them).
 */
public final class OpenUnlearningEvaluator {
  private final LlamaModel model;
  private final Tokenizer tokenizer;
  private final int maxLength;
  private final int batchSize;
  private Truncation.Count truncated = Truncation.Count.NONE;

  public OpenUnlearningEvaluator(LlamaModel model, Tokenizer tokenizer, int maxLength, int batchSize) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.maxLength = maxLength;
    this.batchSize = batchSize;
  }

  /** One model's values; the memorization of a set is empty when the set was not given. */
  public record Results(Map<MembershipAttack, MiaResult> attacks, Optional<MemorizationScores> forgetMemorization,
      Optional<MemorizationScores> retainMemorization) {}

  public int maxLength() {
    return maxLength;
  }

  /** What maxLength has cut from the examples scored so far. */
  public Truncation.Count truncated() {
    return truncated;
  }

  /** The mean NLL of each example: what a reference model contributes to mia_reference. */
  public double[] meanNlls(List<TokenizedExample> examples) {
    return statistics(examples, false).stream().mapToDouble(TokenStatistics::meanNll).toArray();
  }

  /**
   * @param reference the reference model's mean NLLs of forget ([0]) and holdout ([1]); null
   *     unless {@code attacks} has REFERENCE
   * @param k Min-K%'s and Min-K%++'s fraction; {@code p} GradNorm's norm
   */
  public Map<MembershipAttack, MiaResult> attacks(List<TokenizedExample> forget, List<TokenizedExample> holdout,
      List<MembershipAttack> attacks, double k, double p, double[][] reference) {
    boolean vocabulary = attacks.contains(MembershipAttack.MIN_K_PLUS_PLUS);
    boolean gradients = attacks.contains(MembershipAttack.GRADNORM);
    List<MiaSample> f = samples(forget, vocabulary, gradients, p, reference == null ? null : reference[0]);
    List<MiaSample> h = samples(holdout, vocabulary, gradients, p, reference == null ? null : reference[1]);
    Map<MembershipAttack, MiaResult> out = new EnumMap<>(MembershipAttack.class);
    for (MembershipAttack a : attacks) {
      out.put(a, new MiaResult(a, a.scores(f, k), a.scores(h, k)));
    }
    return out;
  }

  public MemorizationScores memorization(List<TokenizedExample> examples) {
    List<TokenStatistics> stats = statistics(examples, false);
    return new MemorizationScores(stats.stream().map(TokenStatistics::exactMemorization).toArray(OptionalDouble[]::new),
        stats.stream().mapToDouble(TokenStatistics::extractionStrength).toArray());
  }

  private List<MiaSample> samples(List<TokenizedExample> examples, boolean vocabulary, boolean gradients, double p,
      double[] referenceNlls) {
    List<MiaSample> out = new ArrayList<>();
    for (TokenStatistics s : statistics(examples, vocabulary)) {
      out.add(s.miaSample(tokenizer));
    }
    if (gradients) {
      double[] norms = new GradientNormScorer(model, tokenizer.padId(), maxLength, batchSize, p).score(examples);
      for (int i = 0; i < out.size(); i++) {
        out.set(i, out.get(i).withGradNorm(norms[i]));
      }
    }
    if (referenceNlls != null) {
      for (int i = 0; i < out.size(); i++) {
        out.set(i, out.get(i).withReference(referenceNlls[i]));
      }
    }
    return out;
  }

  private List<TokenStatistics> statistics(List<TokenizedExample> examples, boolean vocabulary) {
    TokenStatisticsScorer scorer = new TokenStatisticsScorer(model, tokenizer.padId(), maxLength, batchSize, vocabulary);
    List<TokenStatistics> stats = scorer.score(examples);
    truncated = truncated.plus(scorer.truncated());
    return stats;
  }
}
