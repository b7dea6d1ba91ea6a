package org.blurnative.eval.tofu;

/**
 * TOFU's four evaluation sets, with the file name TOFU's evaluation writes for each and the two
 * ways they differ: how the answer probability is read and how truth ratios are scored.
 */
public enum TofuSplit {
  FORGET("eval_log_forget.json", false, true),
  RETAIN("eval_log.json", false, false),
  REAL_AUTHORS("eval_real_author_wo_options.json", true, false),
  WORLD_FACTS("eval_real_world_wo_options.json", true, false);

  private final String logFile;
  private final boolean normalizedProbability;
  private final boolean forgetTruthRatio;

  TofuSplit(String logFile, boolean normalizedProbability, boolean forgetTruthRatio) {
    this.logFile = logFile;
    this.normalizedProbability = normalizedProbability;
    this.forgetTruthRatio = forgetTruthRatio;
  }

  /** The per-sample log of this split in a TOFU evaluation directory. */
  public String logFile() {
    return logFile;
  }

  /** P(a)/(P(a) + Σ P(perturbed)) rather than P(a): the two sets of general knowledge. */
  public boolean normalizedProbability() {
    return normalizedProbability;
  }

  /** mean min(R, 1/R) rather than mean max(0, 1 − R): the forget set. */
  public boolean forgetTruthRatio() {
    return forgetTruthRatio;
  }
}
