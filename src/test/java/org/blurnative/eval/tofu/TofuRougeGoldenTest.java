package org.blurnative.eval.tofu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.blurnative.eval.rouge.RougeScorer;
import org.junit.jupiter.api.Test;

/**
 * Every ROUGE-L and ROUGE-1 recall stored in the golden logs (TOFU's {@code
 * scorer.score(ground_truth, generation)}, rouge_score with use_stemmer=True), recomputed here from
 * the stored texts: all 1,634 samples of both models and four splits must agree to 1e-9.
 */
class TofuRougeGoldenTest {

  @Test
  void everyStoredRecallIsReproducedFromTheTexts() {
    RougeScorer scorer = RougeScorer.tofu();
    int samples = 0;
    List<String> mismatches = new ArrayList<>();
    for (String model : TofuGolden.MODELS) {
      for (TofuSplit split : TofuSplit.values()) {
        for (TofuLogEntry e : TofuGolden.log(model, split)) {
          samples++;
          double l = scorer.rougeL(e.groundTruth(), e.generated()).recall();
          double one = scorer.rouge1(e.groundTruth(), e.generated()).recall();
          if (Math.abs(l - e.rougeLRecall()) > 1e-9 || Math.abs(one - e.rouge1Recall()) > 1e-9) {
            mismatches.add(model + "/" + split + "/" + e.index() + ": rougeL " + l + " vs " + e.rougeLRecall()
                + ", rouge1 " + one + " vs " + e.rouge1Recall());
          }
        }
      }
    }
    assertEquals(1634, samples);
    assertEquals(List.of(), mismatches);
  }
}
