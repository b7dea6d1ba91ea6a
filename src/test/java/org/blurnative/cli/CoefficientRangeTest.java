package org.blurnative.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.blurnative.kernel.GradientSums;
import org.blurnative.update.BlurRule;
import org.blurnative.update.Coefficients;
import org.blurnative.update.NormalizedDifferenceRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Method parameters the float32 kernels and losses cannot use are refused by flag, and a gradient
 * that underflows float32 during a run is said once, not hidden (issue 14, item 9).
 */
class CoefficientRangeTest {
  @TempDir static Path shared;

  @BeforeAll
  static void tinyModel() throws Exception {
    TinyModel.write(shared);
  }

  @Test
  void parametersBeyondFloat32AreRefusedByFlag(@TempDir Path dir) {
    // --gamma 1e300 made every c_f leave float32's range and be zeroed: nothing forgotten, exit 0
    for (List<String> bad : List.of(List.of("--gamma", "1e300"), List.of("--gamma", "-1e39"),
        List.of("--lambda", "1e39", "--method", "npo"), List.of("--beta", "1e39"), List.of("--beta", "1e-39"),
        List.of("--delta", "-1e39", "--method", "simnpo"), List.of("--rmu-steering", "1e39", "--method", "rmu"),
        List.of("--cagrad-c", "-0.5", "--method", "cagrad-npo"), List.of("--wga-beta", "1e39", "--method", "wga"),
        List.of("--undial-strength", "NaN", "--method", "undial"), List.of("--satimp-beta1", "1e39"))) {
      Path out = dir.resolve("never");
      CommandRunner.Result r = TinyModel.train(shared, out, bad.toArray(String[]::new));
      assertEquals(2, r.exit(), bad + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), bad + ": " + r.err());
      assertTrue(r.err().contains(bad.get(0) + " must be"), bad + ": " + r.err());
      assertFalse(Files.exists(out), bad + " left " + out);
    }
  }

  /**
   * The bound is float32's range itself: γ = 3e38 passes validation. Its update then overflows
   * AdamW's moments, and the run must say so (exit 3) rather than write a non-finite model.
   */
  @Test
  void theLargestFloat32ParametersAreAcceptedAndAnOverflowingStepIsLoud(@TempDir Path dir) {
    CommandRunner.Result r = TinyModel.train(shared, dir.resolve("run"), "--gamma", "3e38", "--max-steps", "1");
    assertEquals(3, r.exit(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("step 1: the parameters hold non-finite values, so they are not checkpointed"), r.err());
    assertFalse(Files.exists(dir.resolve("run/model")), "no non-finite model written");
  }

  @Test
  void anUnderflowedGradientIsSaidOncePerRunWithItsStep() {
    StringWriter err = new StringWriter();
    UnderflowWarning rule = new UnderflowWarning(new BlurRule(1), new PrintWriter(err, true));
    GradientSums healthy = GradientSums.of(4, 9, 5);
    GradientSums underflowed = GradientSums.of(1e-40, 1e-80, 5);  // d/F = 1e40 > FLT_MAX

    assertEquals(5.0 / 9, rule.coefficients(healthy).cf(), 1e-15);
    rule.stepDone(1);
    assertEquals("", err.toString(), "a healthy step says nothing");

    Coefficients c = rule.coefficients(underflowed);
    assertEquals(new Coefficients(0, 1, true, false), c, "the guard still treats g_f as zero");
    rule.stepDone(2);
    rule.coefficients(underflowed);
    rule.stepDone(3);
    List<String> lines = err.toString().lines().toList();
    assertEquals(1, lines.size(), err.toString());
    assertTrue(lines.get(0).startsWith("warning: step 2: the forget gradient underflowed float32"), lines.get(0));
    assertTrue(lines.get(0).contains("c_f left float32's range and was set to 0"), lines.get(0));
  }

  @Test
  void ngdiffNamesWhichGradientsUnderflowed() {
    StringWriter err = new StringWriter();
    UnderflowWarning rule = new UnderflowWarning(new NormalizedDifferenceRule(), new PrintWriter(err, true));
    Coefficients c = rule.coefficients(GradientSums.of(0, 1e-80, 1e-82));  // 1/‖g‖ > FLT_MAX for both
    assertEquals(new Coefficients(0, 0, true, true), c);
    rule.stepDone(5);
    assertTrue(err.toString().startsWith("warning: step 5: the forget and retain gradients underflowed float32"),
        err.toString());
    assertTrue(err.toString().contains("c_f and c_r left"), err.toString());
  }
}
