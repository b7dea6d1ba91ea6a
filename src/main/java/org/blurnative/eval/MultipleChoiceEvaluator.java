package org.blurnative.eval;

import java.util.ArrayList;
import java.util.List;
import org.blurnative.data.ChoiceRecord;
import org.blurnative.data.ExampleEncoder;
import org.blurnative.data.PromptParts;
import org.blurnative.data.TokenizedExample;
import org.blurnative.eval.wmdp.MultipleChoice;

/**
 * WMDP/MMLU-style zero-shot multiple choice (DESIGN.md §6): the question and lettered choices,
 * then "Answer:"; the model's pick is the letter whose " A"/" B"/… has the highest log-likelihood.
 */
public final class MultipleChoiceEvaluator {
  private final AnswerLikelihood likelihood;
  private final ExampleEncoder encoder;

  /** {@code encoder} must not end answers with EOS: a letter is scored alone. */
  public MultipleChoiceEvaluator(AnswerLikelihood likelihood, ExampleEncoder encoder) {
    this.likelihood = likelihood;
    this.encoder = encoder;
  }

  static String prompt(ChoiceRecord r) {
    StringBuilder p = new StringBuilder(r.question().strip()).append('\n');
    for (int i = 0; i < r.choices().size(); i++) {
      p.append(ChoiceRecord.letter(i)).append(". ").append(r.choices().get(i).strip()).append('\n');
    }
    return p.append("Answer:").toString();
  }

  /** Per record, the log-likelihood of each choice's letter. */
  public List<double[]> letterLogLikelihoods(List<ChoiceRecord> records) {
    List<TokenizedExample> examples = new ArrayList<>();
    for (ChoiceRecord r : records) {
      String prompt = prompt(r);
      for (int i = 0; i < r.choices().size(); i++) {
        examples.add(encoder.parts(new PromptParts(prompt, " " + ChoiceRecord.letter(i))));
      }
    }
    double[] flat = likelihood.logLikelihoods(examples);
    List<double[]> out = new ArrayList<>();
    int k = 0;
    for (ChoiceRecord r : records) {
      double[] scores = new double[r.choices().size()];
      for (int i = 0; i < scores.length; i++) {
        scores[i] = flat[k++];
      }
      out.add(scores);
    }
    return out;
  }

  public MultipleChoice.Accuracy accuracy(List<ChoiceRecord> records) {
    int[] answers = records.stream().mapToInt(ChoiceRecord::answer).toArray();
    return MultipleChoice.accuracy(letterLogLikelihoods(records), answers);
  }
}
