package org.blurnative.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.blurnative.kernel.GradientSums;
import org.blurnative.loss.BatchMeanNpoLoss;
import org.blurnative.loss.KlLoss;
import org.blurnative.loss.NllLoss;
import org.blurnative.loss.NpoLoss;
import org.blurnative.loss.RawLogitKlLoss;
import org.blurnative.loss.RawLogitNpoLoss;
import org.blurnative.train.Method;
import org.blurnative.train.MethodParameters;
import org.blurnative.train.MethodParameters.RetainLoss;
import org.blurnative.train.TrainingAbortedException;
import org.blurnative.update.BlurRule;
import org.blurnative.update.RmuAlphaBlurRule;
import org.blurnative.update.UpdateRule;
import org.junit.jupiter.api.Test;

/** What each --compat value stands for, per method, and what it refuses. */
class OfficialCompatTest {
  static final Method BLUR_NPO = Method.parse("blur-npo");
  static final Method BLUR_RMU = Method.parse("blur-rmu");

  static String parse(String value, Method m, RetainLoss retain) {
    return OfficialCompat.parse(value, m, retain, false).label();
  }

  /** The CLI's defaults but α. */
  static MethodParameters withLambda(double lambda) {
    return new MethodParameters(1, 0.1, 0, lambda, 1, 6.5, 1, RetainLoss.NLL, false, 0.5, 1, 10, 5, 1);
  }

  @Test
  void presetsAreTheDeparturesOfTheMethodsBenchmarkTrainer() {
    assertEquals("last-micro-batch,unclipped-u,gamma-one,batch-mean-npo", parse("official", BLUR_NPO, RetainLoss.NLL));
    assertEquals("last-micro-batch,unclipped-u,gamma-one", parse("tofu", Method.parse("blur-simnpo"), RetainLoss.NLL));
    assertEquals("rmu-alpha", parse("official", BLUR_RMU, RetainLoss.NLL));
    assertEquals("unclipped-u,raw-logit-npo", parse("muse", BLUR_NPO, RetainLoss.NLL));
    assertEquals("unclipped-u,raw-logit-npo,raw-logit-kl", parse("muse", BLUR_NPO, RetainLoss.KL));
    assertEquals("unclipped-u", parse("muse", Method.parse("blur-simnpo"), RetainLoss.NLL));
    assertEquals("none", parse("none", BLUR_NPO, RetainLoss.NLL));
    assertEquals("gamma-one,unguarded-division", parse("unguarded-division, gamma-one", BLUR_NPO, RetainLoss.NLL));
    assertEquals("last-micro-batch,unclipped-u,gamma-one,batch-mean-npo,unguarded-division",
        parse("official,unguarded-division", BLUR_NPO, RetainLoss.NLL));
  }

  @Test
  void refusesWhatCannotApplyInOneLine() {
    for (String[] bad : new String[][] {
        {"official", "npo", "not one of its methods"},
        {"raw-logit-npo", "blur-simnpo", "applies to blur-npo"},
        {"raw-logit-kl", "blur-npo", "--retain-loss kl"},
        {"rmu-alpha", "blur-npo", "applies to blur-rmu"},
        {"gamma", "blur-npo", "unknown 'gamma'"},
        {"", "blur-npo", "unknown ''"},
        {"tofu,muse", "blur-npo", "two versions of NPO"}}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> OfficialCompat.parse(bad[0], Method.parse(bad[1]), RetainLoss.NLL, false));
      assertTrue(e.getMessage().contains(bad[2]) && !e.getMessage().contains("\n"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> OfficialCompat.parse("tofu", BLUR_NPO, RetainLoss.NLL, true));
  }

  @Test
  void eachDepartureReplacesOnePart() {
    assertInstanceOf(BatchMeanNpoLoss.class,
        OfficialCompat.parse("tofu", BLUR_NPO, RetainLoss.NLL, false).forgetLoss(new NpoLoss(0.1)));
    OfficialCompat muse = OfficialCompat.parse("muse", BLUR_NPO, RetainLoss.KL, false);
    assertInstanceOf(RawLogitNpoLoss.class, muse.forgetLoss(new NpoLoss(0.1)));
    assertEquals(0.1, ((RawLogitNpoLoss) muse.forgetLoss(new NpoLoss(0.1))).beta());
    assertInstanceOf(RawLogitKlLoss.class, muse.retainLoss(new KlLoss()));
    NllLoss nll = new NllLoss();
    assertSame(nll, OfficialCompat.none().retainLoss(nll));
    UpdateRule blur = new BlurRule(2);
    assertSame(blur, OfficialCompat.none().rule(blur, null));
    OfficialCompat wmdp = OfficialCompat.parse("wmdp", BLUR_RMU, RetainLoss.NLL, false);
    assertInstanceOf(RmuAlphaBlurRule.class, wmdp.rule(blur, withLambda(1200)));
  }

  @Test
  void theUnguardedDivisionStopsTheRunOnAZeroForgetGradientOnly() {
    UpdateRule rule = OfficialCompat.parse("unguarded-division", BLUR_NPO, RetainLoss.NLL, false)
        .rule(new BlurRule(1), null);
    assertEquals(1 - 0.5 / 2, rule.coefficients(GradientSums.of(0.5, 2, 1)).cf(), 1e-15);
    TrainingAbortedException e = assertThrows(TrainingAbortedException.class,
        () -> rule.coefficients(GradientSums.of(0, 0, 1)));
    assertTrue(e.getMessage().contains("ZeroDivisionError"), e.getMessage());
    // the exact rule takes the retain step there
    assertEquals(0, new BlurRule(1).coefficients(GradientSums.of(0, 0, 1)).cf());
  }
}
