package org.blurnative.eval;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.blurnative.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The forget-vs-retain trade-off (the paper's Fig. 1): one point per model, model utility across,
 * forget quality up on a log axis. Up and to the right is better.
 */
public final class TradeoffPlot {
  private TradeoffPlot() {}

  public record Point(String model, double modelUtility, double forgetQuality) {}

  public static void write(List<Point> points, Path png, String title) throws IOException {
    System.setProperty("java.awt.headless", "true");  // no display on servers and in CI
    XYChart chart = new XYChartBuilder().width(700).height(500).title(title)
        .xAxisTitle("model utility").yAxisTitle("forget quality (KS p-value)").build();
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setMarkerSize(12);
    for (Point p : points) {
      // a p-value of exactly 0 has no place on a log axis: show it at the smallest double
      double quality = Math.max(p.forgetQuality(), Double.MIN_NORMAL);
      chart.addSeries(p.model(), new double[] {p.modelUtility()}, new double[] {quality})
          .setMarker(SeriesMarkers.DIAMOND);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BitmapEncoder.saveBitmap(chart, bytes, BitmapEncoder.BitmapFormat.PNG);
    AtomicFiles.write(png, bytes.toByteArray());
  }
}
