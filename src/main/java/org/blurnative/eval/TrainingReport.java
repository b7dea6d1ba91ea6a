package org.blurnative.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.blurnative.io.AtomicFiles;
import org.blurnative.train.StepMetrics;
import org.blurnative.update.UpdateRule;

/**
 * report.md of a training run, from its metrics.jsonl: how the losses moved and, with two
 * objectives, how much the projection mattered ({@link ProjectionSummary}). Written at the end of
 * every run, a resumed one included, so it always covers every step.
 */
public final class TrainingReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TrainingReport() {}

  /** Writes {@code run}/report.md; {@code alignmentPlot}: whether plots/alignment.png was drawn. */
  public static void write(Path run, String task, UpdateRule rule, String method, boolean alignmentPlot)
      throws IOException {
    List<StepMetrics> steps = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"), StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        steps.add(JSON.readValue(line, StepMetrics.class));
      }
    }
    AtomicFiles.write(run.resolve("report.md"),
        markdown(task, steps, rule, method, alignmentPlot).getBytes(StandardCharsets.UTF_8));
  }

  static String markdown(String task, List<StepMetrics> steps, UpdateRule rule, String method, boolean alignmentPlot) {
    StringBuilder md = new StringBuilder("# ").append(task).append("\n\n");
    long skipped = steps.stream().filter(StepMetrics::skipped).count();
    md.append(steps.size()).append(steps.size() == 1 ? " step" : " steps");
    if (skipped > 0) {
      md.append(" (").append(skipped).append(" skipped: non-finite gradients or losses)");
    }
    boolean twoObjectives = steps.stream().anyMatch(m -> m.retainLoss() != null);
    List<StepMetrics> applied = steps.stream().filter(m -> !m.skipped()).toList();
    if (!applied.isEmpty()) {
      StepMetrics first = applied.get(0), last = applied.get(applied.size() - 1);
      md.append("; the ").append(twoObjectives ? "forget loss" : "loss").append(" went from ")
          .append(ProjectionSummary.num(first.forgetLoss())).append(" (step ").append(first.step()).append(") to ")
          .append(ProjectionSummary.num(last.forgetLoss())).append(" (step ").append(last.step()).append(")");
      if (twoObjectives && first.retainLoss() != null && last.retainLoss() != null) {
        md.append(", the retain loss from ").append(ProjectionSummary.num(first.retainLoss())).append(" to ")
            .append(ProjectionSummary.num(last.retainLoss()));
      }
    }
    md.append(". Every step's values are in metrics.jsonl.\n");
    String projection = twoObjectives ? ProjectionSummary.markdown(steps, rule, method) : "";
    if (!projection.isEmpty()) {
      md.append('\n').append(projection);
    }
    if (alignmentPlot) {
      md.append("\n![alignment](plots/alignment.png)\n");
    }
    return md.toString();
  }
}
