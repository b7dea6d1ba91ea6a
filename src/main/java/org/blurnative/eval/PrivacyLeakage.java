package org.blurnative.eval;

import java.util.List;
import org.blurnative.data.ExampleEncoder;
import org.blurnative.data.PromptFormat;
import org.blurnative.data.QaRecord;
import org.blurnative.eval.muse.MinKPercent;
import org.blurnative.eval.muse.PrivLeak;

/**
 * MUSE's PrivLeak on QA data: each record rendered as one text, scored with Min-40% over its
 * token log-probabilities; AUC between the forget and the holdout texts (DESIGN.md §6).
 */
public final class PrivacyLeakage {
  private final AnswerLikelihood likelihood;
  private final ExampleEncoder encoder;

  /** {@code encoder} should not add EOS: MUSE scores the text's own tokens. */
  public PrivacyLeakage(AnswerLikelihood likelihood, ExampleEncoder encoder) {
    this.likelihood = likelihood;
    this.encoder = encoder;
  }

  /** AUC of Min-K% scores, forget against holdout: 0.5 when the model cannot tell them apart. */
  public double auc(List<QaRecord> forget, List<QaRecord> holdout) {
    return PrivLeak.auc(scores(forget), scores(holdout));
  }

  private double[] scores(List<QaRecord> records) {
    List<double[]> tokens = likelihood.tokenLogProbs(records.stream()
        .map(r -> encoder.text(PromptFormat.PLAIN.render(r.question(), r.answer()).text())).toList());
    return tokens.stream().mapToDouble(MinKPercent::score).toArray();
  }
}
