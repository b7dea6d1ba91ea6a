package org.blurnative.update;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.SplittableRandom;
import org.blurnative.kernel.GradientSums;
import org.junit.jupiter.api.Test;

/**
 * The official WMDP combination (--compat rmu-alpha): u = c_f·g_f + c_r·g_r reproduces the
 * official code's u on PyTorch's float64 numbers (compat/official.json), keeps ⟨g_f, u⟩ = F, and
 * is α times eq. 14 with γ = 1/α.
 */
class RmuAlphaBlurRuleTest {

  @Test
  void reproducesTheOfficialUpdate() throws IOException {
    JsonNode json;
    try (InputStream in = getClass().getResourceAsStream("/compat/official.json")) {
      json = new ObjectMapper().readTree(in);
    }
    double[] gf = vector(json.get("g_f")), gr = vector(json.get("g_r")), expected = vector(json.get("rmu_u"));
    double d = 0, f = 0, r = 0;
    for (int i = 0; i < gf.length; i++) {
      d += gf[i] * gr[i];
      f += gf[i] * gf[i];
      r += gr[i] * gr[i];
    }
    Coefficients c = new RmuAlphaBlurRule(json.get("alpha").asDouble()).coefficients(GradientSums.of(d, f, r));
    for (int i = 0; i < gf.length; i++) {
      assertEquals(expected[i], c.cf() * gf[i] + c.cr() * gr[i], 1e-12 * Math.abs(expected[i]) + 1e-12, "u[" + i + "]");
    }
  }

  @Test
  void isAlphaTimesBlurWithGammaOneOverAlphaAndKeepsTheForgetChange() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 1000; i++) {
      double f = Math.pow(10, random.nextDouble(-4, 4)), r = Math.pow(10, random.nextDouble(-4, 4));
      GradientSums s = GradientSums.of(random.nextDouble(-1, 1) * Math.sqrt(f * r), f, r);
      double alpha = Math.pow(10, random.nextDouble(-2, 4));
      Coefficients official = new RmuAlphaBlurRule(alpha).coefficients(s);
      Coefficients blur = new BlurRule(1 / alpha).coefficients(s);
      assertEquals(alpha * blur.cf(), official.cf(), 1e-9 * Math.max(1, Math.abs(official.cf())), s::toString);
      assertEquals(alpha * blur.cr(), official.cr(), 1e-12 * alpha);
      assertEquals(f, official.cf() * f + official.cr() * s.dot(), 1e-9 * (f + alpha * Math.abs(s.dot())), s::toString);
    }
  }

  @Test
  void withoutAForgetGradientItIsTheRetainStep() {
    UpdateRulesTest.assertCoefficients(0, 1200, new RmuAlphaBlurRule(1200).coefficients(GradientSums.of(0, 0, 2)));
  }

  private static double[] vector(JsonNode node) {
    double[] x = new double[node.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = node.get(i).asDouble();
    }
    return x;
  }
}
