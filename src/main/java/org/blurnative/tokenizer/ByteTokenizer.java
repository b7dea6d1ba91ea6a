package org.blurnative.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A byte-level tokenizer for the small models this project trains itself: one token per UTF-8
 * byte, plus {@code <unk>}, {@code <s>}, {@code </s>} and {@code <pad>}. The ids follow LLaMA-2's
 * layout (0 unk, 1 BOS, 2 EOS, then bytes 0x00..0xFF at 3..258) with pad at 259.
 *
 * <p>{@link #save} writes a Hugging Face tokenizer.json (a BPE model with no merges and
 * byte_fallback, so every character falls back to its byte tokens) and a tokenizer_config.json, so
 * that a model directory of ours looks to the rest of the program, and to transformers, like any
 * other. The tests check that the Rust tokenizer loading that file produces exactly our ids.
 */
public final class ByteTokenizer implements Tokenizer {

  public static final int UNK_ID = 0;
  public static final int BOS_ID = 1;
  public static final int EOS_ID = 2;
  /** Byte b has id FIRST_BYTE_ID + b. */
  public static final int FIRST_BYTE_ID = 3;
  public static final int PAD_ID = FIRST_BYTE_ID + 256;
  public static final int VOCAB_SIZE = PAD_ID + 1;

  public static final String TOKENIZER_JSON = "tokenizer.json";
  /** Any tokenizer.json this large is somebody else's (ours is about 10 KB). */
  private static final long MAX_OWN_FILE_BYTES = 64 * 1024;

  private static final String UNK = "<unk>";
  private static final String BOS = "<s>";
  private static final String EOS = "</s>";
  private static final String PAD = "<pad>";
  /** The special tokens with their ids; a special string in the text becomes its id. */
  private static final List<String> SPECIAL_CONTENT = List.of(UNK, BOS, EOS, PAD);
  private static final int[] SPECIAL_IDS = {UNK_ID, BOS_ID, EOS_ID, PAD_ID};

  private static final ObjectMapper JSON = new ObjectMapper();

  private final boolean addBos;
  private final boolean addEos;
  private final TokenizerConfig config;

  /** BOS prepended, no EOS: what {@link #save} writes into tokenizer_config.json. */
  public ByteTokenizer() {
    this(true, false, TokenizerConfig.empty());
  }

  private ByteTokenizer(boolean addBos, boolean addEos, TokenizerConfig config) {
    this.addBos = addBos;
    this.addEos = addEos;
    this.config = config;
  }

  /** The tokenizer of a directory we wrote, honouring add_bos_token / add_eos_token if edited. */
  static ByteTokenizer withConfig(TokenizerConfig config) {
    return new ByteTokenizer(
        config.addBosToken().orElse(true), config.addEosToken().orElse(false), config);
  }

  /** BOS and EOS are added at most once: not when the text itself starts with {@code <s>}. */
  @Override
  public int[] encode(String text, boolean addSpecialTokens) {
    int[] out = new int[text.length() * 3 + 2]; // UTF-8 is at most 3 bytes per UTF-16 unit
    int n = 0;
    if (addSpecialTokens && addBos && !text.startsWith(BOS)) {
      out[n++] = BOS_ID;
    }
    int start = 0; // first character not yet emitted
    int i = 0;
    while (i < text.length()) {
      int special = longestSpecialAt(text, i);
      if (special < 0) {
        i++;
        continue;
      }
      n = appendBytes(text.substring(start, i), out, n);
      out[n++] = SPECIAL_IDS[special];
      i += SPECIAL_CONTENT.get(special).length();
      start = i;
    }
    n = appendBytes(text.substring(start), out, n);
    if (addSpecialTokens && addEos && (n == 0 || out[n - 1] != EOS_ID)) {
      out[n++] = EOS_ID;
    }
    return Arrays.copyOf(out, n);
  }

  /** Leftmost-longest matching, as the Hugging Face added-vocabulary splitter does. */
  private static int longestSpecialAt(String text, int at) {
    int best = -1;
    for (int s = 0; s < SPECIAL_CONTENT.size(); s++) {
      String content = SPECIAL_CONTENT.get(s);
      if (text.startsWith(content, at)
          && (best < 0 || content.length() > SPECIAL_CONTENT.get(best).length())) {
        best = s;
      }
    }
    return best;
  }

