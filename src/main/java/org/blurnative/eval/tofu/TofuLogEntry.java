package org.blurnative.eval.tofu;

import org.blurnative.eval.rouge.RougeScorer;

/**
 * One question of a TOFU per-sample evaluation log, as TOFU's evaluate_util.py writes it.
 *
 * @param index the sample's key in the log ("0", "1", …)
 * @param prompt the generation prompt ({@code generated_text[i][0]})
 * @param generated the greedy generation ({@code generated_text[i][1]})
 * @param groundTruth the reference answer ({@code generated_text[i][2]})
 * @param rougeLRecall the stored {@code rougeL_recall}
 * @param rouge1Recall the stored {@code rouge1_recall}
 */
public record TofuLogEntry(
    String index, String prompt, String generated, String groundTruth,
    double answerMeanNll, double paraphrasedMeanNll, double[] perturbedMeanNlls,
    double rougeLRecall, double rouge1Recall) {

  public TofuLogEntry {
    perturbedMeanNlls = perturbedMeanNlls.clone();
  }

  /** The sample with the stored ROUGE-L recall. */
  public TofuSample sample() {
    return new TofuSample(answerMeanNll, paraphrasedMeanNll, perturbedMeanNlls, rougeLRecall);
  }

  /** The sample with ROUGE-L recall recomputed from the texts: {@code score(groundTruth, generated)}. */
  public TofuSample sample(RougeScorer scorer) {
    double recall = scorer.rougeL(groundTruth, generated).recall();
    return new TofuSample(answerMeanNll, paraphrasedMeanNll, perturbedMeanNlls, recall);
  }
}
