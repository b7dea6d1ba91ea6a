package org.blurnative.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Text to token ids and back, with the BOS/EOS conventions of Hugging Face's transformers for
 * LLaMA-family models: {@code encode(text, true)} prepends BOS once when the tokenizer adds it
 * (add_bos_token) and appends EOS only when add_eos_token says so (LLaMA: never by default).
 *
 * <p>Ids are plain {@code int}s: every vocabulary in scope (32k to 128k) fits, and the data package
 * keeps int arrays until it builds tensors.
 */
public interface Tokenizer extends AutoCloseable {

  /**
   * The ids of {@code text}; with {@code addSpecialTokens}, BOS and EOS as the tokenizer's
   * configuration asks. Special-token strings inside the text (such as {@code <|eot_id|>}) become
   * their special ids, as in every Hugging Face tokenizer.
   */
  int[] encode(String text, boolean addSpecialTokens);

  /**
   * The ids of {@code text} when it follows other text rather than starting a sequence: no special
   * tokens, and no word-start marker that SentencePiece tokenizers put before the first word. Used
   * for an answer tokenised apart from its prompt, so that prompt ids followed by answer ids are
   * the ids the model would see for the whole text.
   */
  int[] encodeContinuation(String text);

  /** The text of {@code ids}; special tokens are dropped when {@code skipSpecialTokens}. */
  String decode(int[] ids, boolean skipSpecialTokens);

  /** Whether {@code encode(text, true)} prepends BOS: add_bos_token, or what the post-processor does. */
  boolean addsBos();

  /** Whether {@code encode(text, true)} appends EOS: add_eos_token, or what the post-processor does. */
  boolean addsEos();

  int bosId();

  int eosId();

  /**
   * The id padded positions hold. LLaMA ships no pad token; there this is the EOS id, which is
   * harmless because padded positions are masked out of attention and labels.
   */
  int padId();

  /** One more than the largest id the tokenizer can produce. */
  int vocabSize();

  /** What tokenizer_config.json said (all empty when there was none). */
  TokenizerConfig config();

  /** Releases native resources, if any. */
  @Override
  default void close() {}

  /**
   * The tokenizer of a model directory: {@link ByteTokenizer} when its tokenizer.json is exactly
   * the one ByteTokenizer writes (pure Java, no native library), otherwise the Hugging Face
   * tokenizer through DJL. The directory's tokenizer_config.json, when present, decides BOS/EOS.
   */
  static Tokenizer load(Path modelDirectory) {
    Path tokenizerJson = modelDirectory.resolve(ByteTokenizer.TOKENIZER_JSON);
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new IllegalArgumentException(
          modelDirectory + " has no " + ByteTokenizer.TOKENIZER_JSON + ": not a Hugging Face model directory");
    }
    TokenizerConfig config = TokenizerConfig.read(modelDirectory);
    try {
      if (ByteTokenizer.isOwnTokenizerJson(tokenizerJson)) {
        return ByteTokenizer.withConfig(config);
      }
      return HuggingFaceTokenizerAdapter.load(tokenizerJson, config);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + tokenizerJson, e);
    }
  }
}