  private static int appendBytes(String piece, int[] out, int n) {
    for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
      out[n++] = FIRST_BYTE_ID + (b & 0xFF);
    }
    return n;
  }

  /** Bytes carry no word-start marker, so a continuation encodes like any text. */
  @Override
  public int[] encodeContinuation(String text) {
    return encode(text, false);
  }

  /**
   * Mirrors the ByteFallback decoder: a run of byte tokens that is valid UTF-8 becomes its text,
   * an invalid run becomes one U+FFFD per byte; special tokens (unless skipped) appear as their
   * strings and end a run.
   */
  @Override
  public String decode(int[] ids, boolean skipSpecialTokens) {
    StringBuilder text = new StringBuilder();
    ByteArrayOutputStream run = new ByteArrayOutputStream();
    for (int id : ids) {
      if (id >= FIRST_BYTE_ID && id < PAD_ID) {
        run.write(id - FIRST_BYTE_ID);
        continue;
      }
      int special = specialIndex(id);
      if (special < 0) {
        throw new IllegalArgumentException(
            "token id " + id + " is outside the byte tokenizer's vocabulary of " + VOCAB_SIZE);
      }
      if (skipSpecialTokens) {
        continue; // skipped before decoding, so the byte runs on either side join
      }
      flushRun(run, text);
      text.append(SPECIAL_CONTENT.get(special));
    }
    flushRun(run, text);
    return text.toString();
  }

  private static int specialIndex(int id) {
    for (int s = 0; s < SPECIAL_IDS.length; s++) {
      if (SPECIAL_IDS[s] == id) {
        return s;
      }
    }
    return -1;
  }

  private static void flushRun(ByteArrayOutputStream run, StringBuilder text) {
    if (run.size() == 0) {
      return;
    }
    byte[] bytes = run.toByteArray();
    try {
      text.append(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)));
    } catch (CharacterCodingException e) {
      text.append("\uFFFD".repeat(bytes.length));
    }
    run.reset();
  }

  @Override
  public boolean addsBos() {
    return addBos;
  }

  @Override
  public boolean addsEos() {
    return addEos;
  }

  @Override
  public int bosId() {
    return BOS_ID;
  }

  @Override
  public int eosId() {
    return EOS_ID;
  }

  @Override
  public int padId() {
    return PAD_ID;
  }

  @Override
  public int vocabSize() {
    return VOCAB_SIZE;
  }

  @Override
  public TokenizerConfig config() {
    return config;
  }

  /** Writes tokenizer.json and tokenizer_config.json into {@code directory} (created if needed). */
  public void save(Path directory) {
    try {
      Files.createDirectories(directory);
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(directory.resolve(TOKENIZER_JSON).toFile(), tokenizerJson());
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(directory.resolve(TokenizerConfig.FILE_NAME).toFile(), tokenizerConfigJson());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the byte tokenizer to " + directory, e);
    }
  }

  /** True when {@code file} holds exactly the tokenizer.json that {@link #save} writes. */
  static boolean isOwnTokenizerJson(Path file) throws IOException {
    if (Files.size(file) > MAX_OWN_FILE_BYTES) {
      return false;
    }
    try {
      return tokenizerJson().equals(JSON.readTree(file.toFile()));
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      return false; // not ours; the Hugging Face loader will say what is wrong with it
    }
  }

  /** The Hugging Face tokenizers serialisation (format version 1.0). */
  static ObjectNode tokenizerJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (int s = 0; s < SPECIAL_CONTENT.size(); s++) {
      ObjectNode t = added.addObject();
      t.put("id", SPECIAL_IDS[s]);
      t.put("content", SPECIAL_CONTENT.get(s));
      t.put("single_word", false);
      t.put("lstrip", false);
      t.put("rstrip", false);
      t.put("normalized", false);
      t.put("special", true);
    }
    root.putNull("normalizer");
    root.putNull("pre_tokenizer");

    // BOS before a sequence, as LLaMA-2's tokenizer.json does; we encode without it and add BOS
    // ourselves, but transformers users of the directory get the same ids
    ObjectNode post = root.putObject("post_processor");
    post.put("type", "TemplateProcessing");
    ArrayNode single = post.putArray("single");
    single.add(specialPiece(f, BOS, 0));
    single.add(sequencePiece(f, "A", 0));
    ArrayNode pair = post.putArray("pair");
    pair.add(specialPiece(f, BOS, 0));
    pair.add(sequencePiece(f, "A", 0));
    pair.add(specialPiece(f, BOS, 1));
    pair.add(sequencePiece(f, "B", 1));
    ObjectNode bosEntry = post.putObject("special_tokens").putObject(BOS);
    bosEntry.put("id", BOS);
    bosEntry.putArray("ids").add(BOS_ID);
    bosEntry.putArray("tokens").add(BOS);

    root.putObject("decoder").put("type", "ByteFallback");

    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.put("unk_token", UNK);
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", false);
    model.put("byte_fallback", true);
    model.put("ignore_merges", false);
    ObjectNode vocab = model.putObject("vocab");
    vocab.put(UNK, UNK_ID);
    vocab.put(BOS, BOS_ID);
    vocab.put(EOS, EOS_ID);
    for (int b = 0; b < 256; b++) {
      vocab.put(String.format("<0x%02X>", b), FIRST_BYTE_ID + b);
    }
    vocab.put(PAD, PAD_ID);
    model.putArray("merges");
    return root;
  }

  private static ObjectNode specialPiece(JsonNodeFactory f, String token, int typeId) {
    ObjectNode piece = f.objectNode();
    ObjectNode s = piece.putObject("SpecialToken");
    s.put("id", token);
    s.put("type_id", typeId);
    return piece;
  }

  private static ObjectNode sequencePiece(JsonNodeFactory f, String id, int typeId) {
    ObjectNode piece = f.objectNode();
    ObjectNode s = piece.putObject("Sequence");
    s.put("id", id);
    s.put("type_id", typeId);
    return piece;
  }

  private ObjectNode tokenizerConfigJson() {
    ObjectNode c = JsonNodeFactory.instance.objectNode();
    c.put("tokenizer_class", "PreTrainedTokenizerFast");
    c.put("add_bos_token", addBos);
    c.put("add_eos_token", addEos);
    c.put("bos_token", BOS);
    c.put("eos_token", EOS);
    c.put("unk_token", UNK);
    c.put("pad_token", PAD);
    c.put("clean_up_tokenization_spaces", false);
    Optional<String> template = config.chatTemplate();
    template.ifPresent(t -> c.put("chat_template", t));
    return c;
  }
}
