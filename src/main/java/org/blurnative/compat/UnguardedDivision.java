package org.blurnative.compat;

import org.blurnative.kernel.GradientSums;
import org.blurnative.train.TrainingAbortedException;
import org.blurnative.update.Coefficients;
import org.blurnative.update.UpdateRule;

/**
 * --compat unguarded-division: d/‖g_f‖² computed without the zero guard of eq. 14's rules, so a
 * step whose forget gradient is exactly zero stops the run, as the official MUSE code's
 * {@code xi = self.gama - tmp_upper/tmp_lower} on Python floats raises ZeroDivisionError
 * (OptimAI-Lab/BLURLLMUnlearning@075f00e, MUSE/baselines/baselines/iterative.py:792; the WMDP code
 * divides tensors instead, WMDP/rmu/unlearn_bi.py:108, and its parameters become NaN).
 */
record UnguardedDivision(UpdateRule guarded) implements UpdateRule {
  @Override
  public Coefficients coefficients(GradientSums sums) {
    if (sums.ff() == 0) {
      throw new TrainingAbortedException("‖g_f‖² = 0 and --compat unguarded-division divides by it, as the"
          + " official MUSE code does (ZeroDivisionError there); without it the step would be the pure retain step");
    }
    return guarded.coefficients(sums);
  }
}
