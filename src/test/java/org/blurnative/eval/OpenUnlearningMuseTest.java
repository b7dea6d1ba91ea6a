package org.blurnative.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.blurnative.data.ContinuationRecord;
import org.blurnative.data.QaRecord;
import org.blurnative.data.TextRecord;
import org.blurnative.data.TokenizedExample;
import org.blurnative.eval.MuseEvaluator.Generation;
import org.blurnative.eval.openunlearning.RougeEntry;
import org.blurnative.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;

/**
 * open-unlearning's MUSE datasets and ROUGE entries on the byte-level tokenizer (one id per byte,
 * so every id can be counted by hand), against hand arithmetic and against
 * scripts/openunlearning_reference.py's float64 re-implementation of its data/utils.py and
 * metrics/utils.py (expected.json's "muse").
 */
class OpenUnlearningMuseTest {
  static final ByteTokenizer TOKENIZER = new ByteTokenizer();
  static final OpenUnlearningMuse MUSE = new OpenUnlearningMuse(TOKENIZER);

  @Test
  void completionsAreWhatPreprocessPretrainingInstanceGives() {
    for (JsonNode c : OpenUnlearningReference.get("muse").get("completions")) {
      TokenizedExample e = MUSE.completion(c.get("prefix").asText(), c.get("text").asText(),
          c.get("insert_space").asBoolean());
      assertEquals(c.get("length").asInt(), e.length(), c.get("prefix").asText());
      assertEquals(c.get("unlabelled").asInt(), e.promptIds().length, c.get("prefix").asText());
      if (!c.get("input_ids").isNull()) {
        int[] all = new int[e.length()];
        System.arraycopy(e.promptIds(), 0, all, 0, e.promptIds().length);
        System.arraycopy(e.answerIds(), 0, all, e.promptIds().length, e.answerIds().length);
        assertArrayEquals(OpenUnlearningReference.ints(c.get("input_ids")), all);
      }
    }
  }

  @Test
  void verbMemLabelsTheSpacedContinuationAndMiaTextsAllButBos() {
    // "ab" + " " + "cd": BOS a b | ␠ c d
    TokenizedExample verb = MUSE.verbMemExamples(List.of(new ContinuationRecord("ab", "cd"))).get(0);
    assertArrayEquals(new int[] {1, 3 + 'a', 3 + 'b'}, verb.promptIds());
    assertArrayEquals(new int[] {3 + ' ', 3 + 'c', 3 + 'd'}, verb.answerIds());
    assertEquals(1, verb.pinnedPrefix());
    TokenizedExample mia = MUSE.miaExamples(List.of(new TextRecord("xyz"))).get(0);
    assertArrayEquals(new int[] {1}, mia.promptIds());
    assertArrayEquals(new int[] {3 + 'x', 3 + 'y', 3 + 'z'}, mia.answerIds());
    // 2048 text ids at most after the prefix, however long the text
    TokenizedExample cut = MUSE.miaExamples(List.of(new TextRecord("a".repeat(2100)))).get(0);
    assertEquals(OpenUnlearningMuse.COMPLETION_MAX_LENGTH, cut.answerIds().length);
  }

  @Test
  void groundTruthAndGenerationAreCutAsEvalTextSimilarityCutsThem() {
    for (JsonNode t : OpenUnlearningReference.get("muse").get("text_similarity")) {
      List<String> stop = new ArrayList<>(List.of("</s>"));
      t.get("stopwords").forEach(w -> stop.add(w.asText()));
      assertEquals(t.get("ground_truth").asText(),
          RougeEntry.groundTruth(t.get("input").asText(), t.get("full_text").asText()));
      assertEquals(t.get("generation").asText(), RougeEntry.generation(t.get("raw_generation").asText(), stop));
    }
  }

  @Test
  void verbMemComparesWithTheWholeContinuation() {
    // the generation stops at the first sentence; the ground truth is both sentences, stemmed:
    // [sat on the mat it purr] vs [sat on the mat]: LCS 4, P = 1, R = 4/6, F1 = 2·(2/3)/(5/3) = 0.8
    Generation g = new Generation("The cat", "unused", " sat on the mat.\n", 0);
    RougeEntry e = MUSE.verbMem(List.of(g), List.of(new ContinuationRecord("The cat", "sat on the mat. It purred.")))
        .get(0);
    assertEquals("The cat", e.input());
    assertEquals("sat on the mat. It purred.", e.groundTruth());
    assertEquals("sat on the mat.", e.generation());
    assertEquals(0.8, e.rougeLF1(), 1e-12);
    assertEquals(4.0 / 6, e.rougeLRecall(), 1e-12);
    assertEquals(4.0 / 6, e.rouge1Recall(), 1e-12);
  }

  @Test
  void knowMemInputIsTheFewShotPromptWithoutBosAndTheAnswerIsWhatFollowsIt() {
    List<QaRecord> shots = List.of(new QaRecord("Q1?", "A1"));
    QaRecord q = new QaRecord("Who wrote it?", "Jane Doe");
    String prompt = MuseEvaluator.knowMemPrompt(shots, q.question());
    // three samples: a right answer, half of one (P 1, R ½: F1 ⅔) and a wrong one (F1 0)
    List<Generation> generated = List.of(new Generation(prompt, "", "Jane Doe", 0),
        new Generation(prompt, "", " Jane\n\nQuestion: more", 0), new Generation(prompt, "", "nobody", 0));
    List<RougeEntry> entries = MUSE.knowMem(generated, List.of(q, q, q));
    assertEquals("Question: Q1?\nAnswer: A1\n\nQuestion: Who wrote it?\nAnswer: ", entries.get(0).input());
    assertEquals(List.of("Jane Doe", "Jane Doe", "Jane Doe"), entries.stream().map(RougeEntry::groundTruth).toList());
    assertEquals(List.of("Jane Doe", "Jane", "nobody"), entries.stream().map(RougeEntry::generation).toList());
    assertArrayEquals(new double[] {1, 2.0 / 3, 0}, entries.stream().mapToDouble(RougeEntry::rougeLF1).toArray(), 1e-12);
  }

  @Test
  void aKnowMemPromptLongerThanItsMaxLengthIsRefusedByNumber() {
    String prompt = "x".repeat(OpenUnlearningMuse.QA_MAX_LENGTH);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MUSE.knowMem(
        List.of(new Generation(prompt, "", "a", 0)), List.of(new QaRecord("q", "a"))));
    assertEquals("knowmem question 1's few-shot prompt has 513 tokens, more than open-unlearning's max_length 512"
        + " (it would cut the question)", e.getMessage());
  }
}
