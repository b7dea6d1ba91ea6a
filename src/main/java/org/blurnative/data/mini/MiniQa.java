package org.blurnative.data.mini;

import java.util.List;
import java.util.Optional;
import org.blurnative.data.QaRecord;

/**
 * One record of the mini benchmark: a QA pair in TOFU's fields, plus the author it is about and
 * the fact it asks for (extra fields, which DatasetFiles ignores).
 */
public record MiniQa(
    String author, AuthorFact fact, String question, String answer, String paraphrasedAnswer,
    List<String> perturbedAnswers) {

  public MiniQa {
    perturbedAnswers = List.copyOf(perturbedAnswers);
  }

  public QaRecord toQaRecord() {
    return new QaRecord(question, answer, Optional.of(paraphrasedAnswer), perturbedAnswers);
  }
}
