package org.blurnative.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.blurnative.eval.TofuEvaluator.Scored;
import org.blurnative.eval.tofu.TofuReport;
import org.blurnative.eval.tofu.TofuSplit;
import org.blurnative.io.AtomicFiles;

/** eval/per_sample.json, eval/summary.json and eval/report.md of one model (DESIGN.md §5). */
public final class TofuReportFiles {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private TofuReportFiles() {}

  /** {@code extra}: further summary entries (e.g. PrivLeak), added after TOFU's. */
  public static void write(Path dir, String modelName, Map<TofuSplit, List<Scored>> samples, TofuReport report,
      Map<String, Object> extra) throws IOException {
    Map<String, Object> summary = summary(modelName, report);
    summary.putAll(extra);
    String md = markdown(modelName, report);
    if (!extra.isEmpty()) {
      md += "\nAlso: " + extra + "\n";
    }
    AtomicFiles.write(dir.resolve("per_sample.json"), JSON.writeValueAsBytes(perSample(samples)));
    AtomicFiles.write(dir.resolve("summary.json"), JSON.writeValueAsBytes(summary));
    AtomicFiles.write(dir.resolve("report.md"), md.getBytes(StandardCharsets.UTF_8));
  }

  static Map<String, Object> summary(String modelName, TofuReport report) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("model", modelName);
    Map<String, Object> splits = new LinkedHashMap<>();
    report.splits().forEach((split, scores) -> splits.put(key(split), Map.of(
        "prob", scores.probability(), "rougeL_recall", scores.rougeLRecall(), "truth_ratio", scores.truthRatio())));
    s.put("per_split", splits);
    s.put("model_utility", report.modelUtility());
    report.forgetQuality().ifPresent(ks -> {
      s.put("forget_quality", ks.pValue());
      s.put("forget_quality_ks_statistic", ks.statistic());
      s.put("forget_quality_exact", ks.exact());
    });
    return s;
  }

  private static Map<String, Object> perSample(Map<TofuSplit, List<Scored>> samples) {
    Map<String, Object> out = new LinkedHashMap<>();
    samples.forEach((split, list) -> {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Scored s : list) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("question", s.record().question());
        row.put("answer", s.record().answer());
        row.put("generated", s.generated());
        row.put("answer_mean_nll", s.sample().answerMeanNll());
        row.put("paraphrased_mean_nll", s.sample().paraphrasedMeanNll());
        row.put("perturbed_mean_nlls", s.sample().perturbedMeanNlls());
        row.put("rougeL_recall", s.sample().rougeLRecall());
        row.put("truth_ratio", s.sample().truthRatio());
        rows.add(row);
      }
      out.put(key(split), rows);
    });
    return out;
  }

  /** The one-row Table 2 of this model, as `eval` prints it. */
  public static String table(String modelName, TofuReport report) {
    return new Comparison(List.of(modelName), List.of(JSON.valueToTree(summary(modelName, report)))).markdown();
  }

  private static String markdown(String modelName, TofuReport report) {
    StringBuilder md = new StringBuilder("# TOFU evaluation of " + modelName + "\n\n");
    md.append(table(modelName, report)).append('\n');
    md.append("| split | probability | ROUGE-L recall | truth ratio |\n|---|---|---|---|\n");
    report.splits().forEach((split, s) -> md.append(String.format("| %s | %.4f | %.4f | %.4f |%n",
        key(split), s.probability(), s.rougeLRecall(), s.truthRatio())));
    return md.toString();
  }

  private static String key(TofuSplit split) {
    return split.name().toLowerCase(java.util.Locale.ROOT);
  }
}
