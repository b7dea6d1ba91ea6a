package org.blurnative.eval.openunlearning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.blurnative.eval.OpenUnlearningReference;
import org.blurnative.eval.memorization.MemorizationScores;
import org.blurnative.eval.mia.MembershipAttack;
import org.blurnative.eval.mia.MiaResult;
import org.blurnative.eval.muse.MinKPercent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MUSE_EVAL.json / MUSE_SUMMARY.json written, read back as a retain model's logs, and their privleak. */
class MuseEvalFilesTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static final List<RougeEntry> THREE = List.of(RougeEntry.of("Question: Who?\nAnswer: ", "Jane Doe", "Jane Doe"),
      RougeEntry.of("Question: Who?\nAnswer: ", "Jane Doe", "Jane"), RougeEntry.of("Question: Who?\nAnswer: ",
          "Jane Doe", "nobody"));

  static MuseEvalFiles.Contents contents(Map<MembershipAttack, Double> retainAucs) {
    double[] f = {0.5, 1.5, 2.5}, h = {1, 2, 3};
    Map<MembershipAttack, MiaResult> attacks = new EnumMap<>(MembershipAttack.class);
    attacks.put(MembershipAttack.MIN_K, new MiaResult(MembershipAttack.MIN_K, f, h));
    attacks.put(MembershipAttack.LOSS, new MiaResult(MembershipAttack.LOSS, h, f));
    MemorizationScores memorization = new MemorizationScores(
        new OptionalDouble[] {OptionalDouble.of(1), OptionalDouble.empty(), OptionalDouble.of(0.5)},
        new double[] {1, 0.5, 0});
    return new MuseEvalFiles.Contents(THREE, THREE.subList(0, 2), THREE.subList(1, 3), attacks, retainAucs,
        memorization);
  }

  @Test
  void writtenLogsSummariseAsOpenUnlearningAndReadBackAsARetainModels(@TempDir Path dir) throws Exception {
    MuseEvalFiles.write(dir, contents(Map.of()));
    JsonNode summary = JSON.readTree(dir.resolve(MuseEvalFiles.SUMMARY_FILE).toFile());
    List<String> keys = new ArrayList<>();
    summary.fieldNames().forEachRemaining(keys::add);
    assertEquals(List.of("exact_memorization", "extraction_strength", "forget_knowmem_ROUGE", "forget_verbmem_ROUGE",
        "mia_loss", "mia_min_k", "privleak", "retain_knowmem_ROUGE"), keys);
    // rougeL_f1 of the three by hand: 1, ⅔ (P 1, R ½), 0
    assertEquals((1 + 2.0 / 3 + 0) / 3, summary.get("forget_knowmem_ROUGE").asDouble(), 1e-12);
    assertEquals((1 + 2.0 / 3) / 2, summary.get("retain_knowmem_ROUGE").asDouble(), 1e-12);
    assertEquals(1.0 / 3, summary.get("forget_verbmem_ROUGE").asDouble(), 1e-12);
    // mia_min_k: holdout above forget in 6 of 9 pairs; privleak against privleak.yaml's ref_value 0.5:
    // (1 − ⅔ − ½)/(½ + 1e-10) × 100
    assertEquals(6.0 / 9, summary.get("mia_min_k").asDouble(), 1e-15);
    assertEquals((1 - 6.0 / 9 - 0.5) / (0.5 + 1e-10) * 100, summary.get("privleak").asDouble(), 1e-9);
    assertEquals(0.75, summary.get("exact_memorization").asDouble(), 0);  // the None sample left out
    assertEquals(0.5, summary.get("extraction_strength").asDouble(), 0);

    String text = Files.readString(dir.resolve(MuseEvalFiles.EVAL_FILE));
    assertTrue(text.startsWith("{\n    \"exact_memorization\" : {\n        \"agg_value\""), text.substring(0, 80));
    JsonNode logs = JSON.readTree(text);
    JsonNode first = logs.get("forget_knowmem_ROUGE").get("value_by_index").get("1");
    List<String> fields = new ArrayList<>();
    first.fieldNames().forEachRemaining(fields::add);
    assertEquals(List.of("rouge1_recall", "rougeL_f1", "rougeL_recall", "input", "ground_truth", "generation"), fields);
    assertEquals("Question: Who?\nAnswer: ", first.get("input").asText());
    assertEquals(0.5, first.get("rougeL_recall").asDouble(), 1e-12);
    assertTrue(logs.get("exact_memorization").get("value_by_index").get("1").get("score").isNull());
    assertEquals(3, logs.get("mia_min_k").get("holdout").get("value_by_index").size());

    assertEquals(Map.of(MembershipAttack.MIN_K, 6.0 / 9, MembershipAttack.LOSS, 3.0 / 9),
        RetainLogs.museAucs(dir.resolve(MuseEvalFiles.EVAL_FILE), 3));
    IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
        () -> RetainLogs.museAucs(dir.resolve(MuseEvalFiles.EVAL_FILE), 4));
    assertEquals("--retain-logs " + dir.resolve(MuseEvalFiles.EVAL_FILE) + " scores 3 privleak forget texts but"
        + " --data has 4: it evaluates another corpus", other.getMessage());
    IllegalArgumentException summaryInstead = assertThrows(IllegalArgumentException.class,
        () -> RetainLogs.museAucs(dir.resolve(MuseEvalFiles.SUMMARY_FILE), 3));
    assertTrue(summaryInstead.getMessage().contains("has no mia_min_k with an agg_value and forget scores"),
        summaryInstead.getMessage());
  }

  @Test
  void privleakMatchesTheReferenceWithAndWithoutTheRetainModelsAuc(@TempDir Path dir) throws Exception {
    JsonNode ref = OpenUnlearningReference.get("muse").get("privleak");
    double[] f = scores(ref.get("forget_log_probs")), h = scores(ref.get("holdout_log_probs"));
    Map<MembershipAttack, MiaResult> attacks = Map.of(MembershipAttack.MIN_K, new MiaResult(MembershipAttack.MIN_K, f, h));
    MemorizationScores none = new MemorizationScores(new OptionalDouble[] {OptionalDouble.of(0)}, new double[] {0});
    MuseEvalFiles.write(dir, new MuseEvalFiles.Contents(THREE, THREE, THREE, attacks, Map.of(), none));
    JsonNode summary = JSON.readTree(dir.resolve(MuseEvalFiles.SUMMARY_FILE).toFile());
    assertEquals(ref.get("mia_min_k").asDouble(), summary.get("mia_min_k").asDouble(), 1e-15);
    assertEquals(ref.get("default_retain").asDouble(), summary.get("privleak").asDouble(), 1e-9);
    MuseEvalFiles.write(dir, new MuseEvalFiles.Contents(THREE, THREE, THREE, attacks,
        Map.of(MembershipAttack.MIN_K, ref.get("retain_auc").asDouble()), none));
    assertEquals(ref.get("with_retain").asDouble(),
        JSON.readTree(dir.resolve(MuseEvalFiles.SUMMARY_FILE).toFile()).get("privleak").asDouble(), 1e-9);
  }

  private static double[] scores(JsonNode logProbs) {
    double[] out = new double[logProbs.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = MinKPercent.openUnlearning(OpenUnlearningReference.doubles(logProbs.get(i)), MinKPercent.MUSE_K);
    }
    return out;
  }
}
