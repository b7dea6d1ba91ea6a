package org.blurnative.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A Hugging Face tokenizer.json run by the Rust tokenizers library through DJL, with BOS/EOS
 * decided the way transformers decides them for LLaMA:
 *
 * <ul>
 *   <li>add_bos_token / add_eos_token from tokenizer_config.json when it says (LLaMA-2);
 *   <li>otherwise whatever the tokenizer.json post-processor adds (LLaMA-3's template adds
 *       {@code <|begin_of_text|>}), found by encoding a probe with and without special tokens.
 * </ul>
 *
 * The Rust side always encodes without special tokens and this class adds BOS and EOS itself, so
 * BOS is never doubled when the text already starts with it (a rendered chat template does).
 */
public final class HuggingFaceTokenizerAdapter implements Tokenizer {

  /**
   * Text that ends a SentencePiece word on its own, so that encode(ANCHOR + text) minus
   * encode(ANCHOR) gives text's ids without the word-start marker a sequence start would get.
   */
  private static final String CONTINUATION_ANCHOR = "\n";
  private static final String PROBE = "a";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HuggingFaceTokenizer hf;
  private final TokenizerConfig config;
  private final Map<String, Integer> addedTokens;
  private final int vocabSize;
  private final int bosId;
  private final int eosId;
  private final int padId;
  private final boolean addBos;
  private final boolean addEos;
  private final int[] anchorIds;

  private HuggingFaceTokenizerAdapter(
      HuggingFaceTokenizer hf, TokenizerConfig config, Vocabulary vocabulary, Path file) {
    this.hf = hf;
    this.config = config;
    this.addedTokens = vocabulary.addedTokens;
    this.vocabSize = vocabulary.size;

    // what the tokenizer.json post-processor puts around a sequence
    int[] plain = raw(PROBE);
    int[] withSpecials = toInts(hf.encode(PROBE, true, false).getIds());
    int at = indexOf(withSpecials, plain);
    int[] prefix = at < 0 ? new int[0] : Arrays.copyOfRange(withSpecials, 0, at);
    int[] suffix = at < 0 ? new int[0]
        : Arrays.copyOfRange(withSpecials, at + plain.length, withSpecials.length);

    this.bosId = resolve(config.bosToken(), prefix, "<s>", "bos_token", file);
    this.eosId = resolve(config.eosToken(), suffix, "</s>", "eos_token", file);
    this.padId = config.padToken().isPresent()
        ? resolve(config.padToken(), new int[0], null, "pad_token", file)
        : eosId;
    this.addBos = config.addBosToken().orElse(contains(prefix, bosId));
    this.addEos = config.addEosToken().orElse(contains(suffix, eosId));
    this.anchorIds = raw(CONTINUATION_ANCHOR);
  }

  /** Loads {@code tokenizerJson}; {@code config} is its directory's tokenizer_config.json. */
  public static HuggingFaceTokenizerAdapter load(Path tokenizerJson, TokenizerConfig config)
      throws IOException {
    keepDjlOffline();
    Vocabulary vocabulary = Vocabulary.read(tokenizerJson);
    HuggingFaceTokenizer hf;
    try {
      // no truncation or padding behind our back: the data package decides both
      hf = HuggingFaceTokenizer.newInstance(tokenizerJson,
          Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          tokenizerJson + ": the Hugging Face tokenizers library cannot load it: " + e.getMessage(), e);
    }
    try {
      return new HuggingFaceTokenizerAdapter(hf, config, vocabulary, tokenizerJson);
    } catch (RuntimeException e) {
      hf.close();
      throw e;
    }
  }

  /**
   * DJL asks the EC2 metadata service where it runs unless told not to; a training run should not
   * make network calls it was not asked for. A user's own setting wins.
   */
  private static void keepDjlOffline() {
    if (System.getProperty("OPT_OUT_TRACKING") == null && System.getenv("OPT_OUT_TRACKING") == null) {
      System.setProperty("OPT_OUT_TRACKING", "true");
    }
    if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
  }

  @Override
  public int[] encode(String text, boolean addSpecialTokens) {
    int[] ids = raw(text);
    if (!addSpecialTokens) {
      return ids;
    }
    boolean bos = addBos && (ids.length == 0 || ids[0] != bosId);
    boolean eos = addEos && (ids.length == 0 || ids[ids.length - 1] != eosId);
    int[] out = new int[ids.length + (bos ? 1 : 0) + (eos ? 1 : 0)];
    if (bos) {
      out[0] = bosId;
    }
    System.arraycopy(ids, 0, out, bos ? 1 : 0, ids.length);
    if (eos) {
      out[out.length - 1] = eosId;
    }
    return out;
  }

