package org.blurnative.eval;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.blurnative.data.ExampleEncoder;
import org.blurnative.data.QaRecord;
import org.blurnative.data.Truncation;
import org.blurnative.eval.openunlearning.RougeEntry;
import org.blurnative.eval.rouge.RougeScorer;
import org.blurnative.eval.tofu.TofuSample;
import org.blurnative.eval.tofu.TofuSplit;
import org.blurnative.model.LlamaModel;
import org.blurnative.tokenizer.Tokenizer;

/**
 * A model's TOFU per-sample values (DESIGN.md §6): the mean NLL of the answer, of the paraphrased
 * answer (the answer itself where a set has no paraphrase, as TOFU does for real authors and world
 * facts) and of each perturbed answer, and the ROUGE-L recall of the greedy answer.
 */
public final class TofuEvaluator {
  private final AnswerLikelihood likelihood;
  private final GreedyAnswers generator;
  private final RougeScorer rouge = RougeScorer.tofu();
  private final OpenUnlearningQaRouge openUnlearningRouge;

  public TofuEvaluator(LlamaModel model, Tokenizer tokenizer, ExampleEncoder encoder, int maxLength,
      int batchSize, int maxNewTokens) {
    this.likelihood = new AnswerLikelihood(model, encoder, tokenizer.padId(), maxLength, batchSize);
    this.generator = new GreedyAnswers(model, encoder, tokenizer, maxNewTokens, batchSize);
    this.openUnlearningRouge = new OpenUnlearningQaRouge(tokenizer, encoder);
  }

  /** What maxLength has cut from the sequences scored so far (answers, paraphrases, perturbed ones). */
  public Truncation.Count truncated() {
    return likelihood.truncated();
  }

  public Map<TofuSplit, List<Scored>> evaluate(Map<TofuSplit, List<QaRecord>> splits) {
    Map<TofuSplit, List<Scored>> out = new EnumMap<>(TofuSplit.class);
    splits.forEach((split, records) -> out.put(split, samples(records)));
    return out;
  }

  /**
   * One record's values, with the texts they came from.
   *
   * @param openUnlearningRouge the same generation as open-unlearning's *_Q_A_ROUGE entry logs it
   */
  public record Scored(QaRecord record, String generated, TofuSample sample, RougeEntry openUnlearningRouge) {}

  public List<Scored> samples(List<QaRecord> records) {
    List<String> questions = records.stream().map(QaRecord::question).toList();
    double[] answer = likelihood.meanNll(questions, records.stream().map(QaRecord::answer).toList());
    double[] paraphrased = likelihood.meanNll(questions,
        records.stream().map(r -> r.paraphrasedAnswer().orElse(r.answer())).toList());

    // every perturbed answer of every record in one batched pass, regrouped afterwards
    List<String> pertQuestions = new ArrayList<>(), pertAnswers = new ArrayList<>();
    for (QaRecord r : records) {
      if (r.perturbedAnswers().isEmpty()) {
        throw new IllegalArgumentException("TOFU's truth ratio needs perturbed answers; \""
            + r.question() + "\" has none");
      }
      for (String p : r.perturbedAnswers()) {
        pertQuestions.add(r.question());
        pertAnswers.add(p);
      }
    }
    double[] perturbed = likelihood.meanNll(pertQuestions, pertAnswers);
    List<String> generated = generator.answer(questions);

    List<Scored> out = new ArrayList<>();
    int k = 0;
    for (int i = 0; i < records.size(); i++) {
      QaRecord r = records.get(i);
      double[] mine = new double[r.perturbedAnswers().size()];
      for (int j = 0; j < mine.length; j++) {
        mine[j] = perturbed[k++];
      }
      double recall = rouge.rougeL(r.answer(), generated.get(i)).recall();
      out.add(new Scored(r, generated.get(i), new TofuSample(answer[i], paraphrased[i], mine, recall),
          openUnlearningRouge.entry(r, generated.get(i))));
    }
    return out;
  }
}
