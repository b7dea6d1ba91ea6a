package org.blurnative.eval.openunlearning;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.blurnative.eval.TofuEvaluator.Scored;
import org.blurnative.eval.memorization.MemorizationScores;
import org.blurnative.eval.mia.MembershipAttack;
import org.blurnative.eval.mia.MiaResult;
import org.blurnative.eval.rouge.RougeScore;
import org.blurnative.eval.rouge.RougeScorer;
import org.blurnative.eval.stats.HarmonicMean;
import org.blurnative.eval.stats.KsResult;
import org.blurnative.eval.tofu.AnswerProbability;
import org.blurnative.eval.tofu.TofuSample;
import org.blurnative.eval.tofu.TofuSplit;
import org.blurnative.eval.tofu.TruthRatioAggregator;
import org.blurnative.io.AtomicFiles;

/**
 * One model's evaluation in open-unlearning's layout (src/evals/base.py, commit d3d7cf9), so that
 * its comparison scripts read our runs: TOFU_EVAL.json maps every metric it computes, the
 * pre-computed ones included, to {@code {"agg_value", "value_by_index": {"0": {…}, …}}} under the
 * names of configs/eval/tofu_metrics/*.yaml; TOFU_SUMMARY.json maps each top-level metric of its
 * tofu.yaml (and the MIA and memorization metrics it can enable) to its agg_value. Both have their
 * top-level keys sorted and 4-space indents, as its save_logs writes them; a metric without a
 * value (forget quality or privleak with no retain model) is left out of the summary, as there.
 *
 * <p>The values are open-unlearning's definitions, not TOFU's where they differ: truth ratios and
 * normalised probabilities with its 1e-10 guards, model utility as the harmonic mean of those.
 */
