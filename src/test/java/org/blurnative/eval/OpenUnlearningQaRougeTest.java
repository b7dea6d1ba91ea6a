package org.blurnative.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.blurnative.data.ExampleEncoder;
import org.blurnative.data.PromptFormat;
import org.blurnative.data.QaRecord;
import org.blurnative.eval.openunlearning.RougeEntry;
import org.blurnative.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;

/** TOFU_EVAL.json's *_Q_A_ROUGE entries as eval_text_similarity writes them, worked out by hand. */
class OpenUnlearningQaRougeTest {
  static final ByteTokenizer TOKENIZER = new ByteTokenizer();

  static RougeEntry entry(PromptFormat format, QaRecord record, String generated) {
    return new OpenUnlearningQaRouge(TOKENIZER, new ExampleEncoder(TOKENIZER, format, true)).entry(record, generated);
  }

  @Test
  void inputIsTheChatFormattedPromptAndTheTextsAreCleanedUp() {
    // [BOS] "[INST] Who? [/INST]" "Paris , France" [EOS], decoded without BOS and EOS, " ," cleaned up
    RougeEntry e = entry(PromptFormat.LLAMA2, new QaRecord("Who?", "Paris , France"), "Paris do n't</s>x");
    assertEquals("[INST] Who? [/INST]", e.input());
    assertEquals("Paris, France", e.groundTruth());
    assertEquals("Paris don't", e.generation());
    // stemmed tokens [pari franc] against [pari don t]: LCS 1, R = ½, P = ⅓, F1 = 2PR/(P + R) = 0.4
    assertEquals(0.5, e.rougeLRecall(), 1e-12);
    assertEquals(2 * (0.5 / 3) / (0.5 + 1.0 / 3), e.rougeLF1(), 1e-12);
    assertEquals(0.5, e.rouge1Recall(), 1e-12);
  }

  @Test
  void thePlainFormatsInputEndsAtAnswerAndTheSpacedAnswerIsStripped() {
    RougeEntry e = entry(PromptFormat.PLAIN, new QaRecord("Who wrote it?", "Jane Doe"), " Jane Doe ");
    assertEquals("Question: Who wrote it?\nAnswer:", e.input());
    assertEquals("Jane Doe", e.groundTruth());
    assertEquals("Jane Doe", e.generation());
    assertEquals(1.0, e.rougeLRecall(), 0);
  }
}
