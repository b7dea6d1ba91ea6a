package org.blurnative.eval.muse;

import java.util.List;
import org.blurnative.eval.rouge.RougeScorer;

/**
 * MUSE's VerbMem and KnowMem: the mean ROUGE-L F1 (rouge_score without stemming) of each output
 * against its reference, × 100 (MUSE eval.py, {@code agg['mean_rougeL'] * 100}).
 */
public final class MuseRouge {
  private static final RougeScorer SCORER = RougeScorer.muse();

  /** Where MUSE's knowmem.py cuts a generated answer: before the first of these. */
  public static final List<String> ANSWER_ENDS = List.of("\n\n", "\nQuestion", "Question:");

  private MuseRouge() {}

  public static double meanF1Percent(List<String> references, List<String> outputs) {
    if (references.size() != outputs.size() || references.isEmpty()) {
      throw new IllegalArgumentException("MUSE ROUGE needs as many outputs as references, at least one; got "
          + outputs.size() + " and " + references.size());
    }
    double sum = 0;
    for (int i = 0; i < references.size(); i++) {
      sum += f1(references.get(i), outputs.get(i));
    }
    return sum / references.size() * 100;
  }

  /** One output's ROUGE-L F1 against its reference, in [0, 1]. */
  public static double f1(String reference, String output) {
    return SCORER.rougeL(reference, output).fmeasure();
  }

  /** KnowMem's answer: the generation up to the first blank line or next "Question". */
  public static String knowMemAnswer(String generated) {
    String answer = generated;
    for (String end : ANSWER_ENDS) {
      int at = answer.indexOf(end);
      if (at >= 0) {
        answer = answer.substring(0, at);
      }
    }
    return answer;
  }
}
