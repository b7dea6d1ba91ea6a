package org.blurnative.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** --plot: GB/s against n on a log axis, one series per device × backend × op, copy included. */
public final class BandwidthPlot {

  private BandwidthPlot() {}

  public static byte[] toPng(List<BenchResult> results, String title) throws IOException {
    System.setProperty("java.awt.headless", "true");  // no display on servers and in CI
    XYChart chart = new XYChartBuilder().width(900).height(600).title(title)
        .xAxisTitle("n (float32 elements)").yAxisTitle("GB/s (least bytes moved / median time)").build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
    boolean manyDevices = results.stream().map(BenchResult::device).distinct().count() > 1;
    for (Map.Entry<String, List<BenchResult>> series : bySeries(results, manyDevices).entrySet()) {
      List<BenchResult> points = series.getValue();
      chart.addSeries(series.getKey(),
          points.stream().mapToDouble(r -> r.n()).toArray(),
          points.stream().mapToDouble(BenchResult::gbPerSecond).toArray())
          .setMarker(SeriesMarkers.CIRCLE);
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
      series.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(r);
    }
    series.values().forEach(points -> points.sort(java.util.Comparator.comparingLong(BenchResult::n)));
    return series;
  }
}
