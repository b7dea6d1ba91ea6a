package org.blurnative.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.blurnative.train.StepMetrics;
import org.blurnative.update.BlurRule;
import org.blurnative.update.NormalizedDifferenceRule;
import org.blurnative.update.WeightedSumRule;
import org.junit.jupiter.api.Test;

/** report.md's projection section from fixed metrics rows, with the quantiles worked out by hand. */
class ProjectionSummaryTest {
  /** (d, F, R) of five steps: F/R = 100, 100, 400, 10, 40; −d/F = .02, .02, −.01, .05, −.05. */
  private static final double[][] SUMS = {{-2, 100, 1}, {-1, 50, 0.5}, {4, 400, 1}, {-0.5, 10, 1}, {1, 20, 0.5}};

  @Test
  void blurOnAForgetGradientMuchLongerThanTheRetainOneIsNearlyItsBaseline() {
    List<StepMetrics> steps = new ArrayList<>();
    for (int i = 0; i < SUMS.length; i++) {
      double d = SUMS[i][0], f = SUMS[i][1];
      steps.add(step(i + 1, SUMS[i], 1 - d / f, 1));  // BLUR, γ = 1
    }
    steps.add(skipped(6));
    String md = ProjectionSummary.markdown(steps, new BlurRule(1), "blur-npo");
    // sorted −d/F: −.05 −.01 .02 .02 .05 → 10%: −.05 + .4·.04; 90%: .02 + .6·.03
    // cos = d/√(FR): −.2 −.2 −.158 .2 .316 sorted → 90%: .2 + .6·.116; F/R sorted 10 40 100 100 400 → 10%: 22, 90%: 280
    assertEquals("""
        ## How much the projection mattered

        Over the 5 steps with both gradients (of 6); quantiles interpolate linearly between the sorted steps.

        | quantity | min | 10% | median | 90% | max |
        |---|---|---|---|---|---|
        | c_f − γ = −d/F | -0.05 | -0.034 | 0.02 | 0.038 | 0.05 |
        | cos(∇f, ∇r) | -0.2 | -0.2 | -0.158 | 0.27 | 0.316 |
        | F/R | 10 | 22 | 100 | 280 | 400 |

        The forget gradient is 22–280× larger in squared norm than the retain gradient (F/R, 10%–90% of steps) \
        and cos(∇f, ∇r) has median -0.158, so BLUR's correction −d/F is 1.4–5% of γ (median 2%): the projection \
        barely moves u from γ·∇f + ∇r, so BLUR-NPO ≈ NPO.
        """, md);
  }

  @Test
  void aLargeCorrectionIsCalledSubstantialAndGammaSetsTheBaselinesLambda() {
    List<StepMetrics> steps = new ArrayList<>();
    for (int i = 0; i < SUMS.length; i++) {
      steps.add(step(i + 1, SUMS[i], 0.04 - SUMS[i][0] / SUMS[i][1], 1));
    }
    String md = ProjectionSummary.markdown(steps, new BlurRule(0.04), "blur-simnpo");
    // |d/F| / γ: median .02/.04 = 50%, 10%: .014/.04 = 35%
    assertTrue(md.endsWith("so BLUR's correction −d/F is 35–125% of γ (median 50%): a noticeable but minor"
        + " correction to γ·∇f + ∇r.\n"), md);

    steps.replaceAll(m -> step(m.step(), new double[] {m.d() * 2, m.ff(), m.rr()}, 0, 1));
    md = ProjectionSummary.markdown(steps, new BlurRule(0.04), "blur-simnpo");
    assertTrue(md.endsWith("(median 100%): the projection changes u substantially, away from γ·∇f + ∇r.\n"), md);

    steps.replaceAll(m -> step(m.step(), new double[] {m.d() / 20, m.ff(), m.rr()}, 0, 1));
    md = ProjectionSummary.markdown(steps, new BlurRule(0.5), "blur-simnpo");
    assertTrue(md.endsWith("(median 0.4%): the projection barely moves u from γ·∇f + ∇r, so BLUR-SIMNPO ≈ SIMNPO"
        + " with λ = 2.\n"), md);
  }

  @Test
  void otherRulesShowTheEffectiveLambdaAndTheRetainTermsLength() {
    List<StepMetrics> ngdiff = new ArrayList<>(), npo = new ArrayList<>();
    for (int i = 0; i < SUMS.length; i++) {
      ngdiff.add(step(i + 1, SUMS[i], 1 / Math.sqrt(SUMS[i][1]), 1 / Math.sqrt(SUMS[i][2])));
      npo.add(step(i + 1, SUMS[i], 1, 0.5));
    }
    String md = ProjectionSummary.markdown(ngdiff, new NormalizedDifferenceRule(), "ngdiff");
    // λ = √(F/R): 3.16 6.32 10 10 20 → 10%: 3.162 + .4·3.162; both terms have length 1
    assertTrue(md.contains("| effective λ = c_r/c_f | 3.16 | 4.43 | 10 | 16 | 20 |\n"), md);
    assertTrue(md.contains("| ‖c_r·∇r‖ / ‖c_f·∇f‖ | 1 | 1 | 1 | 1 | 1 |\n"), md);
    assertTrue(md.endsWith("The effective λ = c_r/c_f is 4.43–16 (median 10) and the forget gradient is 22–280×"
        + " larger in squared norm than the retain gradient (F/R, 10%–90% of steps), so the retain term c_r·∇r is"
        + " 1× as long as the forget term c_f·∇f (median 1): both terms shape the update.\n"), md);

    md = ProjectionSummary.markdown(npo, new WeightedSumRule(0.5), "npo");
    // ½·√(R/F): .05 .05 .025 .158 .079 → median .05
    assertTrue(md.endsWith("The effective λ = c_r/c_f is 0.5 and the forget gradient is 22–280× larger in squared"
        + " norm than the retain gradient (F/R, 10%–90% of steps), so the retain term c_r·∇r is 0.035–0.126× as"
        + " long as the forget term c_f·∇f (median 0.05): the update is almost pure forgetting, the retain set"
        + " barely steers it.\n"), md);
  }

  @Test
  void noStepWithBothGradientsHasNoSection() {
    assertEquals("", ProjectionSummary.markdown(List.of(skipped(1)), new BlurRule(1), "blur-npo"));
  }

  private static StepMetrics step(long step, double[] sums, double cf, double cr) {
    double d = sums[0], f = sums[1], r = sums[2];
    return new StepMetrics(step, 1, 2.0, 1.0, d, f, r, cf, cr, d / Math.sqrt(f * r), null, null, null, null,
        1e-5, null, null, 0.5, null, false);
  }

  private static StepMetrics skipped(long step) {
    return new StepMetrics(step, 1, null, null, null, null, null, null, null, null, null, null, null, null,
        1e-5, null, null, 0.5, null, true);
  }
}
