package org.blurnative.train;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.blurnative.loss.GradientAscentLoss;
import org.blurnative.loss.KlLoss;
import org.blurnative.loss.Loss;
import org.blurnative.loss.NllLoss;
import org.blurnative.loss.NpoLoss;
import org.blurnative.loss.RmuForgetLoss;
import org.blurnative.loss.RmuRetainLoss;
import org.blurnative.loss.SimNpoLoss;
import org.blurnative.update.BlurRule;
import org.blurnative.update.NormalizedDifferenceRule;
import org.blurnative.update.SwappedBlurRule;
import org.blurnative.update.UpdateRule;
import org.blurnative.update.WeightedSumRule;

/**
 * The unlearning methods users name, as the paper names them: a forget loss, a retain loss (none
 * for GA) and the rule combining their gradients (DESIGN.md §1).
 */
public enum Method {
  BLUR_NPO, BLUR_SIMNPO, BLUR_RMU, GA, GRADDIFF, NPO, SIMNPO, NGDIFF, RMU;

  /** blur-npo, ga, …: what users type. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Method parse(String name) {
    for (Method m : values()) {
      if (m.label().equals(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown method '" + name + "' (expected one of "
        + Arrays.stream(values()).map(Method::label).collect(Collectors.joining(", ")) + ")");
  }

  /** RMU variants read forget and retain text; the others read QA pairs. */
  public boolean usesText() {
    return this == BLUR_RMU || this == RMU;
  }

  public Loss forgetLoss(MethodParameters p, int hiddenSize) {
    return switch (this) {
      case BLUR_NPO, NPO -> new NpoLoss(p.beta());
      case BLUR_SIMNPO, SIMNPO -> new SimNpoLoss(p.beta(), p.delta());
      case BLUR_RMU, RMU -> RmuForgetLoss.seeded(p.rmuLayer(), hiddenSize, p.rmuSteering(), p.seed());
      case GA, GRADDIFF, NGDIFF -> new GradientAscentLoss();
    };
  }

  /** Every method but GA has a retain term. */
  public boolean hasRetain() {
    return this != GA;
  }

  /** null for GA, which has no retain term. */
  public Loss retainLoss(MethodParameters p) {
    if (usesText() && p.retainLoss() == MethodParameters.RetainLoss.KL) {
      throw new IllegalArgumentException("--retain-loss kl: " + label() + " keeps the retain set with RMU's own loss");
    }
    return switch (this) {
      case GA -> null;
      case BLUR_RMU, RMU -> new RmuRetainLoss(p.rmuLayer());
      default -> p.retainLoss() == MethodParameters.RetainLoss.KL ? new KlLoss() : new NllLoss();
    };
  }

  /** BLUR-NPO, BLUR-SimNPO and BLUR-RMU: the bi-level methods. */
  public boolean isBlur() {
    return this == BLUR_NPO || this == BLUR_SIMNPO || this == BLUR_RMU;
  }

  /**
   * How often the method probes its step size by default (TrainingSettings#adaptiveLrEvery):
   * NGDiff comes with GeN's adaptive learning rate, probed every 4 steps as GeN's authors
   * recommend for cost (3 forward passes per probe); the others use the schedule alone.
   */
  public int defaultAdaptiveLrEvery() {
    return this == NGDIFF ? 4 : 0;
  }

  public UpdateRule rule(MethodParameters p) {
    if (p.swapLevels() && !isBlur()) {
      throw new IllegalArgumentException("--swap-levels applies to the BLUR methods, not " + label());
    }
    return switch (this) {
      case BLUR_NPO, BLUR_SIMNPO, BLUR_RMU -> p.swapLevels() ? new SwappedBlurRule(p.gamma()) : new BlurRule(p.gamma());
      case GA -> WeightedSumRule.gradientAscent();
      case GRADDIFF, NPO, SIMNPO, RMU -> new WeightedSumRule(p.lambda());
      case NGDIFF -> new NormalizedDifferenceRule();
    };
  }
}
