package org.blurnative.api;

import org.blurnative.kernel.GradientSums;
import org.blurnative.update.Coefficients;
import org.blurnative.update.Diagnostics;

/**
 * What one {@link BlurOptimizer#step} did.
 *
 * @param sums d = ⟨g_f, g_r⟩, F = ‖g_f‖², R = ‖g_r‖² and the non-finite flag
 * @param coefficients the (c_f, c_r) applied, after clipping
 * @param diagnostics cos, A_f, A_r and ‖u‖ of the step applied
 * @param clipScale the factor clipping shortened u by, or null when it did not
 * @param skipped the sums were not finite, so θ and the optimizer state were left as they were
 */
public record StepResult(GradientSums sums, Coefficients coefficients, Diagnostics diagnostics,
    Double clipScale, boolean skipped) {}
