package org.blurnative.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One line of metrics.jsonl: an optimizer step's losses, the three reductions, the coefficients
 * and the paper's diagnostics (DESIGN.md §5). Undefined values (a diagnostic over a zero norm, the
 * retain loss of a single-objective run) are omitted rather than written as NaN. With the adaptive
 * learning rate, lr_scale is its factor on the schedule for this step and gen_ratio GeN's r*
 * measured after it (on probing steps, when defined). When --clip shortened u, c_f, c_r, A_f, A_r
 * and u_norm describe the u that was applied and clip_scale the factor it was scaled by (BLUR's
 * A_f is then γ·clip_scale). phase_seconds splits the step's seconds ({@link StepTimes}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepMetrics(
    long step,
    int epoch,
    @JsonProperty("forget_loss") Double forgetLoss,
    @JsonProperty("retain_loss") Double retainLoss,
    Double d,
    @JsonProperty("F") Double ff,
    @JsonProperty("R") Double rr,
    @JsonProperty("c_f") Double cf,
    @JsonProperty("c_r") Double cr,
    Double cos,
    @JsonProperty("A_f") Double forgetAlignment,
    @JsonProperty("A_r") Double retainAlignment,
    @JsonProperty("u_norm") Double updateNorm,
    @JsonProperty("clip_scale") Double clipScale,
    double lr,
    @JsonProperty("lr_scale") Double lrScale,
    @JsonProperty("gen_ratio") Double genRatio,
    double seconds,
    @JsonProperty("phase_seconds") StepTimes phases,
    boolean skipped) {

  /** null for NaN and infinities, which JSON cannot hold. */
  static Double finite(double x) {
    return Double.isFinite(x) ? x : null;
  }
}