public final class TofuEvalFiles {
  public static final String EVAL_FILE = "TOFU_EVAL.json";
  public static final String SUMMARY_FILE = "TOFU_SUMMARY.json";
  private static final double EPSILON = 1e-10;
  private static final ObjectWriter JSON = new ObjectMapper().writer(
      new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("    ", "\n"))
          .withArrayIndenter(new DefaultIndenter("    ", "\n")));

  /** Everything written; the optional parts are left out when empty. */
  public record Contents(Map<TofuSplit, List<Scored>> splits, Optional<KsResult> forgetQuality,
      Map<MembershipAttack, MiaResult> attacks, Map<MembershipAttack, Double> retainAucs,
      Optional<MemorizationScores> forgetMemorization) {}

  private TofuEvalFiles() {}

  public static void write(Path dir, Contents c) throws IOException {
    Map<String, Object> logs = logs(c);
    AtomicFiles.write(dir.resolve(EVAL_FILE), JSON.writeValueAsBytes(logs));
    AtomicFiles.write(dir.resolve(SUMMARY_FILE), JSON.writeValueAsBytes(summary(logs)));
  }

  /** The metrics of tofu.yaml's defaults and the optional ones, as its summarize picks them. */
  static Map<String, Object> summary(Map<String, Object> logs) {
    List<String> topLevel = new ArrayList<>(List.of("forget_truth_ratio", "forget_quality", "forget_Q_A_Prob",
        "forget_Q_A_ROUGE", "model_utility", "privleak", "extraction_strength", "exact_memorization"));
    for (MembershipAttack a : MembershipAttack.values()) {
      topLevel.add(a.metric());
    }
    Map<String, Object> summary = new TreeMap<>();
    for (String name : topLevel) {
      if (logs.get(name) instanceof Map<?, ?> metric && metric.get("agg_value") != null) {
        summary.put(name, metric.get("agg_value"));
      }
    }
    return summary;
  }

  static Map<String, Object> logs(Contents c) {
    Map<String, Object> logs = new TreeMap<>();
    List<Double> utility = new ArrayList<>();
    for (Map.Entry<TofuSplit, List<Scored>> e : c.splits().entrySet()) {
      String prefix = prefix(e.getKey());
      List<Scored> rows = e.getValue();
      boolean forgetOrRetain = e.getKey() == TofuSplit.FORGET || e.getKey() == TofuSplit.RETAIN;
      logs.put(prefix + "_Q_A_Prob", probability(rows, s -> s.sample().answerMeanNll()));
      logs.put(prefix + "_Q_A_PERT_Prob", perturbedProbability(rows));
      if (forgetOrRetain) {
        logs.put(prefix + "_Q_A_PARA_Prob", probability(rows, s -> s.sample().paraphrasedMeanNll()));
      }
      TruthRatioAggregator aggregator = e.getKey() == TofuSplit.FORGET
          ? TruthRatioAggregator.CLOSER_TO_1_BETTER : TruthRatioAggregator.TRUE_BETTER;
      Map<String, Object> truthRatio = truthRatio(rows, aggregator, forgetOrRetain);
      Map<String, Object> rouge = rouge(rows);
      logs.put(e.getKey() == TofuSplit.FORGET ? "forget_truth_ratio" : prefix + "_Truth_Ratio", truthRatio);
      logs.put(prefix + "_Q_A_ROUGE", rouge);
      if (e.getKey() != TofuSplit.FORGET) {
        // model_utility.yaml: retain's Q_A_Prob, ra's and wf's Q_A_Prob_normalised
        Map<String, Object> prob = e.getKey() == TofuSplit.RETAIN ? metric(logs, prefix + "_Q_A_Prob")
            : normalisedProbability(rows);
        if (e.getKey() != TofuSplit.RETAIN) {
          logs.put(prefix + "_Q_A_Prob_normalised", prob);
        }
        utility.add((Double) prob.get("agg_value"));
        utility.add((Double) rouge.get("agg_value"));
        utility.add((Double) truthRatio.get("agg_value"));
      }
    }
    if (utility.size() == 9) {
      logs.put("model_utility", aggregate(HarmonicMean.of(utility.stream().mapToDouble(Double::doubleValue).toArray())));
    }
    logs.put("forget_quality", aggregate(c.forgetQuality().map(KsResult::pValue).orElse(null)));
    c.attacks().forEach((attack, result) -> logs.put(attack.metric(), mia(result)));
    MiaResult minK = c.attacks().get(MembershipAttack.MIN_K);
    Double retainMinK = c.retainAucs().get(MembershipAttack.MIN_K);
    if (minK != null && retainMinK != null) {  // privleak.yaml: from mia_min_k
      logs.put("privleak", aggregate(org.blurnative.eval.muse.PrivLeak.openUnlearning(minK.auc(), retainMinK)));
    }
    c.forgetMemorization().ifPresent(m -> {
      logs.put("extraction_strength", scores(m.extractionStrengthMean(), m.extractionStrength()));
      Map<String, Object> byIndex = new LinkedHashMap<>();
      OptionalDouble[] em = m.exactMemorization();
      for (int i = 0; i < em.length; i++) {
        byIndex.put(Integer.toString(i), single("score", em[i].isPresent() ? em[i].getAsDouble() : null));
      }
      logs.put("exact_memorization", withIndex(m.exactMemorizationMean(), byIndex));
    });
    return logs;
  }

  /** forget, retain, ra (real authors) and wf (world facts), as the metric names start. */
  static String prefix(TofuSplit split) {
    return switch (split) {
      case FORGET -> "forget";
      case RETAIN -> "retain";
      case REAL_AUTHORS -> "ra";
      case WORLD_FACTS -> "wf";
    };
  }

  // memorization.py probability: agg_value = mean of the per-sample probabilities
  private static Map<String, Object> probability(List<Scored> rows, ToDoubleFunction<Scored> meanNll) {
    Map<String, Object> byIndex = new LinkedHashMap<>();
    double sum = 0;
    for (int i = 0; i < rows.size(); i++) {
      double nll = meanNll.applyAsDouble(rows.get(i));
      double prob = AnswerProbability.of(nll);
      sum += prob;
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("prob", prob);
      v.put("avg_loss", nll);
      byIndex.put(Integer.toString(i), v);
    }
    return withIndex(sum / rows.size(), byIndex);
  }

  // several answers per index (dict_transpose): lists; agg_value = mean of each sample's mean
  private static Map<String, Object> perturbedProbability(List<Scored> rows) {
    Map<String, Object> byIndex = new LinkedHashMap<>();
    double sum = 0;
    for (int i = 0; i < rows.size(); i++) {
      double[] nlls = rows.get(i).sample().perturbedMeanNlls();
      List<Double> probs = new ArrayList<>(), losses = new ArrayList<>();
      double mean = 0;
      for (double nll : nlls) {
        probs.add(AnswerProbability.of(nll));
        losses.add(nll);
        mean += AnswerProbability.of(nll);
      }
      sum += mean / nlls.length;
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("prob", probs);
      v.put("avg_loss", losses);
      byIndex.put(Integer.toString(i), v);
    }
    return withIndex(sum / rows.size(), byIndex);
  }

  // memorization.py probability_w_options: correct / (correct + Σ wrong + 1e-10)
  private static Map<String, Object> normalisedProbability(List<Scored> rows) {
    Map<String, Object> byIndex = new LinkedHashMap<>();
    double sum = 0;
    for (int i = 0; i < rows.size(); i++) {
      TofuSample s = rows.get(i).sample();
      double correct = AnswerProbability.of(s.answerMeanNll()), wrong = 0;
      for (double nll : s.perturbedMeanNlls()) {
        wrong += AnswerProbability.of(nll);
      }
      double prob = correct / (correct + wrong + EPSILON);
      sum += prob;
      byIndex.put(Integer.toString(i), single("prob", prob));
    }
    return withIndex(sum / rows.size(), byIndex);
  }

  // *_Truth_Ratio.yaml: correct is the paraphrase on forget and retain, the answer on ra and wf
  private static Map<String, Object> truthRatio(List<Scored> rows, TruthRatioAggregator aggregator,
      boolean paraphraseIsCorrect) {
    double[] stats = rows.stream().map(Scored::sample).mapToDouble(s -> aggregator.statistic(
        paraphraseIsCorrect ? s.paraphrasedMeanNll() : s.answerMeanNll(), s.perturbedMeanNlls())).toArray();
    return scores(aggregator.aggregate(stats), stats);
  }

  // memorization.py rouge with rouge_type rougeL_recall; utils.py eval_text_similarity's fields
  private static Map<String, Object> rouge(List<Scored> rows) {
    RougeScorer scorer = RougeScorer.tofu();
    Map<String, Object> byIndex = new LinkedHashMap<>();
    double sum = 0;
    for (int i = 0; i < rows.size(); i++) {
      Scored s = rows.get(i);
      RougeScore l = scorer.rougeL(s.record().answer(), s.generated());
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("rouge1_recall", scorer.rouge1(s.record().answer(), s.generated()).recall());
      v.put("rougeL_f1", l.fmeasure());
      v.put("rougeL_recall", s.sample().rougeLRecall());
      v.put("input", s.record().question());
      v.put("ground_truth", s.record().answer());
      v.put("generation", s.generated());
      sum += s.sample().rougeLRecall();
      byIndex.put(Integer.toString(i), v);
    }
    return withIndex(sum / rows.size(), byIndex);
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

  private static Map<String, Object> scores(double agg, double[] values) {
    Map<String, Object> byIndex = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      byIndex.put(Integer.toString(i), single("score", values[i]));
    }
    return withIndex(agg, byIndex);
  }

  private static Map<String, Object> withIndex(double agg, Map<String, Object> byIndex) {
    Map<String, Object> out = aggregate(agg);
    out.put("value_by_index", byIndex);
    return out;
  }

  private static Map<String, Object> aggregate(Double agg) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("agg_value", agg);
    return out;
  }

  private static Map<String, Object> single(String key, Object value) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(key, value);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> metric(Map<String, Object> logs, String name) {
    return (Map<String, Object>) logs.get(name);
  }

  private static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }
}
