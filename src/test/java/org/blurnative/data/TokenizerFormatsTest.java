package org.blurnative.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.blurnative.tokenizer.Tokenizer;
import org.blurnative.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prompt formats on the LLaMA-shaped tokenizer fixtures: prompt ids then answer ids are the ids of
 * the whole text, so the label boundary is exact, and EOS follows the answer once.
 */
class TokenizerFormatsTest {

  private static Tokenizer load(String name) throws URISyntaxException {
    return Tokenizer.load(Path.of(TokenizerFormatsTest.class.getResource("/tokenizer/" + name).toURI()));
  }

  private static int[] concat(int[] a, int[] b) {
    return IntStream.concat(IntStream.of(a), IntStream.of(b)).toArray();
  }

  @Test
  void llama2PromptAndAnswerIdsAreTheWholeTextsIds() throws URISyntaxException {
    try (Tokenizer t = load("llama2-like")) {
      for (PromptFormat format : new PromptFormat[] {PromptFormat.PLAIN, PromptFormat.LLAMA2}) {
        ExampleEncoder encoder = new ExampleEncoder(t, format, false);
        TokenizedExample e = encoder.qa("Paris?", "Paris");
        assertArrayEquals(t.encode(format.render("Paris?", "Paris").text(), true),
            concat(e.promptIds(), e.answerIds()), format.name());
        if (format == PromptFormat.PLAIN) {
          assertArrayEquals(new int[] {269}, e.answerIds(), "the answer is the piece \"▁Paris\"");
        } else {
          // "[/INST]Paris": no space, so no word-start marker on the answer's first piece
          assertTrue(e.answerIds()[0] != 269, "LLaMA-2's answer follows [/INST] directly");
        }
      }
      TokenizedExample withEos = new ExampleEncoder(t, PromptFormat.PLAIN, true).qa("Q", "Paris");
      assertArrayEquals(new int[] {269, t.eosId()}, withEos.answerIds());
    }
  }

  @Test
  void llama3AnswerEndsWithEotWhichIsEosSoNothingIsAppended() throws URISyntaxException {
    try (Tokenizer t = load("llama3-like")) {
      TokenizedExample e = new ExampleEncoder(t, PromptFormat.LLAMA3, true).qa("Paris?", "Paris");
      assertArrayEquals(new int[] {264, t.eosId()}, e.answerIds());
      assertEquals(t.bosId(), e.promptIds()[0]);
      assertEquals(1, e.pinnedPrefix());
      assertArrayEquals(t.encode(PromptFormat.LLAMA3.render("Paris?", "Paris").text(), true),
          concat(e.promptIds(), e.answerIds()));
      // the header tokens are single special ids
      assertEquals(t.bosId() + 2, e.promptIds()[1]); // <|start_header_id|>
    }
  }

  @Test
  void addEosTokenPutsEosAfterTheAnswerNeverAfterThePrompt(@TempDir Path dir) throws IOException {
    new ByteTokenizer().save(dir);
    Path config = dir.resolve("tokenizer_config.json");
    Files.writeString(config, Files.readString(config)
        .replace("\"add_eos_token\" : false", "\"add_eos_token\" : true"));
    try (Tokenizer t = Tokenizer.load(dir)) {
      ExampleEncoder encoder = new ExampleEncoder(t, PromptFormat.PLAIN, false);
      TokenizedExample e = encoder.qa("Who?", "Ann");
      assertArrayEquals(t.encode("Question: Who?\nAnswer:", false),
          java.util.Arrays.copyOfRange(e.promptIds(), 1, e.promptIds().length));
      assertEquals(ByteTokenizer.BOS_ID, e.promptIds()[0]);
      assertEquals(t.eosId(), e.answerIds()[e.answerIds().length - 1]);
      assertEquals(1, IntStream.of(concat(e.promptIds(), e.answerIds())).filter(id -> id == t.eosId()).count());
      TokenizedExample doc = encoder.text("doc");
      assertArrayEquals(new int[] {ByteTokenizer.BOS_ID}, doc.promptIds());
      assertArrayEquals(concat(t.encode("doc", false), new int[] {t.eosId()}), doc.answerIds());
      assertEquals(0, encoder.prompt("Who?").answerIds().length);
    }
  }
}
