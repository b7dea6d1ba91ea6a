package org.blurnative.compat;

import java.util.Locale;

/**
 * A deterministic difference between the official BLUR code (OptimAI-Lab/BLURLLMUnlearning at
 * commit 075f00e) and eq. 14 as this product computes it, reproducible one at a time with
 * --compat NAME (docs/reproduction.md has each with its lines and what it changes).
 */
public enum Departure {
  /** TOFU/src/trainer/unlearn/base.py:315-322, 776-796: only the last micro-batch is projected. */
  LAST_MICRO_BATCH("TOFU: the projection sees only the last micro-batch's gradients of each step"),
  /**
   * TOFU/src/trainer/unlearn/base.py:754-770 clips the summed .grad, which 805-808 then overwrite
   * with the projected gradient; MUSE/baselines/baselines/iterative.py:342-361 moves the gradients
   * aside before the clipping at 733-745 and 795 writes u after it.
   */
  UNCLIPPED_U("TOFU, MUSE: u is never clipped, whatever the clipping norm"),
  /** TOFU/src/trainer/unlearn/base.py:256: self.gamma = 1.0 whatever the configuration passes. */
  GAMMA_ONE("TOFU: γ = 1 whatever --gamma says"),
  /** TOFU/src/trainer/utils.py:24-34, 57: compute_batch_nll returns the batch's mean. */
  BATCH_MEAN_NPO("TOFU: NPO of the micro-batch's mean log-ratio, not the mean of NPO per sample"),
  /** MUSE/baselines/baselines/iterative.py:289-290. */
  RAW_LOGIT_NPO("MUSE: NPO's log-ratio on raw logits, averaged over positions and vocabulary"),
  /** MUSE/baselines/baselines/iterative.py:302-307. */
  RAW_LOGIT_KL("MUSE: the KL retain loss on raw logits"),
  /** WMDP/rmu/unlearn_bi.py:105-108. */
  RMU_ALPHA("WMDP: u = g_f + α(g_r − (d/F)·g_f), α the retain weight (--lambda)"),
  /** MUSE/baselines/baselines/iterative.py:792 (ZeroDivisionError); WMDP/rmu/unlearn_bi.py:108 (NaN). */
  UNGUARDED_DIVISION("MUSE, WMDP: d/‖g_f‖² without a zero guard: the run aborts when ‖g_f‖² = 0");

  private final String description;

  Departure(String description) {
    this.description = description;
  }

  /** What users type: last-micro-batch, raw-logit-npo, … */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public String description() {
    return description;
  }

  static Departure parse(String label) {
    for (Departure d : values()) {
      if (d.label().equals(label)) {
        return d;
      }
    }
    return null;
  }
}
