package org.blurnative.eval.openunlearning;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.blurnative.eval.rouge.RougeScore;
import org.blurnative.eval.rouge.RougeScorer;

/**
 * One generation's entry in an open-unlearning *_ROUGE metric, the fields and their order as
 * src/evals/metrics/utils.py eval_text_similarity (commit d3d7cf9) writes them: its scores by
 * {@code rouge_scorer.RougeScorer(["rouge1", "rougeL"], use_stemmer=True)}, then the prompt as
 * the model saw it ({@code input}: its ids decoded without special tokens), the reference and the
 * generation, as {@link #groundTruth} and {@link #generation} derive them from the decoded texts.
 */
public record RougeEntry(double rouge1Recall, double rougeLF1, double rougeLRecall, String input,
    String groundTruth, String generation) {

  private static final RougeScorer SCORER = RougeScorer.tofu();

  public static RougeEntry of(String input, String groundTruth, String generation) {
    RougeScore rougeL = SCORER.rougeL(groundTruth, generation);
    return new RougeEntry(SCORER.rouge1(groundTruth, generation).recall(), rougeL.fmeasure(), rougeL.recall(),
        input, groundTruth, generation);
  }

  /** {@code full_text.replace(input_text, "").strip()}: every occurrence of the input goes. */
  public static String groundTruth(String input, String fullText) {
    return fullText.replace(input, "").strip();
  }

  /** {@code for word in stopwords: if word and word in text: text = text.split(word)[0]}, then strip. */
  public static String generation(String text, List<String> stopWords) {
    String out = text;
    for (String word : stopWords) {
      int at = word.isEmpty() ? -1 : out.indexOf(word);
      if (at >= 0) {
        out = out.substring(0, at);
      }
    }
    return out.strip();
  }

  Map<String, Object> log() {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("rouge1_recall", rouge1Recall);
    v.put("rougeL_f1", rougeLF1);
    v.put("rougeL_recall", rougeLRecall);
    v.put("input", input);
    v.put("ground_truth", groundTruth);
    v.put("generation", generation);
    return v;
  }
}
