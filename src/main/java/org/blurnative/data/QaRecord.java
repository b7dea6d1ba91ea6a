package org.blurnative.data;

import java.util.List;
import java.util.Optional;

/**
 * A question with its answer, in TOFU's field names: {@code question}, {@code answer}, and for the
 * truth ratio {@code paraphrased_answer} and {@code perturbed_answer[]} (TOFU's real-authors and
 * world-facts sets have perturbed answers but no paraphrase).
 */
public record QaRecord(
    String question, String answer, Optional<String> paraphrasedAnswer, List<String> perturbedAnswers) {

  public QaRecord {
    perturbedAnswers = List.copyOf(perturbedAnswers);
  }

  public QaRecord(String question, String answer) {
    this(question, answer, Optional.empty(), List.of());
  }
}
