package org.blurnative.eval.openunlearning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.blurnative.data.QaRecord;
import org.blurnative.eval.mia.MembershipAttack;
import org.blurnative.eval.tofu.TofuEvalLog;
import org.blurnative.eval.tofu.TofuLogEntry;
import org.blurnative.eval.tofu.TofuSample;

/**
 * A retain model's saved evaluation, for forget quality (and privleak) without evaluating the
 * retain model (MUSE: {@link #museAucs}): open-unlearning's TOFU_EVAL.json (its forget_truth_ratio scores, as its
 * forget_quality.yaml reads them as reference logs, and the agg_value of each mia_* metric, as
 * privleak.yaml reads mia_min_k) or TOFU's eval_log_forget.json (truth ratios from its losses).
 * The file must be of the forget split being evaluated: as many samples, and, where the file keeps
 * the texts, the same answers.
 *
 * @param forgetTruthRatios per-sample truth ratios P_wrong/P_correct, in sample order
 * @param openUnlearning whether they follow open-unlearning's formula (its 1e-10 guard) or TOFU's
 * @param miaAucs the retain model's AUC of every attack the file has
 */
public record RetainLogs(Path file, double[] forgetTruthRatios, boolean openUnlearning,
    Map<MembershipAttack, Double> miaAucs) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** @param split the forget split's name, for messages ("forget10") */
  public static RetainLogs read(Path file, List<QaRecord> forget, String split) {
    JsonNode root = json(file);
    if (root.has("forget_truth_ratio")) {
      return openUnlearning(file, root, forget, split);
    }
    if (root.has("avg_paraphrased_loss")) {
      List<TofuLogEntry> entries = TofuEvalLog.read(file);
      requireCount(file, entries.size(), forget, split);
      List<String> answers = entries.stream().map(TofuLogEntry::groundTruth).toList();
      requireAnswers(file, answers, forget, split);
      return new RetainLogs(file, entries.stream().map(TofuLogEntry::sample).mapToDouble(TofuSample::truthRatio)
          .toArray(), false, Map.of());
    }
    throw new IllegalArgumentException("--retain-logs " + file + " is neither open-unlearning's TOFU_EVAL.json"
        + " (no \"forget_truth_ratio\") nor TOFU's eval_log_forget.json (no \"avg_paraphrased_loss\")");
  }

  private static RetainLogs openUnlearning(Path file, JsonNode root, List<QaRecord> forget, String split) {
    JsonNode byIndex = root.path("forget_truth_ratio").path("value_by_index");
    if (!byIndex.isObject()) {
      throw new IllegalArgumentException(file + ": \"forget_truth_ratio\" has no \"value_by_index\" map");
    }
    List<Double> ratios = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = byIndex.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode score = e.getValue().get("score");
      if (score == null || !score.isNumber()) {
        throw new IllegalArgumentException(file + ": forget_truth_ratio sample " + e.getKey() + " has no numeric \"score\"");
      }
      ratios.add(score.doubleValue());
    }
    requireCount(file, ratios.size(), forget, split);
    JsonNode rouge = root.path("forget_Q_A_ROUGE").path("value_by_index");
    if (rouge.isObject()) {
      List<String> answers = new ArrayList<>();
      rouge.elements().forEachRemaining(v -> answers.add(v.path("ground_truth").asText(null)));
      if (answers.size() == ratios.size() && !answers.contains(null)) {
        requireAnswers(file, answers, forget, split);
      }
    }
    return new RetainLogs(file, ratios.stream().mapToDouble(Double::doubleValue).toArray(), true, aucs(root));
  }

  /**
   * A retain model's MUSE_EVAL.json, for privleak: the AUC of each attack it has, as privleak.yaml
   * reads mia_min_k's agg_value. mia_min_k must be there, of as many forget texts as privleak's.
   */
  public static Map<MembershipAttack, Double> museAucs(Path file, int privLeakForget) {
    JsonNode root = json(file);
    JsonNode forget = root.path(MembershipAttack.MIN_K.metric()).path("forget").path("value_by_index");
    if (!root.path(MembershipAttack.MIN_K.metric()).path("agg_value").isNumber() || !forget.isObject()) {
      throw new IllegalArgumentException("--retain-logs " + file + " has no mia_min_k with an agg_value and forget"
          + " scores: privleak needs the retain model's MUSE_EVAL.json");
    }
    if (forget.size() != privLeakForget) {
      throw new IllegalArgumentException("--retain-logs " + file + " scores " + forget.size()
          + " privleak forget texts but --data has " + privLeakForget + ": it evaluates another corpus");
    }
    return aucs(root);
  }

  private static JsonNode json(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--retain-logs " + file + " does not exist");
    }
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException("--retain-logs " + file + " cannot be read as JSON: "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
    }
  }

  private static Map<MembershipAttack, Double> aucs(JsonNode root) {
    Map<MembershipAttack, Double> aucs = new EnumMap<>(MembershipAttack.class);
    for (MembershipAttack a : MembershipAttack.values()) {
      JsonNode agg = root.path(a.metric()).path("agg_value");
      if (agg.isNumber()) {
        aucs.put(a, agg.doubleValue());
      }
    }
    return aucs;
  }

  private static void requireCount(Path file, int count, List<QaRecord> forget, String split) {
    if (count != forget.size()) {
      throw new IllegalArgumentException("--retain-logs " + file + " holds " + count + " forget samples but "
          + split + " has " + forget.size() + ": it evaluates another forget split");
    }
  }

  // whitespace collapsed: open-unlearning's ground_truth is the answer decoded back from its ids
  private static void requireAnswers(Path file, List<String> answers, List<QaRecord> forget, String split) {
    for (int i = 0; i < answers.size(); i++) {
      if (!normalized(answers.get(i)).equals(normalized(forget.get(i).answer()))) {
        throw new IllegalArgumentException("--retain-logs " + file + ": forget sample " + i + "'s answer is not "
            + split + "'s: it evaluates another forget split");
      }
    }
  }

  private static String normalized(String text) {
    return text.strip().replaceAll("\\s+", " ");
  }
}
