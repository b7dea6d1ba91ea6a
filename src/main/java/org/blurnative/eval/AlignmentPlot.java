package org.blurnative.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.blurnative.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * plots/alignment.png from a run's metrics.jsonl: cos(∇f, ∇r), A_f and A_r against the step (the
 * paper's Figs. 2 and 3). For BLUR, A_f is the flat line at γ; for weighted sums it follows the
 * gradient conflict. Steps where a value is undefined (skipped, zero norm) are left out.
 */
public final class AlignmentPlot {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AlignmentPlot() {}

  /**
   * Draws the plot; false, with nothing written, when no step has any of the three values (every
   * step skipped, or a gradient zero throughout).
   */
  public static boolean write(Path metricsJsonl, Path png, String title) throws IOException {
    List<JsonNode> steps = new ArrayList<>();
    for (String line : Files.readAllLines(metricsJsonl, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        steps.add(JSON.readTree(line));
      }
    }
    System.setProperty("java.awt.headless", "true");  // no display on servers and in CI
    XYChart chart = new XYChartBuilder().width(900).height(500).title(title)
        .xAxisTitle("optimizer step").yAxisTitle("value").build();
    for (String[] series : new String[][] {{"cos", "cos(∇f, ∇r)"}, {"A_f", "A_f = ⟨∇f,u⟩/‖∇f‖²"},
        {"A_r", "A_r = ⟨∇r,u⟩/‖∇r‖²"}}) {
      List<Double> x = new ArrayList<>(), y = new ArrayList<>();
      for (JsonNode s : steps) {
        if (s.hasNonNull(series[0])) {
          x.add(s.path("step").asDouble());
          y.add(s.path(series[0]).asDouble());
        }
      }
      if (!x.isEmpty()) {
        chart.addSeries(series[1], x, y).setMarker(SeriesMarkers.CIRCLE);
      }
    }
    if (chart.getSeriesMap().isEmpty()) {
      return false;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BitmapEncoder.saveBitmap(chart, bytes, BitmapEncoder.BitmapFormat.PNG);
    AtomicFiles.write(png, bytes.toByteArray());
    return true;
  }
}