  @Override
  public int[] encodeContinuation(String text) {
    if (text.isEmpty()) {
      return new int[0];
    }
    int[] joined = raw(CONTINUATION_ANCHOR + text);
    if (startsWith(joined, anchorIds)) {
      return Arrays.copyOfRange(joined, anchorIds.length, joined.length);
    }
    // the text merged with the anchor (it starts with a newline, say): its own encoding is the
    // closest we can do
    return raw(text);
  }

  @Override
  public String decode(int[] ids, boolean skipSpecialTokens) {
    long[] longs = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      longs[i] = ids[i];
    }
    return hf.decode(longs, skipSpecialTokens);
  }

  @Override
  public int bosId() {
    return bosId;
  }

  @Override
  public int eosId() {
    return eosId;
  }

  @Override
  public int padId() {
    return padId;
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public TokenizerConfig config() {
    return config;
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
  public void close() {
    hf.close();
  }

  private int[] raw(String text) {
    return toInts(hf.encode(text, false, false).getIds());
  }

  /**
   * The id of a special token named by the config, else the single token the post-processor adds
   * there, else the conventional name if the vocabulary has it.
   */
  private int resolve(Optional<String> named, int[] addedByPostProcessor, String conventional,
      String key, Path file) {
    if (named.isPresent()) {
      return idOf(named.get(), key, file);
    }
    if (addedByPostProcessor.length == 1) {
      return addedByPostProcessor[0];
    }
    if (conventional != null && addedTokens.containsKey(conventional)) {
      return addedTokens.get(conventional);
    }
    throw new IllegalArgumentException(file + ": cannot tell the " + key
        + ": tokenizer_config.json does not name it and the tokenizer adds none");
  }

  private int idOf(String token, String key, Path file) {
    Integer id = addedTokens.get(token);
    if (id != null) {
      return id;
    }
    int[] ids = raw(token);
    if (ids.length != 1) {
      throw new IllegalArgumentException(file + ": the " + key + " \"" + token
          + "\" of tokenizer_config.json is not one token (it encodes to " + ids.length + ")");
    }
    return ids[0];
  }

  private static int[] toInts(long[] ids) {
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  private static int indexOf(int[] haystack, int[] needle) {
    for (int at = 0; at + needle.length <= haystack.length; at++) {
      if (Arrays.equals(haystack, at, at + needle.length, needle, 0, needle.length)) {
        return at;
      }
    }
    return -1;
  }

  private static boolean startsWith(int[] ids, int[] prefix) {
    return ids.length >= prefix.length && Arrays.equals(ids, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static boolean contains(int[] ids, int id) {
    for (int x : ids) {
      if (x == id) {
        return true;
      }
    }
    return false;
  }

  /**
   * The added tokens (content to id) and the vocabulary size, which DJL does not expose. Streamed,
   * because LLaMA-3's tokenizer.json is 9 MB and most of it is merges we do not need.
   */
  private record Vocabulary(Map<String, Integer> addedTokens, int size) {

    static Vocabulary read(Path file) throws IOException {
      Map<String, Integer> added = new HashMap<>();
      int maxId = -1;
      try (JsonParser p = JSON.createParser(file.toFile())) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw new IllegalArgumentException(file + ": expected a JSON object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          p.nextToken();
          if ("added_tokens".equals(field) && p.currentToken() == JsonToken.START_ARRAY) {
            JsonNode tokens = JSON.readTree(p);
            for (JsonNode t : tokens) {
              int id = t.path("id").asInt(-1);
              added.put(t.path("content").asText(), id);
              maxId = Math.max(maxId, id);
            }
          } else if ("model".equals(field) && p.currentToken() == JsonToken.START_OBJECT) {
            maxId = Math.max(maxId, largestModelId(p));
          } else {
            p.skipChildren();
          }
        }
      } catch (JacksonException e) {
        throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
      }
      if (maxId < 0) {
        throw new IllegalArgumentException(file + ": has no vocabulary");
      }
      return new Vocabulary(Map.copyOf(added), maxId + 1);
    }

    /** BPE and WordPiece map token to id; Unigram lists [piece, score] with the id as position. */
    private static int largestModelId(JsonParser p) throws IOException {
      int maxId = -1;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (!"vocab".equals(field)) {
          p.skipChildren();
        } else if (value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            p.nextToken();
            maxId = Math.max(maxId, p.getIntValue());
          }
        } else if (value == JsonToken.START_ARRAY) {
          int n = 0;
          while (p.nextToken() == JsonToken.START_ARRAY) {
            p.skipChildren();
            n++;
          }
          maxId = Math.max(maxId, n - 1);
        } else {
          p.skipChildren();
        }
      }
      return maxId;
    }
  }
}
