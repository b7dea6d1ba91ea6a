package org.blurnative.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two miniature tokenizers in the shapes of the real ones (src/test/resources/tokenizer): LLaMA-2's
 * SentencePiece BPE whose config says add_bos_token, and LLaMA-3's, where only the tokenizer.json
 * post-processor adds {@code <|begin_of_text|>}.
 */
class HuggingFaceTokenizerAdapterTest {

  // ids of the LLaMA-2-like fixture: 3 specials, 256 bytes, then its pieces
  private static final int LLAMA2_SPACE = 259; // "▁"
  private static final int LLAMA2_PARIS = 269; // "▁Paris"
  private static final int LLAMA2_COLON = 276; // ":"
  private static final int LLAMA2_NEWLINE = 3 + '\n'; // byte fallback <0x0A>
  // ids of the LLaMA-3-like fixture: <unk>, 256 bytes, 11 pieces, then the special tokens
  private static final int LLAMA3_PARIS = 264;
  private static final int LLAMA3_BEGIN_OF_TEXT = 267;
  private static final int LLAMA3_EOT = 271;

  static Path fixture(String name) {
    try {
      return Path.of(HuggingFaceTokenizerAdapterTest.class.getResource("/tokenizer/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void llama2BosComesFromTheConfigAndNoEosByDefault() {
    try (Tokenizer t = Tokenizer.load(fixture("llama2-like"))) {
      HuggingFaceTokenizerAdapter hf = assertInstanceOf(HuggingFaceTokenizerAdapter.class, t);
      assertTrue(hf.addsBos());
      assertFalse(hf.addsEos());
      assertEquals(1, t.bosId());
      assertEquals(2, t.eosId());
      assertEquals(2, t.padId(), "LLaMA has no pad token: padding uses EOS");
      assertEquals(3 + 256 + 22, t.vocabSize());
      assertArrayEquals(new int[] {1, LLAMA2_PARIS}, t.encode("Paris", true));
      assertArrayEquals(new int[] {LLAMA2_PARIS}, t.encode("Paris", false));
      assertArrayEquals(new int[] {1, LLAMA2_PARIS}, t.encode("<s>Paris", true), "BOS only once");
      assertEquals("Paris", t.decode(t.encode("Paris", true), true));
      assertEquals("<s> Paris", t.decode(t.encode("Paris", true), false));
    }
  }

  @Test
  void continuationHasNoSentencePieceWordStartOfItsOwn() {
    try (Tokenizer t = Tokenizer.load(fixture("llama2-like"))) {
      // alone, " Paris" becomes "▁▁Paris"; after other text its space is the word start
      assertArrayEquals(new int[] {LLAMA2_SPACE, LLAMA2_PARIS}, t.encode(" Paris", false));
      assertArrayEquals(new int[] {LLAMA2_PARIS}, t.encodeContinuation(" Paris"));
      assertArrayEquals(new int[0], t.encodeContinuation(""));
      // so prompt ids then answer ids are the ids of the whole text
      int[] prompt = t.encode("Paris:", true);
      int[] answer = t.encodeContinuation(" Paris");
      assertArrayEquals(t.encode("Paris: Paris", true), concat(prompt, answer));
      assertArrayEquals(new int[] {1, LLAMA2_PARIS, LLAMA2_COLON, LLAMA2_PARIS},
          concat(prompt, answer));
      // a continuation that starts a line: no "▁" anywhere, so "Paris" is "P" "ar" "is"
      assertArrayEquals(new int[] {LLAMA2_SPACE, LLAMA2_NEWLINE, 260, 266, 268},
          t.encode("\nParis", false));
      assertArrayEquals(new int[] {LLAMA2_NEWLINE, 260, 266, 268}, t.encodeContinuation("\nParis"));
    }
  }

  @Test
  void llama3BosComesFromThePostProcessorWhenTheConfigIsSilent() {
    try (Tokenizer t = Tokenizer.load(fixture("llama3-like"))) {
      HuggingFaceTokenizerAdapter hf = assertInstanceOf(HuggingFaceTokenizerAdapter.class, t);
      assertTrue(t.config().addBosToken().isEmpty());
      assertTrue(hf.addsBos());
      assertFalse(hf.addsEos());
      assertEquals(LLAMA3_BEGIN_OF_TEXT, t.bosId());
      assertEquals(LLAMA3_EOT, t.eosId());
      assertEquals(LLAMA3_BEGIN_OF_TEXT + 5, t.vocabSize());
      assertArrayEquals(new int[] {LLAMA3_BEGIN_OF_TEXT, LLAMA3_PARIS}, t.encode("Paris", true));
      // a rendered chat template starts with the BOS text: not doubled
      assertArrayEquals(new int[] {LLAMA3_BEGIN_OF_TEXT, LLAMA3_PARIS, LLAMA3_EOT},
          t.encode("<|begin_of_text|>Paris<|eot_id|>", true));
      assertTrue(t.config().chatTemplate().orElseThrow().contains("<|start_header_id|>"));
      assertEquals("Paris", t.decode(new int[] {LLAMA3_BEGIN_OF_TEXT, LLAMA3_PARIS, LLAMA3_EOT}, true));
    }
  }

  @Test
  void configCanTurnEosOnAndBosOff(@TempDir Path dir) throws IOException {
    copyFixture("llama2-like", dir);
    Path config = dir.resolve("tokenizer_config.json");
    Files.writeString(config, Files.readString(config)
        .replace("\"add_bos_token\": true", "\"add_bos_token\": false")
        .replace("\"add_eos_token\": false", "\"add_eos_token\": true"));
    try (Tokenizer t = Tokenizer.load(dir)) {
      assertArrayEquals(new int[] {LLAMA2_PARIS, 2}, t.encode("Paris", true));
    }
  }

  @Test
  void longTextIsNeverTruncated() {
    try (Tokenizer t = Tokenizer.load(fixture("llama3-like"))) {
      String text = "Paris".repeat(2000);
      int[] ids = t.encode(text, false);
      assertEquals(2000, ids.length);
      assertTrue(IntStream.of(ids).allMatch(id -> id == LLAMA3_PARIS));
    }
  }

  @Test
  void malformedConfigIsReportedWithItsFileName(@TempDir Path dir) throws IOException {
    copyFixture("llama2-like", dir);
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"add_bos_token\": \"yes\"}");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(dir));
    assertEquals(dir.resolve("tokenizer_config.json")
        + ": \"add_bos_token\" must be true or false, got \"yes\"", e.getMessage());

    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": ");
    e = assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(dir));
    assertTrue(e.getMessage().startsWith(dir.resolve("tokenizer_config.json") + ": not valid JSON"),
        e.getMessage());
  }

  @Test
  void aBosTokenThatIsNotOneTokenIsRefused(@TempDir Path dir) throws IOException {
    copyFixture("llama2-like", dir);
    Path config = dir.resolve("tokenizer_config.json");
    Files.writeString(config, Files.readString(config).replace("\"content\": \"<s>\"", "\"content\": \"<bos>\""));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(dir));
    assertEquals(dir.resolve("tokenizer.json") + ": the bos_token \"<bos>\" of tokenizer_config.json"
        + " is not one token (it encodes to 6)", e.getMessage());
  }

  @Test
  void aBrokenTokenizerJsonIsReportedWithItsFileName(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a b\"]}}");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(dir));
    assertTrue(e.getMessage().startsWith(
        dir.resolve("tokenizer.json") + ": the Hugging Face tokenizers library cannot load it"),
        e.getMessage());
  }

  @Test
  void chatTemplateJinjaBesideTheConfigIsRead(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("chat_template.jinja"), "[INST] {{ content }} [/INST]");
    assertEquals("[INST] {{ content }} [/INST]",
        TokenizerConfig.read(dir).chatTemplate().orElseThrow());
  }

  private static void copyFixture(String name, Path to) throws IOException {
    for (String file : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
      Files.copy(fixture(name).resolve(file), to.resolve(file));
    }
  }

  static int[] concat(int[] a, int[] b) {
    return IntStream.concat(IntStream.of(a), IntStream.of(b)).toArray();
  }
}
