package org.blurnative.bench;

import org.blurnative.io.AtomicFiles;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * --plot: GB/s against n, one series per device × backend × op and the copy yardstick. Both axes
 * are logarithmic: n spans decades, and GB/s does too between the fused kernels and the
 * per-tensor baseline, whose ratios then read as vertical distances. A backend keeps one colour;
 * reduce is dashed, the full step solid.
 */
public final class BandwidthPlot {

  private static final Map<String, Color> COLORS = Map.of(
      BenchResult.COPY, Color.BLACK,
      "cpu", new Color(0x1f77b4),
      "cuda", new Color(0x9467bd),
      BenchResult.TORCH, new Color(0xd62728),
      BenchResult.PER_TENSOR, new Color(0x2ca02c),
      "java", new Color(0x7f7f7f));

  private BandwidthPlot() {}

  public static byte[] toPng(List<BenchResult> results, String title) throws IOException {
    System.setProperty("java.awt.headless", "true");  // no display on servers and in CI
    XYChart chart = new XYChartBuilder().width(900).height(600).title(title)
        .xAxisTitle("n (float32 elements)").yAxisTitle("GB/s (least bytes moved / median time)").build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmicDecadeOnly(false);  // label 2, 3, ... 20, 30, not only 10
    chart.getStyler().setYAxisDecimalPattern("#.###");
    chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
    boolean manyDevices = results.stream().map(BenchResult::device).distinct().count() > 1;
    for (Map.Entry<String, List<BenchResult>> series : bySeries(results, manyDevices).entrySet()) {
      List<BenchResult> points = series.getValue();
      BenchResult first = points.get(0);
      XYSeries line = chart.addSeries(series.getKey(),
          points.stream().mapToDouble(r -> r.n()).toArray(),
          points.stream().mapToDouble(BenchResult::gbPerSecond).toArray());
      Color color = COLORS.getOrDefault(first.backend(), Color.GRAY);
      line.setMarker(SeriesMarkers.CIRCLE);
      line.setLineColor(color);
      line.setMarkerColor(color);
      line.setLineStyle(first.op().startsWith(Op.REDUCE.label()) ? SeriesLines.DASH_DASH : SeriesLines.SOLID);
      if (first.device().equals(BenchDevice.CUDA.label())) {
        line.setMarker(SeriesMarkers.DIAMOND);
      }
    }
    return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
  }

  public static void write(Path file, List<BenchResult> results, String title) throws IOException {
    AtomicFiles.write(file, toPng(results, title));
  }

  /** "cpu step", or "cuda:torch step" when several devices share the chart; points by n. */
  private static Map<String, List<BenchResult>> bySeries(List<BenchResult> results, boolean withDevice) {
    Map<String, List<BenchResult>> series = new LinkedHashMap<>();
    for (BenchResult r : results) {
      String name = (withDevice ? r.device() + ":" : "") + r.backend()
          + (r.backend().equals(BenchResult.COPY) ? "" : " " + r.op());
      series.computeIfAbsent(name, k -> new ArrayList<>()).add(r);
    }
    series.values().forEach(points -> points.sort(Comparator.comparingLong(BenchResult::n)));
    return series;
  }
}
