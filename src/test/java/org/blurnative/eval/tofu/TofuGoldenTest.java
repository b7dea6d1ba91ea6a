package org.blurnative.eval.tofu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.blurnative.eval.rouge.RougeScorer;
import org.blurnative.eval.stats.KsResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * expected.json (TOFU's get_model_utility and get_forget_quality with scipy 1.x on the golden logs:
 * the full model against retain90)
 * recomputed from the per-sample values, with ROUGE-L recomputed from the texts, to 1e-12 relative
 * (the sums run in another order than numpy's, so the last bit or two may differ).
 */
class TofuGoldenTest {
  private static JsonNode expected;
  private static TofuReport report;

  @BeforeAll
  static void score() throws IOException {
    expected = new ObjectMapper().readTree(TofuGolden.root().resolve("expected.json").toFile());
    RougeScorer scorer = RougeScorer.tofu();
    Map<TofuSplit, List<TofuSample>> full = new EnumMap<>(TofuSplit.class);
    for (TofuSplit split : TofuSplit.values()) {
      full.put(split, TofuGolden.log("full", split).stream().map(e -> e.sample(scorer)).toList());
    }
    List<TofuSample> retainForget =
        TofuGolden.log("retain90", TofuSplit.FORGET).stream().map(e -> e.sample(scorer)).toList();
    report = TofuReport.of(full, retainForget);
  }

  static void assertRelative(double want, double got, String what) {
    assertEquals(want, got, 1e-12 * Math.abs(want), what);  // asked: 1e-6; we agree to ~1e-15
  }

  @Test
  void perSplitNumbers() {
    Map<String, TofuSplit> names = Map.of("retain", TofuSplit.RETAIN, "real_authors", TofuSplit.REAL_AUTHORS,
        "world_facts", TofuSplit.WORLD_FACTS, "forget", TofuSplit.FORGET);
    names.forEach((name, split) -> {
      JsonNode want = expected.get("per_split").get(name);
      TofuSplitScores got = report.splits().get(split);
      assertRelative(want.get("prob").asDouble(), got.probability(), name + " prob");
      assertRelative(want.get("rougeL_recall").asDouble(), got.rougeLRecall(), name + " rougeL_recall");
      assertRelative(want.get("truth_ratio").asDouble(), got.truthRatio(), name + " truth_ratio");
    });
  }

  @Test
  void modelUtility() {
    assertRelative(0.6226773637427152, expected.get("model_utility").asDouble(), "expected.json");
    assertRelative(expected.get("model_utility").asDouble(), report.modelUtility(), "model utility");
  }

  @Test
  void forgetQualityIsTheExactKsPValue() {
    KsResult ks = report.forgetQuality().orElseThrow();
    assertTrue(ks.exact());
    assertEquals(300, expected.get("n_forget").get(0).asInt());
    assertRelative(1.834066410994743e-21, expected.get("forget_quality_exact").asDouble(), "expected.json");
    assertRelative(expected.get("forget_quality_exact").asDouble(), ks.pValue(), "forget quality");
    // scipy: D = 0.39666666666666667 = 119/300
    assertEquals(119.0 / 300, ks.statistic(), 1e-15);
    // the asymptotic p-value, which TOFU's forget quality is not, differs by more than 2×
    assertTrue(ks.pValue() > 2 * expected.get("forget_quality_asymp").asDouble());
  }
}
