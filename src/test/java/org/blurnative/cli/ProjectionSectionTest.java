package org.blurnative.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.blurnative.eval.ProjectionSummary;
import org.blurnative.train.StepMetrics;
import org.blurnative.update.BlurRule;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The check PackagedJarIT runs on the demo's report.md, on sections that pass and that must not. */
class ProjectionSectionTest {
  /** ProjectionSummaryTest's five steps: F/R 22–280× over 10%–90%, −d/F within 5% of γ = 1. */
  static String section() {
    double[][] sums = {{-2, 100, 1}, {-1, 50, 0.5}, {4, 400, 1}, {-0.5, 10, 1}, {1, 20, 0.5}};
    List<StepMetrics> steps = new ArrayList<>();
    for (int i = 0; i < sums.length; i++) {
      steps.add(step(i + 1, sums[i]));
    }
    return "# report\n\n" + ProjectionSummary.markdown(steps, new BlurRule(1), "blur-npo") + "\n## next\n\nmore\n";
  }

  @Test
  void aGeneratedSectionPassesAndReadsBack() {
    ProjectionSection s = ProjectionSection.of(section());
    s.checkBlur();
    assertEquals(List.of("10", "22", "100", "280", "400"), s.cells().get(ProjectionSection.RATIO));
    assertEquals(22, s.value(ProjectionSection.RATIO, 1));
  }

  /**
   * The report.md of a real demo run (`java -jar target/blur-native.jar train`, 2026-12-01, 2 CPU
   * cores), kept as it was written: the section PackagedJarIT checks, with the plot line after it.
   */
  @Test
  void theDemosOwnReportPasses() throws Exception {
    String report;
    try (var in = ProjectionSectionTest.class.getResourceAsStream("/report/demo-report.md")) {
      report = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    ProjectionSection s = ProjectionSection.of(report);
    s.checkBlur();
    assertEquals(List.of("146", "178", "354", "726", "1220"), s.cells().get(ProjectionSection.RATIO));
    assertEquals(List.of("-0.00661", "-0.00187", "0.00486", "0.0129", "0.0176"),
        s.cells().get(ProjectionSection.CORRECTION));
    assertTrue(s.reading().endsWith("the projection barely moves u from γ·∇f + ∇r, so BLUR-NPO ≈ NPO."), s.reading());
  }

  @Test
  void aReadingThatMisquotesOrOverclaimsFails() {
    String good = section();
    for (String bad : List.of(good.replace("is 22–280× larger", "is 10–400× larger"),
        good.replace("has median -0.158,", "has median 0.5,"),
        good.replace("| c_f − γ = −d/F | -0.05 | -0.034 |", "| c_f − γ = −d/F | -0.5 | -0.34 |"),
        good.replace("## How much the projection mattered", "## Projection"))) {
      assertThrows(AssertionFailedError.class, () -> ProjectionSection.of(bad).checkBlur(), bad);
    }
  }

  /** A BLUR step with γ = 1: c_f = 1 − d/F, c_r = 1. */
  static StepMetrics step(long step, double[] sums) {
    double d = sums[0], f = sums[1], r = sums[2];
    return new StepMetrics(step, 1, 2.0, 1.0, d, f, r, 1 - d / f, 1.0, d / Math.sqrt(f * r), null, null, null, null,
        1e-5, null, null, 0.5, null, false);
  }
}
