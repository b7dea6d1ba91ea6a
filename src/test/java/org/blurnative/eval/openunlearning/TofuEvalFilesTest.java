package org.blurnative.eval.openunlearning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.blurnative.data.QaRecord;
import org.blurnative.eval.TofuEvaluator.Scored;
import org.blurnative.eval.memorization.MemorizationScores;
import org.blurnative.eval.mia.MembershipAttack;
import org.blurnative.eval.mia.MiaResult;
import org.blurnative.eval.tofu.ForgetQuality;
import org.blurnative.eval.tofu.TofuEvalLog;
import org.blurnative.eval.tofu.TofuLogEntry;
import org.blurnative.eval.tofu.TofuSplit;
import org.blurnative.eval.tofu.TruthRatioAggregator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * open-unlearning's TOFU_EVAL.json / TOFU_SUMMARY.json written from TOFU's golden LLaMA-2-7B logs
 * (src/test/resources/eval/tofu/llama2-7b), read back as a retain model's logs, and TOFU's own
 * eval_log_forget.json as --retain-logs.
 */
class TofuEvalFilesTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static Path golden(String model) throws URISyntaxException {
    return Path.of(TofuEvalFilesTest.class.getResource("/eval/tofu/llama2-7b/" + model).toURI());
  }

  /** The golden log of one split as the evaluator's rows. */
  static Map<TofuSplit, List<Scored>> splits(String model) throws URISyntaxException {
    Map<TofuSplit, List<Scored>> out = new EnumMap<>(TofuSplit.class);
    for (TofuSplit split : TofuSplit.values()) {
      List<Scored> rows = new ArrayList<>();
      for (TofuLogEntry e : TofuEvalLog.read(golden(model), split)) {
        rows.add(new Scored(new QaRecord(e.prompt(), e.groundTruth(), Optional.empty(), List.of("x")),
            e.generated(), e.sample(), RougeEntry.of(e.prompt(), e.groundTruth(), e.generated())));
      }
      out.put(split, rows);
    }
    return out;
  }

  static List<QaRecord> forgetRecords(Map<TofuSplit, List<Scored>> splits) {
    return splits.get(TofuSplit.FORGET).stream().map(Scored::record).toList();
  }

  @Test
  void tofusOwnForgetLogGivesThePublishedForgetQuality() throws Exception {
    Map<TofuSplit, List<Scored>> full = splits("full");
    RetainLogs retain = RetainLogs.read(golden("retain90").resolve("eval_log_forget.json"),
        forgetRecords(full), "forget10");
    assertFalse(retain.openUnlearning());
    double[] ours = full.get(TofuSplit.FORGET).stream().mapToDouble(s -> s.sample().truthRatio()).toArray();
    double p = ForgetQuality.of(ours, retain.forgetTruthRatios()).pValue();
    assertEquals(1.834066410994743e-21, p, 1e-9 * p);
  }

  @Test
  void writtenLogsReadBackAsARetainModelsAndSummariseAsOpenUnlearningDoes(@TempDir Path dir) throws Exception {
    Map<TofuSplit, List<Scored>> full = splits("full");
    double[] f = {0.5, 1.5, 2.5}, h = {1, 2, 3};
    Map<MembershipAttack, MiaResult> attacks = new EnumMap<>(MembershipAttack.class);
    attacks.put(MembershipAttack.MIN_K, new MiaResult(MembershipAttack.MIN_K, f, h));
    attacks.put(MembershipAttack.LOSS, new MiaResult(MembershipAttack.LOSS, h, f));
    MemorizationScores memorization = new MemorizationScores(
        new OptionalDouble[] {OptionalDouble.of(1), OptionalDouble.empty()}, new double[] {1, 0.5});
    TofuEvalFiles.write(dir, new TofuEvalFiles.Contents(full, Optional.empty(), attacks,
        Map.of(MembershipAttack.MIN_K, 0.5), Optional.of(memorization)));

    RetainLogs back = RetainLogs.read(dir.resolve(TofuEvalFiles.EVAL_FILE), forgetRecords(full), "forget10");
    assertTrue(back.openUnlearning());
    double[] stats = full.get(TofuSplit.FORGET).stream()
        .mapToDouble(s -> TruthRatioAggregator.CLOSER_TO_1_BETTER.statistic(s.sample())).toArray();
    assertArrayEquals(stats, back.forgetTruthRatios(), 0);
    // min_k: holdout above forget in 6 of 9 pairs (the AUC); loss the other way round
    assertEquals(Map.of(MembershipAttack.MIN_K, 6.0 / 9, MembershipAttack.LOSS, 3.0 / 9), back.miaAucs());

    JsonNode summary = JSON.readTree(dir.resolve(TofuEvalFiles.SUMMARY_FILE).toFile());
    List<String> keys = new ArrayList<>();
    summary.fieldNames().forEachRemaining(keys::add);
    // sorted as Python sorts; forget_quality without a retain model has no value and is left out
    assertEquals(List.of("exact_memorization", "extraction_strength", "forget_Q_A_Prob", "forget_Q_A_ROUGE",
        "forget_truth_ratio", "mia_loss", "mia_min_k", "model_utility", "privleak"), keys);
    // model_utility.yaml's nine values and their harmonic mean, as scripts/openunlearning_reference.py
    // computes them from the same logs (ra and wf take the answer's logged loss as correct, which
    // differs from the logged paraphrase loss TOFU used in 19 samples: 0.622625, not TOFU's 0.622677)
    JsonNode logs = JSON.readTree(dir.resolve(TofuEvalFiles.EVAL_FILE).toFile());
    JsonNode reference = org.blurnative.eval.OpenUnlearningReference.get("model_utility_tofu_golden_full");
    for (Iterator<Map.Entry<String, JsonNode>> it = reference.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      assertEquals(e.getValue().asDouble(), logs.get(e.getKey()).get("agg_value").asDouble(), 1e-13, e.getKey());
    }
    assertEquals(reference.get("model_utility").asDouble(), summary.get("model_utility").asDouble(), 1e-13);
    assertEquals(0.9909385566403208, summary.get("forget_Q_A_Prob").asDouble(), 1e-12);
    assertEquals(0.985449693916369, summary.get("forget_Q_A_ROUGE").asDouble(), 1e-12);
    // privleak: 1 − ⅔ against 1 − ½ → −33.3 %
    assertEquals(-100.0 / 3, summary.get("privleak").asDouble(), 1e-6);
    assertEquals(1.0, summary.get("exact_memorization").asDouble(), 0);
    assertEquals(0.75, summary.get("extraction_strength").asDouble(), 0);

    assertTrue(logs.get("forget_quality").get("agg_value").isNull());
    for (String pre : List.of("retain_Q_A_Prob", "retain_Q_A_ROUGE", "retain_Truth_Ratio", "ra_Q_A_Prob_normalised",
        "ra_Q_A_ROUGE", "ra_Truth_Ratio", "wf_Q_A_Prob_normalised", "wf_Q_A_ROUGE", "wf_Truth_Ratio",
        "forget_Q_A_PARA_Prob", "forget_Q_A_PERT_Prob", "ra_Q_A_PERT_Prob")) {
      assertTrue(logs.get(pre).get("agg_value").isNumber(), pre);
    }
    assertEquals(5, logs.get("forget_Q_A_PERT_Prob").get("value_by_index").get("0").get("prob").size());
    assertTrue(logs.get("exact_memorization").get("value_by_index").get("1").get("score").isNull());
    assertEquals(0.5, logs.get("mia_min_k").get("forget").get("value_by_index").get("0").get("score").asDouble(), 0);
  }

  @Test
  void aRetainLogOfAnotherSplitIsRefusedInOneLine(@TempDir Path dir) throws Exception {
    Map<TofuSplit, List<Scored>> full = splits("full");
    List<QaRecord> forget = forgetRecords(full);
    Path tofuLog = golden("retain90").resolve("eval_log_forget.json");
    IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
        () -> RetainLogs.read(tofuLog, forget.subList(0, 40), "forget01"));
    assertEquals("--retain-logs " + tofuLog + " holds 300 forget samples but forget01 has 40:"
        + " it evaluates another forget split", count.getMessage());

    List<QaRecord> shuffled = new ArrayList<>(forget);
    shuffled.set(3, forget.get(4));
    IllegalArgumentException answers = assertThrows(IllegalArgumentException.class,
        () -> RetainLogs.read(tofuLog, shuffled, "forget10"));
    assertEquals("--retain-logs " + tofuLog + ": forget sample 3's answer is not forget10's:"
        + " it evaluates another forget split", answers.getMessage());

    Path other = Files.writeString(dir.resolve("other.json"), "{\"model_utility\": {\"agg_value\": 0.5}}");
    IllegalArgumentException neither = assertThrows(IllegalArgumentException.class,
        () -> RetainLogs.read(other, forget, "forget10"));
    assertTrue(neither.getMessage().startsWith("--retain-logs " + other + " is neither"), neither.getMessage());
    assertFalse(neither.getMessage().contains("\n"));
  }
}
