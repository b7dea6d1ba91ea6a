package org.blurnative.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.blurnative.loss.CeuLoss;
import org.blurnative.loss.DpoLoss;
import org.blurnative.loss.GradientAscentLoss;
import org.blurnative.loss.KlLoss;
import org.blurnative.loss.NllLoss;
import org.blurnative.loss.NpoLoss;
import org.blurnative.loss.RmuRetainLoss;
import org.blurnative.loss.SimNpoLoss;
import org.blurnative.loss.WgaLoss;
import org.blurnative.update.BlurRule;
import org.blurnative.update.CaGradRule;
import org.blurnative.update.MinNormRule;
import org.blurnative.update.NormalizedDifferenceRule;
import org.blurnative.update.PcGradRule;
import org.blurnative.update.ScaleInvariantBlurRule;
import org.blurnative.update.SwappedBlurRule;
import org.blurnative.update.WeightedSumRule;
import org.junit.jupiter.api.Test;

/** Method names are rule × forget loss, and the names from before the split still mean what they did. */
class MethodTest {
  static MethodParameters params(boolean swap, MethodParameters.RetainLoss retain) {
    return new MethodParameters(0.7, 0.1, 0, 0.25, 1, 6.5, 7, retain, swap, 0.4, 1.5, 10, 5, 1);
  }

  static final MethodParameters P = params(false, MethodParameters.RetainLoss.NLL);

  @Test
  void everyNameIsUniqueAndParsesBack() {
    Set<String> seen = new HashSet<>();
    for (Method m : Method.all()) {
      assertTrue(seen.add(m.label()), "twice: " + m.label());
      assertEquals(m, Method.parse(m.label()));
    }
    // every rule × every loss, plus ga alone
    assertEquals(1 + 7 * Method.ForgetLoss.values().length, seen.size());
    List<String> names = new java.util.ArrayList<>();
    new Method.Names().forEach(names::add);
    assertEquals(seen, new HashSet<>(names));
  }

  @Test
  void theNamesFromBeforeTheSplitKeepTheirRulesAndLosses() {
    assertInstanceOf(BlurRule.class, Method.parse("blur-npo").rule(P));
    assertEquals(0.7, ((BlurRule) Method.parse("blur-simnpo").rule(P)).gamma());
    assertInstanceOf(NpoLoss.class, Method.parse("blur-npo").forgetLoss(P, 4));
    assertInstanceOf(SimNpoLoss.class, Method.parse("simnpo").forgetLoss(P, 4));
    assertEquals(new WeightedSumRule(0.25), Method.parse("npo").rule(P));
    assertEquals(new WeightedSumRule(0.25), Method.parse("graddiff").rule(P));
    assertInstanceOf(GradientAscentLoss.class, Method.parse("graddiff").forgetLoss(P, 4));
    assertEquals(WeightedSumRule.gradientAscent(), Method.parse("ga").rule(P));
    assertFalse(Method.parse("ga").hasRetain());
    assertNull(Method.parse("ga").retainLoss(P));
    assertInstanceOf(NormalizedDifferenceRule.class, Method.parse("ngdiff").rule(P));
    assertInstanceOf(GradientAscentLoss.class, Method.parse("ngdiff").forgetLoss(P, 4));
    assertEquals(4, Method.parse("ngdiff").defaultAdaptiveLrEvery());
    assertEquals(4, Method.parse("ngdiff-npo").defaultAdaptiveLrEvery());
    assertTrue(Method.parse("blur-rmu").usesText() && Method.parse("rmu").usesText());
    assertInstanceOf(RmuRetainLoss.class, Method.parse("blur-rmu").retainLoss(P));
    assertInstanceOf(SwappedBlurRule.class, Method.parse("blur-npo").rule(params(true, MethodParameters.RetainLoss.NLL)));
  }

  @Test
  void newRulesAndLossesCombineFreely() {
    assertInstanceOf(PcGradRule.class, Method.parse("pcgrad-npo").rule(P));
    assertInstanceOf(MinNormRule.class, Method.parse("mgda-simnpo").rule(P));
    assertEquals(new CaGradRule(0.4), Method.parse("cagrad-npo").rule(P));
    assertEquals(new ScaleInvariantBlurRule(0.7), Method.parse("siblur-npo").rule(P));
    assertEquals(new WgaLoss(1.5), Method.parse("blur-wga").forgetLoss(P, 4));
    assertInstanceOf(CeuLoss.class, Method.parse("ceu").forgetLoss(P, 4));
    assertInstanceOf(NllLoss.class, Method.parse("pcgrad-wga").retainLoss(P));
    assertInstanceOf(KlLoss.class, Method.parse("mgda-undial").retainLoss(params(false, MethodParameters.RetainLoss.KL)));
    assertInstanceOf(PcGradRule.class, Method.parse("pcgrad-ga").rule(P));
  }

  @Test
  void dpoAndIdkDpoPairWithEveryRuleAndDifferInTheirPreferredAnswers() {
    for (Method.Rule rule : Method.Rule.values()) {
      if (rule == Method.Rule.FORGET_ONLY) {
        continue;  // only ga goes without a retain term
      }
      for (Method.ForgetLoss loss : List.of(Method.ForgetLoss.DPO, Method.ForgetLoss.IDKDPO)) {
        Method m = new Method(rule, loss);
        assertEquals(m, Method.parse(m.label()));
        assertEquals(new DpoLoss(0.1), m.forgetLoss(P, 4), m.label());
        assertInstanceOf(NllLoss.class, m.retainLoss(P));
      }
    }
    assertEquals(List.of("dpo", "blur-dpo", "pcgrad-idkdpo", "idkdpo"), List.of(Method.parse("dpo").label(),
        Method.parse("blur-dpo").label(), Method.parse("pcgrad-idkdpo").label(), Method.parse("idkdpo").label()));
    assertEquals(Method.AlternateAnswers.RECORDED, Method.parse("blur-dpo").alternateAnswers());
    assertEquals(Method.AlternateAnswers.IDK, Method.parse("blur-idkdpo").alternateAnswers());
    assertEquals(Method.AlternateAnswers.NONE, Method.parse("blur-idknll").alternateAnswers());
    // --idk: idknll answers with them, idkdpo prefers them, dpo reads its own
    assertTrue(Method.parse("idknll").usesIdk() && Method.parse("mgda-idkdpo").usesIdk());
    assertFalse(Method.parse("cagrad-dpo").usesIdk() || Method.parse("idkdpo").answersIdk());
  }

  @Test
  void badNamesAndMisappliedOptionsNameTheFlag() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Method.parse("blur-sparkle"));
    assertTrue(e.getMessage().startsWith("--method: unknown method 'blur-sparkle'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Method.parse("ga-npo"));
    e = assertThrows(IllegalArgumentException.class,
        () -> Method.parse("pcgrad-npo").rule(params(true, MethodParameters.RetainLoss.NLL)));
    assertTrue(e.getMessage().startsWith("--swap-levels"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new MethodParameters(1, 0.1, 0, 1, 1, 6.5, 7, MethodParameters.RetainLoss.NLL, false, -1, 1, 10, 5, 1));
    assertTrue(e.getMessage().startsWith("--cagrad-c must be"), e.getMessage());
  }
}
