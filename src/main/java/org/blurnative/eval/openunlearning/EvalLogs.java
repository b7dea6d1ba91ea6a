package org.blurnative.eval.openunlearning;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.blurnative.eval.memorization.MemorizationScores;
import org.blurnative.eval.mia.MembershipAttack;
import org.blurnative.eval.mia.MiaResult;
import org.blurnative.eval.muse.PrivLeak;
import org.blurnative.io.AtomicFiles;

/**
 * One benchmark's evaluation in open-unlearning's layout (src/evals/base.py, commit d3d7cf9):
 * {@code <NAME>_EVAL.json} maps every metric computed, the pre-computed ones included, to
 * {@code {"agg_value", "value_by_index": {"0": {…}, …}}}; {@code <NAME>_SUMMARY.json} maps each
 * metric of the benchmark's config to its agg_value, leaving out those without one (its
 * {@code summarize}). Both have their top-level keys sorted and 4-space indents, as its
 * {@code save_logs} writes them. The entries that TOFU and MUSE share are built here.
 */
public final class EvalLogs {
  /** privacy.py privleak: the retain model's AUC when no retain logs give it (privleak.yaml ref_value). */
  public static final double PRIVLEAK_DEFAULT_RETAIN_AUC = 0.5;

  private static final ObjectWriter JSON = new ObjectMapper().writer(
      new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("    ", "\n"))
          .withArrayIndenter(new DefaultIndenter("    ", "\n")));

  private EvalLogs() {}

  public static String evalFile(String benchmark) {
    return benchmark + "_EVAL.json";
  }

  public static String summaryFile(String benchmark) {
    return benchmark + "_SUMMARY.json";
  }

  /** {@code benchmark}: "TOFU" or "MUSE"; {@code metrics}: the names its summary may hold. */
  static void write(Path dir, String benchmark, Map<String, Object> logs, List<String> metrics) throws IOException {
    AtomicFiles.write(dir.resolve(evalFile(benchmark)), JSON.writeValueAsBytes(new TreeMap<>(logs)));
    AtomicFiles.write(dir.resolve(summaryFile(benchmark)), JSON.writeValueAsBytes(summary(logs, metrics)));
  }

  static Map<String, Object> summary(Map<String, Object> logs, List<String> metrics) {
    Map<String, Object> summary = new TreeMap<>();
    for (String name : metrics) {
      if (logs.get(name) instanceof Map<?, ?> metric && metric.get("agg_value") != null) {
        summary.put(name, metric.get("agg_value"));
      }
    }
    return summary;
  }

  /**
   * Each attack's mia_* entry, and privleak.yaml's privleak from mia_min_k: against the retain
   * model's mia_min_k AUC where known, else against its ref_value 0.5, as privacy.py falls back.
   */
  static void putAttacks(Map<String, Object> logs, Map<MembershipAttack, MiaResult> attacks,
      Map<MembershipAttack, Double> retainAucs) {
    attacks.forEach((attack, result) -> logs.put(attack.metric(), mia(result)));
    MiaResult minK = attacks.get(MembershipAttack.MIN_K);
    if (minK != null) {
      double retain = retainAucs.getOrDefault(MembershipAttack.MIN_K, PRIVLEAK_DEFAULT_RETAIN_AUC);
      logs.put("privleak", aggregate(PrivLeak.openUnlearning(minK.auc(), retain)));
    }
  }

  /** extraction_strength.yaml and exact_memorization.yaml of one set; EM's None samples stay null. */
  static void putMemorization(Map<String, Object> logs, Optional<MemorizationScores> scores) {
    scores.ifPresent(m -> {
      logs.put("extraction_strength", scores(m.extractionStrengthMean(), m.extractionStrength()));
      Map<String, Object> byIndex = new LinkedHashMap<>();
      OptionalDouble[] em = m.exactMemorization();
      for (int i = 0; i < em.length; i++) {
        byIndex.put(Integer.toString(i), single("score", em[i].isPresent() ? em[i].getAsDouble() : null));
      }
      logs.put("exact_memorization", withIndex(m.exactMemorizationMean(), byIndex));
    });
  }

  /** memorization.py rouge: agg_value = the mean of the chosen score (its rouge_type). */
  static Map<String, Object> rouge(List<RougeEntry> entries, ToDoubleFunction<RougeEntry> rougeType) {
    Map<String, Object> byIndex = new LinkedHashMap<>();
    double sum = 0;
    for (int i = 0; i < entries.size(); i++) {
      byIndex.put(Integer.toString(i), entries.get(i).log());
      sum += rougeType.applyAsDouble(entries.get(i));
    }
    return withIndex(sum / entries.size(), byIndex);
  }

  // mia/utils.py mia_auc: each set's attack() output, then auc and agg_value
  private static Map<String, Object> mia(MiaResult r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("forget", scores(mean(r.forget()), r.forget()));
    out.put("holdout", scores(mean(r.holdout()), r.holdout()));
    out.put("auc", r.auc());
    out.put("agg_value", r.auc());
    return out;
  }

  static Map<String, Object> scores(double agg, double[] values) {
    Map<String, Object> byIndex = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      byIndex.put(Integer.toString(i), single("score", values[i]));
    }
    return withIndex(agg, byIndex);
  }

  static Map<String, Object> withIndex(double agg, Map<String, Object> byIndex) {
    Map<String, Object> out = aggregate(agg);
    out.put("value_by_index", byIndex);
    return out;
  }

  static Map<String, Object> aggregate(Double agg) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("agg_value", agg);
    return out;
  }

  static Map<String, Object> single(String key, Object value) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(key, value);
    return out;
  }

  private static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }
}
