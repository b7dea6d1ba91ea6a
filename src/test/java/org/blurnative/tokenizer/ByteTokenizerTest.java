package org.blurnative.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByteTokenizerTest {

  /** Texts on which our ids must equal the Rust tokenizer's: ASCII, unicode, empty, edge cases. */
  private static final List<String> TEXTS = List.of(
      "",
      "Hello, world!",
      "Question: Who wrote '1984'?\nAnswer: George Orwell",
      "naïve café — Gödel, Escher, Bach",
      "日本語のテキスト",
      "emoji 😀👍🏽 and a flag 🇫🇷",
      "tabs\tand\r\nnewlines\n\n",
      "  leading and trailing spaces  ",
      "<s>already has BOS</s> and <pad> and <unk>",
      "<ss> </s/> <<s>> <0x41>", // near-misses of special strings, and a literal byte-token name
      "\u0000 control \u007f characters",
      "x".repeat(3000));

  private final ByteTokenizer bytes = new ByteTokenizer();

  @Test
  void idsAreUtf8BytesAfterBos() {
    assertArrayEquals(new int[] {1, 3 + 'H', 3 + 'i'}, bytes.encode("Hi", true));
    assertArrayEquals(new int[] {3 + 'H', 3 + 'i'}, bytes.encode("Hi", false));
    assertArrayEquals(new int[] {1}, bytes.encode("", true));
    assertArrayEquals(new int[0], bytes.encode("", false));
    // é is C3 A9 in UTF-8; 😀 is F0 9F 98 80
    assertArrayEquals(new int[] {3 + 0xC3, 3 + 0xA9, 3 + 0xF0, 3 + 0x9F, 3 + 0x98, 3 + 0x80},
        bytes.encode("é😀", false));
  }

  @Test
  void bosAndEosAreAddedOnlyOnce(@TempDir Path dir) throws Exception {
    assertArrayEquals(new int[] {1, 3 + 'a'}, bytes.encode("<s>a", true));
    bytes.save(dir);
    Path config = dir.resolve("tokenizer_config.json");
    Files.writeString(config, Files.readString(config)
        .replace("\"add_eos_token\" : false", "\"add_eos_token\" : true"));
    try (Tokenizer t = Tokenizer.load(dir)) {
      assertArrayEquals(new int[] {1, 3 + 'a', 2}, t.encode("a</s>", true));
      assertArrayEquals(new int[] {1, 2}, t.encode("", true));
    }
  }

  @Test
  void specialStringsInTextBecomeSpecialIds() {
    assertArrayEquals(new int[] {3 + 'a', 1, 3 + 'b', 2, 259, 0},
        bytes.encode("a<s>b</s><pad><unk>", false));
  }

  @Test
  void decodeRoundTripsAndSkipsSpecials() {
    for (String text : TEXTS) {
      assertEquals(text.replaceAll("<s>|</s>|<pad>|<unk>", ""),
          bytes.decode(bytes.encode(text, true), true), text);
    }
    assertEquals("<s>Hi</s>", bytes.decode(new int[] {1, 3 + 'H', 3 + 'i', 2}, false));
  }

  @Test
  void invalidUtf8DecodesToOneReplacementPerByte() {
    // a lone continuation byte, then a truncated 3-byte sequence, split by a special token
    int[] ids = {3 + 'a', 3 + 0x80, 2, 3 + 0xE2, 3 + 0x82};
    assertEquals("\uFFFD\uFFFD</s>\uFFFD\uFFFD", bytes.decode(ids, false));
    assertEquals("\uFFFD\uFFFD\uFFFD\uFFFD", bytes.decode(ids, true));
  }

  @Test
  void decodeRejectsIdsOutsideTheVocabulary() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> bytes.decode(new int[] {260}, true));
    assertEquals("token id 260 is outside the byte tokenizer's vocabulary of 260", e.getMessage());
  }

  @Test
  void rustTokenizerLoadingTheWrittenFileGivesTheSameIds(@TempDir Path dir) throws Exception {
    bytes.save(dir);
    Path file = dir.resolve("tokenizer.json");
    try (HuggingFaceTokenizer rust = HuggingFaceTokenizer.newInstance(file,
        Map.of("truncation", "false", "padding", "false"))) {
      for (String text : TEXTS) {
        // the tokenizer.json's own post-processor prepends BOS unconditionally
        int[] withBos = IntStream.concat(IntStream.of(ByteTokenizer.BOS_ID),
            IntStream.of(bytes.encode(text, false))).toArray();
        assertArrayEquals(withBos, ints(rust.encode(text, true, false).getIds()), label(text));
        assertArrayEquals(bytes.encode(text, false), ints(rust.encode(text, false, false).getIds()),
            label(text));
      }
    }
    try (HuggingFaceTokenizerAdapter adapter =
        HuggingFaceTokenizerAdapter.load(file, TokenizerConfig.read(dir))) {
      assertEquals(bytes.vocabSize(), adapter.vocabSize());
      assertEquals(bytes.bosId(), adapter.bosId());
      assertEquals(bytes.eosId(), adapter.eosId());
      assertEquals(bytes.padId(), adapter.padId());
      for (String text : TEXTS) {
        int[] ids = bytes.encode(text, true);
        assertArrayEquals(ids, adapter.encode(text, true), label(text));
        assertArrayEquals(bytes.encodeContinuation(text), adapter.encodeContinuation(text),
            label(text));
        assertEquals(bytes.decode(ids, true), adapter.decode(ids, true), label(text));
        assertEquals(bytes.decode(ids, false), adapter.decode(ids, false), label(text));
      }
      int[] invalid = {3 + 'a', 3 + 0x80, 2, 3 + 0xE2, 3 + 0x82, 259, 3 + 0xF0};
      assertEquals(bytes.decode(invalid, false), adapter.decode(invalid, false));
      assertEquals(bytes.decode(invalid, true), adapter.decode(invalid, true));
    }
  }

  @Test
  void writesATokenizerConfigThatSaysBosButNoEos(@TempDir Path dir) {
    bytes.save(dir);
    TokenizerConfig config = TokenizerConfig.read(dir);
    assertEquals(true, config.addBosToken().orElseThrow());
    assertEquals(false, config.addEosToken().orElseThrow());
    assertEquals("<s>", config.bosToken().orElseThrow());
    assertEquals("</s>", config.eosToken().orElseThrow());
    assertEquals("<pad>", config.padToken().orElseThrow());
  }

  @Test
  void loadingAModelDirectoryPicksTheByteTokenizerOnlyForItsOwnFile(@TempDir Path dir)
      throws Exception {
    Path ours = dir.resolve("ours");
    bytes.save(ours);
    try (Tokenizer t = Tokenizer.load(ours)) {
      assertInstanceOf(ByteTokenizer.class, t);
      assertArrayEquals(bytes.encode("héllo", true), t.encode("héllo", true));
    }

    // the same file with one more token is somebody else's: the Rust tokenizer runs it
    Path edited = dir.resolve("edited");
    bytes.save(edited);
    Path json = edited.resolve("tokenizer.json");
    Files.writeString(json, Files.readString(json).replace(
        "\"<pad>\" : 259", "\"<pad>\" : 259,\n  \"hello\" : 260"));
    assertFalse(ByteTokenizer.isOwnTokenizerJson(json));
    try (Tokenizer t = Tokenizer.load(edited)) {
      assertInstanceOf(HuggingFaceTokenizerAdapter.class, t);
      assertEquals(261, t.vocabSize());
    }
  }

  @Test
  void editedAddBosTokenIsHonoured(@TempDir Path dir) throws Exception {
    bytes.save(dir);
    Path config = dir.resolve("tokenizer_config.json");
    Files.writeString(config, Files.readString(config)
        .replace("\"add_bos_token\" : true", "\"add_bos_token\" : false")
        .replace("\"add_eos_token\" : false", "\"add_eos_token\" : true"));
    try (Tokenizer t = Tokenizer.load(dir)) {
      assertInstanceOf(ByteTokenizer.class, t);
      assertArrayEquals(new int[] {3 + 'a', 2}, t.encode("a", true));
    }
  }

  @Test
  void aDirectoryWithoutTokenizerJsonIsRefused(@TempDir Path dir) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(dir));
    assertTrue(e.getMessage().endsWith("has no tokenizer.json: not a Hugging Face model directory"),
        e.getMessage());
  }

  @Test
  void writtenFileIsUtf8Json(@TempDir Path dir) throws Exception {
    bytes.save(dir);
    String json = Files.readString(dir.resolve("tokenizer.json"), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"byte_fallback\" : true"));
    assertTrue(ByteTokenizer.isOwnTokenizerJson(dir.resolve("tokenizer.json")));
  }

  /** The text, shortened so that a failure message stays readable. */
  private static String label(String text) {
    return text.length() <= 60 ? text : text.substring(0, 60) + "… (" + text.length() + " chars)";
  }

  static int[] ints(long[] ids) {
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) ids[i];
    }
    return out;
  }
}
