package org.blurnative.train;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.blurnative.loss.CeuLoss;
import org.blurnative.loss.DpoLoss;
import org.blurnative.loss.GradientAscentLoss;
import org.blurnative.loss.KlLoss;
import org.blurnative.loss.Loss;
import org.blurnative.loss.NllLoss;
import org.blurnative.loss.NpoLoss;
import org.blurnative.loss.RmuForgetLoss;
import org.blurnative.loss.RmuRetainLoss;
import org.blurnative.loss.SatImpLoss;
import org.blurnative.loss.SimNpoLoss;
import org.blurnative.loss.UndialLoss;
import org.blurnative.loss.WgaLoss;
import org.blurnative.update.BlurRule;
import org.blurnative.update.CaGradRule;
import org.blurnative.update.MinNormRule;
import org.blurnative.update.NormalizedDifferenceRule;
import org.blurnative.update.PcGradRule;
import org.blurnative.update.ScaleInvariantBlurRule;
import org.blurnative.update.SwappedBlurRule;
import org.blurnative.update.UpdateRule;
import org.blurnative.update.WeightedSumRule;

/**
 * An unlearning method users name: a rule combining the two gradients × a forget loss, with the
 * retain loss the forget loss's data calls for (DESIGN.md §1). Names are {@code RULE-LOSS}
 * (blur-npo, pcgrad-wga), a bare loss for its weighted sum with --lambda (npo, wga), and the
 * paper's names for gradient ascent: ga (no retain term), graddiff and ngdiff.
 */
public record Method(Rule rule, ForgetLoss forget) {

  /** How the two gradients are combined, a pure function of (d, F, R) (package update). */
  public enum Rule {
    FORGET_ONLY(null),
    WEIGHTED_SUM(""),
    BLUR("blur"),
    SCALE_INVARIANT_BLUR("siblur"),
    PCGRAD("pcgrad"),
    MGDA("mgda"),
    CAGRAD("cagrad"),
    NGDIFF("ngdiff");

    private final String prefix;  // null: offered only as ga

    Rule(String prefix) {
      this.prefix = prefix;
    }
  }

  /** The forget objective; its label is what follows the rule in a method's name. */
  public enum ForgetLoss {
    GA, NPO, SIMNPO, RMU, WGA, UNDIAL, SATIMP, CEU, IDKNLL, DPO, IDKDPO;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** blur-npo, ga, …: what users type. */
  public String label() {
    if (forget == ForgetLoss.GA && rule == Rule.FORGET_ONLY) {
      return "ga";
    }
    if (forget == ForgetLoss.GA && rule == Rule.WEIGHTED_SUM) {
      return "graddiff";
    }
    if (forget == ForgetLoss.GA && rule == Rule.NGDIFF) {
      return "ngdiff";
    }
    return rule.prefix.isEmpty() ? forget.label() : rule.prefix + "-" + forget.label();
  }

  /** Every method there is, in the order --help lists them: rule by rule, loss by loss. */
  public static List<Method> all() {
    List<Method> all = new ArrayList<>();
    all.add(new Method(Rule.FORGET_ONLY, ForgetLoss.GA));
    for (Rule r : Rule.values()) {
      if (r != Rule.FORGET_ONLY) {
        for (ForgetLoss f : ForgetLoss.values()) {
          all.add(new Method(r, f));
        }
      }
    }
    return all;
  }

