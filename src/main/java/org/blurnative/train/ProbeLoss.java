package org.blurnative.train;

import java.util.Locale;

/**
 * The loss whose parabola along the step sets the adaptive learning rate ({@link StepSizeProbe}).
 */
public enum ProbeLoss {
  /**
   * The retain loss r alone: the rate that minimises r along the step's direction, so forgetting
   * goes as fast as the retain loss allows. With a gradient-ascent forget loss (NGDiff's) this is
   * the variant that has a minimum to find: NLL is convex-like, while the combined loss, which
   * contains −NLL, is close to linear or concave along the step and mostly leaves the rate as it
   * is (measured on the mini benchmark).
   */
  RETAIN,
  /**
   * c_f·f + c_r·r with the step's coefficients: the scalarisation whose gradient at θ is the
   * step's u (for NGDiff, f/‖g_f‖ + r/‖g_r‖; for a single objective, the loss itself).
   */
  COMBINED;

  public static ProbeLoss parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--adaptive-lr-loss must be retain or combined, got '" + name + "'");
    }
  }
}
