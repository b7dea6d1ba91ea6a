package org.blurnative.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The "How much the projection mattered" section of a BLUR run's report.md, read back and checked
 * for being true to itself: its table has the three BLUR rows with ordered quantiles, and its
 * sentence quotes the table's F/R range and cos median and draws the conclusion that the c_f − γ
 * row supports (γ = 1, the demo's).
 *
 * @param cells each row's five cells as written (min, 10%, median, 90%, max)
 */
record ProjectionSection(Map<String, List<String>> cells, String reading) {
  static final String HEADER = "## How much the projection mattered";
  static final String CORRECTION = "c_f − γ = −d/F", COS = "cos(∇f, ∇r)", RATIO = "F/R";

  static ProjectionSection of(String report) {
    int at = report.indexOf(HEADER);
    assertTrue(at >= 0, "report.md has no projection section:\n" + report);
    Map<String, List<String>> cells = new LinkedHashMap<>();
    String reading = null;
    for (String line : report.substring(at).lines().skip(1).toList()) {
      if (line.startsWith("## ")) {
        break;
      }
      if (line.startsWith("| ") && !line.startsWith("| quantity")) {
        List<String> row = Arrays.stream(line.substring(2, line.length() - 2).split(" \\| ")).toList();
        cells.put(row.get(0), row.subList(1, row.size()));
      } else if (reading == null && !cells.isEmpty() && !line.isBlank() && !line.startsWith("|")) {
        reading = line;  // the sentence right after the table (a plot may follow it)
      }
    }
    assertTrue(reading != null, "the projection section has no reading");
    return new ProjectionSection(cells, reading);
  }

  double value(String row, int quantile) {
    return Double.parseDouble(cells.get(row).get(quantile));
  }

  /** Everything the IT asserts of the demo's report. */
  void checkBlur() {
    for (String row : List.of(CORRECTION, COS, RATIO)) {
      assertTrue(cells.containsKey(row), row + " missing from " + cells);
      assertEquals(5, cells.get(row).size(), row);
      for (int q = 1; q < 5; q++) {
        assertTrue(value(row, q - 1) <= value(row, q), row + " quantiles out of order: " + cells.get(row));
      }
    }
    assertTrue(value(COS, 0) >= -1 && value(COS, 4) <= 1, "cos outside [-1, 1]: " + cells.get(COS));
    assertTrue(value(RATIO, 0) > 0, "F/R not positive: " + cells.get(RATIO));
    String p10 = cells.get(RATIO).get(1), p90 = cells.get(RATIO).get(3);
    String range = p10.equals(p90) ? p10 : p10 + "–" + p90;
    if (value(RATIO, 1) >= 1) {
      assertTrue(reading.startsWith("The forget gradient is " + range + "× larger in squared norm"), reading);
    } else if (value(RATIO, 3) <= 1) {
      assertTrue(reading.startsWith("The retain gradient is "), reading);
    } else {
      assertTrue(reading.startsWith("F/R, the forget gradient's squared norm over the retain gradient's, is " + range),
          reading);
    }
    assertTrue(reading.contains("cos(∇f, ∇r) has median " + cells.get(COS).get(2) + ","), reading);
    // "barely moves": c_f within 5% of γ = 1 on 90% of the steps, so the 10% and 90% quantiles are
    boolean small = Math.abs(value(CORRECTION, 1)) <= 0.05 && Math.abs(value(CORRECTION, 3)) <= 0.05;
    if (reading.contains("the projection barely moves u")) {
      assertTrue(small, "the reading says barely, the table says " + cells.get(CORRECTION) + ": " + reading);
      assertTrue(reading.endsWith("so BLUR-NPO ≈ NPO."), reading);
    } else {
      assertTrue(reading.contains("a noticeable but minor correction") || reading.contains("changes u substantially"),
          reading);
    }
  }
}
