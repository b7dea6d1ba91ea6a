package org.blurnative.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.blurnative.eval.MuseEvaluator.Generation;
import org.blurnative.eval.muse.PrivLeak;
import org.blurnative.io.AtomicFiles;

/**
 * One model's MUSE results (the paper's Table 3 columns): VerbMem on D_f, KnowMem on D_f and D_r
 * (mean ROUGE-L F1 × 100), and PrivLeak when a retrain AUC is known; written as eval/summary.json,
 * eval/per_sample.json and eval/report.md.
 *
 * @param retrainAuc the retrained model's forget-vs-holdout AUC; empty: PrivLeak is not reported
 */
public record MuseReport(String model, List<Generation> verbMem, List<Generation> knowMemForget,
    List<Generation> knowMemRetain, double[] forgetScores, double[] holdoutScores,
    OptionalDouble retrainAuc) {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public static double meanPercent(List<Generation> generations) {
    return generations.stream().mapToDouble(Generation::rougeLF1).average().orElseThrow() * 100;
  }

  /** MUSE's forget_holdout_Min-40% AUC: near 0 while the forget texts look memorised. */
  public double auc() {
    return PrivLeak.auc(forgetScores, holdoutScores);
  }

  public OptionalDouble privLeak() {
    return retrainAuc.isPresent() ? OptionalDouble.of(PrivLeak.of(auc(), retrainAuc.getAsDouble()))
        : OptionalDouble.empty();
  }

  public Map<String, Object> summary() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("model", model);
    s.put("benchmark", "muse");
    s.put("verbmem_f", meanPercent(verbMem));
    s.put("knowmem_f", meanPercent(knowMemForget));
    s.put("knowmem_r", meanPercent(knowMemRetain));
    s.put("forget_holdout_auc", auc());
    retrainAuc.ifPresent(a -> s.put("retrain_auc", a));
    privLeak().ifPresent(p -> s.put("privleak", p));
    return s;
  }

  public void write(Path dir) throws IOException {
    Map<String, Object> perSample = new LinkedHashMap<>();
    perSample.put("verbmem_f", verbMem);
    perSample.put("knowmem_f", knowMemForget);
    perSample.put("knowmem_r", knowMemRetain);
    perSample.put("privleak", Map.of("forget_min40", forgetScores, "holdout_min40", holdoutScores));
    AtomicFiles.write(dir.resolve("per_sample.json"), JSON.writeValueAsBytes(perSample));
    AtomicFiles.write(dir.resolve("summary.json"), JSON.writeValueAsBytes(summary()));
    AtomicFiles.write(dir.resolve("report.md"), table().getBytes(StandardCharsets.UTF_8));
  }

  /** The one-row Table 3 of this model. */
  public String table() {
    return header() + row(model, meanPercent(verbMem), meanPercent(knowMemForget),
        meanPercent(knowMemRetain), privLeak());
  }

  static String header() {
    return "| model | VerbMem on D_f (↓) | KnowMem on D_f (↓) | KnowMem on D_r (↑) | PrivLeak (→ 0) |\n"
        + "|---|---|---|---|---|\n";
  }

  static String row(String name, double verbMem, double knowForget, double knowRetain, OptionalDouble privLeak) {
    return String.format("| %s | %.1f | %.1f | %.1f | %s |%n", name, verbMem, knowForget, knowRetain,
        privLeak.isPresent() ? String.format("%.1f", privLeak.getAsDouble()) : "–");
  }
}
