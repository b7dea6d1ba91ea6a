package org.blurnative.bench;

import org.blurnative.kernel.OptimizerSettings;
import org.blurnative.update.BlurRule;
import org.blurnative.update.UpdateRule;

/**
 * The update every contender times, so that they differ only in how bytes move: BLUR (eq. 14)
 * with the paper's γ = 1, then AdamW with torch's defaults at the paper's TOFU learning rate.
 */
final class StepRecipe {

  static final double GAMMA = 1.0;

  /** c_f = γ − d/F (0 when F = 0), c_r = 1: the same rule object training uses. */
  static final UpdateRule RULE = new BlurRule(GAMMA);

  static final OptimizerSettings.AdamW ADAMW = OptimizerSettings.AdamW.defaults();

  /** Small, so θ stays finite over any number of timed steps. */
  static final double LR = 1e-5;

  private StepRecipe() {}
}
