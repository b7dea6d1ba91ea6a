package org.blurnative.eval.tofu;

/**
 * What TOFU's metrics need of one question, all model outputs already reduced to numbers.
 *
 * @param answerMeanNll mean NLL of the ground-truth answer's tokens ({@code avg_gt_loss})
 * @param paraphrasedMeanNll mean NLL of the paraphrased answer ({@code avg_paraphrased_loss}; on
 *     real authors and world facts TOFU uses the answer itself)
 * @param perturbedMeanNlls mean NLL of each perturbed answer ({@code average_perturb_loss})
 * @param rougeLRecall ROUGE-L recall of the greedy generation against the answer
 */
public record TofuSample(
    double answerMeanNll, double paraphrasedMeanNll, double[] perturbedMeanNlls, double rougeLRecall) {

  public TofuSample {
    perturbedMeanNlls = perturbedMeanNlls.clone();
  }

  /** R = P_pert/P_para. */
  public double truthRatio() {
    return TruthRatio.of(paraphrasedMeanNll, perturbedMeanNlls);
  }

  /** P(a), or P(a)/(P(a) + Σ P(perturbed)) where the split asks for it. */
  public double probability(TofuSplit split) {
    return split.normalizedProbability()
        ? AnswerProbability.normalized(answerMeanNll, perturbedMeanNlls)
        : AnswerProbability.of(answerMeanNll);
  }
}
