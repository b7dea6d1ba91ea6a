package org.blurnative.eval;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Several models' summary.json side by side: the paper's Table 2 columns (or Table 3's, for MUSE)
 * as Markdown, and the trade-off plot.
 */
public record Comparison(List<String> names, List<JsonNode> summaries) {

  /** Reads DIR/summary.json (an eval directory) for each directory; names are the directories'. */
  public static Comparison of(List<Path> evalDirs) throws IOException {
    List<String> names = new ArrayList<>();
    List<JsonNode> summaries = new ArrayList<>();
    for (Path dir : evalDirs) {
      Path summary = dir.resolve("summary.json");
      if (!Files.isRegularFile(summary)) {
        throw new IllegalArgumentException("--compare " + dir + " has no summary.json (an eval output directory)");
      }
      JsonNode s;
      try {
        s = new ObjectMapper().readTree(summary.toFile());
      } catch (JacksonException e) {
        throw new IllegalArgumentException("--compare " + summary + ": not valid JSON");
      }
      if (s == null || !(s.has("model_utility") || s.has("verbmem_f"))) {
        throw new IllegalArgumentException("--compare " + summary + ": not a TOFU-style or MUSE eval summary"
            + (s != null && s.has("multiple_choice") ? " (multiple-choice summaries are tables already)" : ""));
      }
      String name = displayName(dir);
      names.add(names.contains(name) ? name + " (" + dir + ")" : name);
      summaries.add(s);
    }
    return new Comparison(names, summaries);
  }

  /** The eval directory's name, or its run's when it is a run's default eval/. */
  private static String displayName(Path dir) {
    Path name = dir.toAbsolutePath().normalize().getFileName();
    Path parent = dir.toAbsolutePath().normalize().getParent();
    if (name != null && name.toString().equals("eval") && parent != null && parent.getFileName() != null) {
      return parent.getFileName().toString();
    }
    return name == null ? dir.toString() : name.toString();
  }

  /** Whether these are MUSE summaries (all of them; a mix is refused). */
  public boolean muse() {
    long muse = summaries.stream().filter(s -> s.path("benchmark").asText().equals("muse")).count();
    if (muse != 0 && muse != summaries.size()) {
      throw new IllegalArgumentException("--compare mixes MUSE and TOFU-style eval directories: compare each kind on its own");
    }
    return muse != 0;
  }

  public String markdown() {
    if (muse()) {
      StringBuilder md = new StringBuilder(MuseReport.header());
      for (int i = 0; i < names.size(); i++) {
        JsonNode s = summaries.get(i);
        md.append(MuseReport.row(names.get(i), s.path("verbmem_f").asDouble(), s.path("knowmem_f").asDouble(),
            s.path("knowmem_r").asDouble(), s.has("privleak")
                ? OptionalDouble.of(s.path("privleak").asDouble()) : OptionalDouble.empty()));
      }
      return md.toString();
    }
    StringBuilder md = new StringBuilder(
        "| model | forget quality | forget truth ratio | forget ROUGE-L | model utility |\n|---|---|---|---|---|\n");
    for (int i = 0; i < names.size(); i++) {
      JsonNode s = summaries.get(i);
      JsonNode forget = s.path("per_split").path("forget");
      md.append(String.format("| %s | %s | %.4f | %.4f | %.4f |%n", names.get(i),
          s.has("forget_quality") ? String.format("%.3e", s.path("forget_quality").asDouble()) : "–",
          forget.path("truth_ratio").asDouble(), forget.path("rougeL_recall").asDouble(),
          s.path("model_utility").asDouble()));
    }
    return md.toString();
  }

  public void plot(Path png, String title) throws IOException {
    if (muse()) {
      throw new IllegalArgumentException("--plot draws forget quality against model utility (TOFU-style); MUSE summaries have neither");
    }
    List<TradeoffPlot.Point> points = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      points.add(new TradeoffPlot.Point(names.get(i), summaries.get(i).path("model_utility").asDouble(),
          summaries.get(i).path("forget_quality").asDouble()));
    }
    TradeoffPlot.write(points, png, title);
  }
}
