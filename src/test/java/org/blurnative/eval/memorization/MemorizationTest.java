package org.blurnative.eval.memorization;

import static org.blurnative.eval.OpenUnlearningReference.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.OptionalDouble;
import org.blurnative.eval.OpenUnlearningReference;
import org.junit.jupiter.api.Test;

class MemorizationTest {

  @Test
  void threeSamplesByHand() {
    int[] labels = {5, 6, 7, 8};
    // all four predicted: EM 1, ES 1 − 0/4 = 1
    assertEquals(1.0, ExactMemorization.of(new int[] {5, 6, 7, 8}, labels).getAsDouble(), 0);
    assertEquals(1.0, ExtractionStrength.of(new int[] {5, 6, 7, 8}, labels), 0);
    // the first wrong: EM 3/4; the suffix from token 1 matches, ES 1 − 1/4
    assertEquals(0.75, ExactMemorization.of(new int[] {0, 6, 7, 8}, labels).getAsDouble(), 0);
    assertEquals(0.75, ExtractionStrength.of(new int[] {0, 6, 7, 8}, labels), 0);
    // the last wrong: EM 3/4; no suffix matches, open-unlearning's loop ends at k = 3: ES 1/4
    assertEquals(0.75, ExactMemorization.of(new int[] {5, 6, 7, 0}, labels).getAsDouble(), 0);
    assertEquals(0.25, ExtractionStrength.of(new int[] {5, 6, 7, 0}, labels), 0);
    // their means: EM (1 + ¾ + ¾)/3
    OptionalDouble[] em = {OptionalDouble.of(1), OptionalDouble.of(0.75), OptionalDouble.of(0.75), OptionalDouble.empty()};
    assertEquals(2.5 / 3, ExactMemorization.mean(em), 1e-15);
  }

  @Test
  void aSampleWithoutTokensIsSkippedByExactMemorizationAndScoresZeroExtraction() {
    assertFalse(ExactMemorization.of(new int[0], new int[0]).isPresent());
    assertEquals(0.0, ExtractionStrength.of(new int[0], new int[0]), 0);
    assertThrows(IllegalArgumentException.class, () -> ExtractionStrength.of(new int[1], new int[2]));
  }

  @Test
  void matchesOpenUnlearningsFormulas() {
    JsonNode c = OpenUnlearningReference.get("memorization");
    JsonNode samples = c.get("samples");
    OptionalDouble[] em = new OptionalDouble[samples.size()];
    double esSum = 0;
    for (int i = 0; i < samples.size(); i++) {
      int[] p = ints(samples.get(i).get("predicted")), l = ints(samples.get(i).get("labels"));
      em[i] = ExactMemorization.of(p, l);
      JsonNode expectedEm = c.get("exact_memorization").get(i);
      assertEquals(expectedEm.isNull(), em[i].isEmpty(), "sample " + i);
      if (!expectedEm.isNull()) {
        assertEquals(expectedEm.asDouble(), em[i].getAsDouble(), 1e-15, "sample " + i);
      }
      double es = ExtractionStrength.of(p, l);
      assertEquals(c.get("extraction_strength").get(i).asDouble(), es, 1e-15, "sample " + i);
      esSum += es;
    }
    assertEquals(c.get("exact_memorization_mean").asDouble(), ExactMemorization.mean(em), 1e-15);
    assertEquals(c.get("extraction_strength_mean").asDouble(), esSum / samples.size(), 1e-15);
  }
}
