package org.blurnative.eval.openunlearning;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.blurnative.eval.TofuEvaluator.Scored;
import org.blurnative.eval.memorization.MemorizationScores;
import org.blurnative.eval.mia.MembershipAttack;
import org.blurnative.eval.mia.MiaResult;
import org.blurnative.eval.stats.HarmonicMean;
import org.blurnative.eval.stats.KsResult;
import org.blurnative.eval.tofu.AnswerProbability;
import org.blurnative.eval.tofu.TofuSample;
import org.blurnative.eval.tofu.TofuSplit;
import org.blurnative.eval.tofu.TruthRatioAggregator;

/**
 * One model's TOFU evaluation in open-unlearning's layout ({@link EvalLogs}), so that its
 * comparison scripts read our runs: TOFU_EVAL.json under the names of
 * configs/eval/tofu_metrics/*.yaml; TOFU_SUMMARY.json with each top-level metric of its tofu.yaml
 * (and the MIA and memorization metrics it can enable); forget quality without a retain model has
 * no value and is left out of the summary, as there, while privleak falls back to its ref_value.
 *
 * <p>The values are open-unlearning's definitions, not TOFU's where they differ: truth ratios and
 * normalised probabilities with its 1e-10 guards, model utility as the harmonic mean of those.
 */
public final class TofuEvalFiles {
  public static final String EVAL_FILE = EvalLogs.evalFile("TOFU");
  public static final String SUMMARY_FILE = EvalLogs.summaryFile("TOFU");
  private static final double EPSILON = 1e-10;

  /** Everything written; the optional parts are left out when empty. */
  public record Contents(Map<TofuSplit, List<Scored>> splits, Optional<KsResult> forgetQuality,
      Map<MembershipAttack, MiaResult> attacks, Map<MembershipAttack, Double> retainAucs,
      Optional<MemorizationScores> forgetMemorization) {}

  private TofuEvalFiles() {}

  public static void write(Path dir, Contents c) throws IOException {
    EvalLogs.write(dir, "TOFU", logs(c), summarised());
  }

  /** The metrics of tofu.yaml's defaults and the optional ones, as its summarize picks them. */
  private static List<String> summarised() {
    List<String> topLevel = new ArrayList<>(List.of("forget_truth_ratio", "forget_quality", "forget_Q_A_Prob",
        "forget_Q_A_ROUGE", "model_utility", "privleak", "extraction_strength", "exact_memorization"));
    for (MembershipAttack a : MembershipAttack.values()) {
      topLevel.add(a.metric());
    }
    return topLevel;
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
      logs.put("model_utility", EvalLogs.aggregate(HarmonicMean.of(utility.stream().mapToDouble(Double::doubleValue).toArray())));
    }
    logs.put("forget_quality", EvalLogs.aggregate(c.forgetQuality().map(KsResult::pValue).orElse(null)));
    EvalLogs.putAttacks(logs, c.attacks(), c.retainAucs());
    EvalLogs.putMemorization(logs, c.forgetMemorization());
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
    return EvalLogs.withIndex(sum / rows.size(), byIndex);
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
    return EvalLogs.withIndex(sum / rows.size(), byIndex);
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
      byIndex.put(Integer.toString(i), EvalLogs.single("prob", prob));
    }
    return EvalLogs.withIndex(sum / rows.size(), byIndex);
  }

  // *_Truth_Ratio.yaml: correct is the paraphrase on forget and retain, the answer on ra and wf
  private static Map<String, Object> truthRatio(List<Scored> rows, TruthRatioAggregator aggregator,
      boolean paraphraseIsCorrect) {
    double[] stats = rows.stream().map(Scored::sample).mapToDouble(s -> aggregator.statistic(
        paraphraseIsCorrect ? s.paraphrasedMeanNll() : s.answerMeanNll(), s.perturbedMeanNlls())).toArray();
    return EvalLogs.scores(aggregator.aggregate(stats), stats);
  }

  // memorization.py rouge with rouge_type rougeL_recall
  private static Map<String, Object> rouge(List<Scored> rows) {
    return EvalLogs.rouge(rows.stream().map(Scored::openUnlearningRouge).toList(), RougeEntry::rougeLRecall);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> metric(Map<String, Object> logs, String name) {
    return (Map<String, Object>) logs.get(name);
  }
}