  public static Method parse(String name) {
    for (Method m : all()) {
      if (m.label().equals(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException("--method: unknown method '" + name + "' (RULE-LOSS with RULE one of blur,"
        + " siblur, pcgrad, mgda, cagrad, ngdiff, or a bare LOSS for the weighted sum; LOSS one of ga, npo, simnpo,"
        + " rmu, wga, undial, satimp, ceu, idknll, dpo, idkdpo; also ga, graddiff, ngdiff; `train --help` lists them all)");
  }

  /** RMU variants read forget and retain text; the others read QA pairs. */
  public boolean usesText() {
    return forget == ForgetLoss.RMU;
  }

  public Loss forgetLoss(MethodParameters p, int hiddenSize) {
    return switch (forget) {
      case GA -> new GradientAscentLoss();
      case NPO -> new NpoLoss(p.beta());
      case SIMNPO -> new SimNpoLoss(p.beta(), p.delta());
      case RMU -> RmuForgetLoss.seeded(p.rmuLayer(), hiddenSize, p.rmuSteering(), p.seed());
      case WGA -> new WgaLoss(p.wgaBeta());
      case UNDIAL -> new UndialLoss(p.undialStrength());
      case SATIMP -> new SatImpLoss(p.satImpBeta1(), p.satImpBeta2());
      case CEU -> new CeuLoss();
      // TOFU's "idk" (locuslab/tofu dataloader.py, loss_type "idk"): NLL of the forget questions
      // answered "I don't know", minimised; the answers are swapped in by the data (answersIdk)
      case IDKNLL -> new NllLoss();
      // open-unlearning's DPO trainer (src/trainer/unlearn/dpo.py, commit d3d7cf9), beta from
      // --beta (its configs/trainer/DPO.yaml: 0.1); the two differ in their preferred answers only
      case DPO, IDKDPO -> new DpoLoss(p.beta());
    };
  }

  /** IdkNLL reads the forget questions with TOFU's "I don't know" answers in place of theirs. */
  public boolean answersIdk() {
    return forget == ForgetLoss.IDKNLL;
  }

  /** Where a preference loss's preferred answer to each forget question comes from. */
  public enum AlternateAnswers {
    /** The loss compares no answers. */
    NONE,
    /**
     * One of TOFU's "I don't know" answers, drawn per example from --seed: open-unlearning's
     * IdkDPO, the DPO trainer on QAwithIdkDataset (configs/experiment/unlearn/tofu/idk.yaml).
     */
    IDK,
    /**
     * The forget record's own "alternate" field: open-unlearning's DPO trainer on
     * QAwithAlternateDataset with alternate_key alternate (src/data/qa.py; AltPO's run.sh).
     */
    RECORDED
  }

  public AlternateAnswers alternateAnswers() {
    return switch (forget) {
      case DPO -> AlternateAnswers.RECORDED;
      case IDKDPO -> AlternateAnswers.IDK;
      default -> AlternateAnswers.NONE;
    };
  }

  /** Whether the method reads "I don't know" answers (--idk), as its answers or as its preferred ones. */
  public boolean usesIdk() {
    return answersIdk() || alternateAnswers() == AlternateAnswers.IDK;
  }

  /** Every method but GA has a retain term. */
  public boolean hasRetain() {
    return rule != Rule.FORGET_ONLY;
  }

  /** null for GA, which has no retain term. */
  public Loss retainLoss(MethodParameters p) {
    if (usesText() && p.retainLoss() == MethodParameters.RetainLoss.KL) {
      throw new IllegalArgumentException("--retain-loss kl: " + label() + " keeps the retain set with RMU's own loss");
    }
    if (!hasRetain()) {
      return null;
    }
    if (usesText()) {
      return new RmuRetainLoss(p.rmuLayer());
    }
    return p.retainLoss() == MethodParameters.RetainLoss.KL ? new KlLoss() : new NllLoss();
  }

  /** The bi-level methods of the paper (eq. 14), the ones --swap-levels applies to. */
  public boolean isBlur() {
    return rule == Rule.BLUR;
  }

  /**
   * How often the method probes its step size by default (TrainingSettings#adaptiveLrEvery):
   * NGDiff comes with GeN's adaptive learning rate, probed every 4 steps as GeN's authors
   * recommend for cost (3 forward passes per probe); the others use the schedule alone.
   */
  public int defaultAdaptiveLrEvery() {
    return rule == Rule.NGDIFF ? 4 : 0;
  }

  public UpdateRule rule(MethodParameters p) {
    if (p.swapLevels() && !isBlur()) {
      throw new IllegalArgumentException("--swap-levels applies to the BLUR methods, not " + label());
    }
    return switch (rule) {
      case FORGET_ONLY -> WeightedSumRule.gradientAscent();
      case WEIGHTED_SUM -> new WeightedSumRule(p.lambda());
      case BLUR -> p.swapLevels() ? new SwappedBlurRule(p.gamma()) : new BlurRule(p.gamma());
      case SCALE_INVARIANT_BLUR -> new ScaleInvariantBlurRule(p.gamma());
      case PCGRAD -> new PcGradRule();
      case MGDA -> new MinNormRule();
      case CAGRAD -> new CaGradRule(p.cagradC());
      case NGDIFF -> new NormalizedDifferenceRule();
    };
  }

  /** The names for picocli's ${COMPLETION-CANDIDATES} in --help. */
  public static final class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return all().stream().map(Method::label).iterator();
    }
  }
}
