package org.blurnative.model;

import org.blurnative.io.AtomicFiles;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A Hugging Face config.json of a LLaMA-family decoder (LlamaForCausalLM, MistralForCausalLM),
 * under transformers' field names in camelCase.
 *
 * <p>Required fields: architectures, hidden_size, intermediate_size, num_hidden_layers,
 * num_attention_heads, vocab_size, rms_norm_eps. The rest default as in transformers'
 * LlamaConfig/MistralConfig: num_key_value_heads = num_attention_heads, head_dim = hidden_size /
 * num_attention_heads, rope_theta = 10000, rope_scaling = null (plain RoPE),
 * tie_word_embeddings = false, bos/eos = 1/2, pad = none, torch_dtype = float32.
 * Fields this record does not model are kept in {@code otherFields} and written back unchanged.
 *
 * @param architecture          architectures[0]
 * @param eosTokenIds           eos_token_id, one id or several (LLaMA-3 lists three)
 * @param slidingWindow         Mistral's sliding_window; null = full causal attention
 * @param otherFields           every other top-level field of the file, for the round trip
 */
public record ModelConfig(
    String architecture,
    int hiddenSize,
    int intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    int headDim,
    double rmsNormEps,
    double ropeTheta,
    RopeScaling ropeScaling,
    boolean tieWordEmbeddings,
    int vocabSize,
    int maxPositionEmbeddings,
    Integer bosTokenId,
    List<Integer> eosTokenIds,
    Integer padTokenId,
    Dtype torchDtype,
    Integer slidingWindow,
    ObjectNode otherFields) {

  public static final String LLAMA = "LlamaForCausalLM";
  public static final String MISTRAL = "MistralForCausalLM";

  /**
   * rope_scaling of type "llama3" (LLaMA-3.1/3.2): low frequencies divided by {@code factor},
   * high ones kept, a smooth blend between.
   */
  public record RopeScaling(
      double factor,
      double lowFreqFactor,
      double highFreqFactor,
      int originalMaxPositionEmbeddings) {

    public RopeScaling {
      if (!(factor > 0) || !(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor)
          || originalMaxPositionEmbeddings <= 0) {
        throw new IllegalArgumentException("llama3 rope_scaling needs factor > 0, 0 < "
            + "low_freq_factor < high_freq_factor and original_max_position_embeddings > 0, got "
            + "factor " + factor + ", low_freq_factor " + lowFreqFactor + ", high_freq_factor "
            + highFreqFactor + ", original_max_position_embeddings "
            + originalMaxPositionEmbeddings);
      }
    }
  }

  public ModelConfig {
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(torchDtype, "torchDtype");
    if (!architecture.equals(LLAMA) && !architecture.equals(MISTRAL)) {
      throw new IllegalArgumentException("architecture '" + architecture
          + "' is not supported (expected " + LLAMA + " or " + MISTRAL + ")");
    }
    requirePositive("hidden_size", hiddenSize);
    requirePositive("intermediate_size", intermediateSize);
    requirePositive("num_hidden_layers", numHiddenLayers);
    requirePositive("num_attention_heads", numAttentionHeads);
    requirePositive("num_key_value_heads", numKeyValueHeads);
    requirePositive("head_dim", headDim);
    requirePositive("vocab_size", vocabSize);
    requirePositive("max_position_embeddings", maxPositionEmbeddings);
    if (numAttentionHeads % numKeyValueHeads != 0) {
      throw new IllegalArgumentException("num_attention_heads (" + numAttentionHeads
          + ") must be a multiple of num_key_value_heads (" + numKeyValueHeads + ")");
    }
    if (headDim % 2 != 0) {
      throw new IllegalArgumentException("head_dim must be even for RoPE, got " + headDim);
    }
    if (!(rmsNormEps > 0) || !(ropeTheta > 0)) {
      throw new IllegalArgumentException(
          "rms_norm_eps and rope_theta must be > 0, got " + rmsNormEps + " and " + ropeTheta);
    }
    if (!torchDtype.isFloatingModelType()) {
      throw new IllegalArgumentException("torch_dtype must be float32, bfloat16 or float16, got "
          + torchDtype.torchName());
    }
    if (slidingWindow != null && slidingWindow <= 0) {
      throw new IllegalArgumentException("sliding_window must be > 0, got " + slidingWindow);
    }
    eosTokenIds = List.copyOf(eosTokenIds);
    otherFields = otherFields == null ? JsonNodeFactory.instance.objectNode() : otherFields.deepCopy();
  }

  /** transformers' model_type for this architecture: "llama" or "mistral". */
  public String modelType() {
    return architecture.equals(MISTRAL) ? "mistral" : "llama";
  }

  /** Key/value heads share each group of this many query heads. */
  public int queryGroups() {
    return numAttentionHeads / numKeyValueHeads;
  }

  public ModelConfig withTorchDtype(Dtype dtype) {
    return new ModelConfig(architecture, hiddenSize, intermediateSize, numHiddenLayers,
        numAttentionHeads, numKeyValueHeads, headDim, rmsNormEps, ropeTheta, ropeScaling,
        tieWordEmbeddings, vocabSize, maxPositionEmbeddings, bosTokenId, eosTokenIds, padTokenId,
        dtype, slidingWindow, otherFields);
  }

  // ---------------------------------------------------------------------------------- reading

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private static final Set<String> MODELLED = Set.of("architectures", "model_type", "hidden_size",
      "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
      "head_dim", "rms_norm_eps", "rope_theta", "rope_scaling", "rope_parameters",
      "tie_word_embeddings", "vocab_size", "max_position_embeddings", "bos_token_id",
      "eos_token_id", "pad_token_id", "torch_dtype", "dtype", "sliding_window");

  /** Reads a config.json. */
  public static ModelConfig read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    return parse(text, file.toString());
  }

  /**
   * Parses config.json text; {@code source} names the file in error messages.
   *
   * @throws IllegalArgumentException naming the source and the field at fault
   */
  public static ModelConfig parse(String json, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(source + ": expected a JSON object");
    }
    Fields f = new Fields((ObjectNode) root, source);
    try {
      String architecture = f.architecture();
      boolean mistral = architecture.equals(MISTRAL);
      f.requireAbsentOrEqual("hidden_act", "silu");
      f.requireAbsentOrFalse("attention_bias");
      f.requireAbsentOrFalse("mlp_bias");

      int hidden = f.requiredInt("hidden_size");
      int heads = f.requiredInt("num_attention_heads");
      int intermediate = f.requiredInt("intermediate_size");
      int layers = f.requiredInt("num_hidden_layers");
      int vocab = f.requiredInt("vocab_size");
      double eps = f.requiredDouble("rms_norm_eps");
      int kvHeads = f.optionalInt("num_key_value_heads", heads);
      if (heads <= 0) {
        throw f.error("num_attention_heads", "must be > 0");
      }
      int headDim = f.optionalInt("head_dim", hidden / heads);

      // rope: transformers v5 nests theta and scaling in rope_parameters; v4 has them top-level
      JsonNode ropeParameters = root.get("rope_parameters");
      double theta;
      RopeScaling scaling;
      if (ropeParameters != null && ropeParameters.isObject()) {
        Fields rp = new Fields((ObjectNode) ropeParameters, source, "rope_parameters.");
        theta = rp.optionalDouble("rope_theta", f.optionalDouble("rope_theta", 10000.0));
        scaling = ropeScaling(rp, (ObjectNode) ropeParameters);
      } else {
        theta = f.optionalDouble("rope_theta", 10000.0);
        JsonNode rs = root.get("rope_scaling");
        if (rs == null || rs.isNull()) {
          scaling = null;
        } else if (!rs.isObject()) {
          throw f.error("rope_scaling", "must be an object or null");
        } else {
          scaling = ropeScaling(new Fields((ObjectNode) rs, source, "rope_scaling."), (ObjectNode) rs);
        }
      }

      boolean tied = f.optionalBoolean("tie_word_embeddings", false);
      int maxPositions = f.optionalInt("max_position_embeddings", mistral ? 4096 * 32 : 2048);
      Integer bos = f.optionalNullableInt("bos_token_id", 1);
      List<Integer> eos = f.tokenIds("eos_token_id", List.of(2));
      Integer pad = f.optionalNullableInt("pad_token_id", null);
      Dtype dtype = f.dtype();
      Integer window = mistral ? f.optionalNullableInt("sliding_window", 4096) : null;

      ObjectNode others = JsonNodeFactory.instance.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!MODELLED.contains(e.getKey())) {
          others.set(e.getKey(), e.getValue());
        }
      }
      return new ModelConfig(architecture, hidden, intermediate, layers, heads, kvHeads, headDim,
          eps, theta, scaling, tied, vocab, maxPositions, bos, eos, pad, dtype, window, others);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(source + ":")) {
        throw e;
      }
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  private static RopeScaling ropeScaling(Fields f, ObjectNode node) {
    String type = node.hasNonNull("rope_type") ? node.get("rope_type").asText()
        : node.hasNonNull("type") ? node.get("type").asText() : null;
    if (type == null) {
      throw f.error("rope_type", "is missing");
    }
    if (type.equals("default")) {
      return null;
    }
    if (!type.equals("llama3")) {
      throw f.error("rope_type", "'" + type + "' is not supported (only llama3 or none)");
    }
    return new RopeScaling(f.requiredDouble("factor"), f.requiredDouble("low_freq_factor"),
        f.requiredDouble("high_freq_factor"), f.requiredInt("original_max_position_embeddings"));
  }

  // ---------------------------------------------------------------------------------- writing

  /** This config as config.json text, keys sorted as transformers writes them. */
  public String toJson() {
    Map<String, Object> out = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = otherFields.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue());
    }
    out.put("architectures", List.of(architecture));
    out.put("model_type", modelType());
    out.put("hidden_size", hiddenSize);
    out.put("intermediate_size", intermediateSize);
    out.put("num_hidden_layers", numHiddenLayers);
    out.put("num_attention_heads", numAttentionHeads);
    out.put("num_key_value_heads", numKeyValueHeads);
    out.put("head_dim", headDim);
    out.put("rms_norm_eps", rmsNormEps);
    out.put("rope_theta", ropeTheta);
    if (ropeScaling == null) {
      out.put("rope_scaling", null);
    } else {
      Map<String, Object> rs = new TreeMap<>();
      rs.put("rope_type", "llama3");
      rs.put("factor", ropeScaling.factor());
      rs.put("low_freq_factor", ropeScaling.lowFreqFactor());
      rs.put("high_freq_factor", ropeScaling.highFreqFactor());
      rs.put("original_max_position_embeddings", ropeScaling.originalMaxPositionEmbeddings());
      out.put("rope_scaling", rs);
    }
    out.put("tie_word_embeddings", tieWordEmbeddings);
    out.put("vocab_size", vocabSize);
    out.put("max_position_embeddings", maxPositionEmbeddings);
    out.put("bos_token_id", bosTokenId);
    out.put("eos_token_id", eosTokenIds.size() == 1 ? eosTokenIds.get(0) : eosTokenIds);
    out.put("pad_token_id", padTokenId);
    out.put("torch_dtype", torchDtype.torchName());
    if (architecture.equals(MISTRAL)) {
      out.put("sliding_window", slidingWindow);
    }
    try {
      return JSON.writeValueAsString(out) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the model config", e);
    }
  }

  /** Writes config.json atomically (a temporary file in the same directory, then a rename). */
  public void write(Path file) throws IOException {
    AtomicFiles.write(file, toJson().getBytes(StandardCharsets.UTF_8));
  }

  private static void requirePositive(String field, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " must be > 0, got " + value);
    }
  }

  /** Typed access to one JSON object, with errors that name the file and the field. */
  private static final class Fields {
    private final ObjectNode node;
    private final String source;
    private final String prefix;

    Fields(ObjectNode node, String source) {
      this(node, source, "");
    }

    Fields(ObjectNode node, String source, String prefix) {
      this.node = node;
      this.source = source;
      this.prefix = prefix;
    }

    IllegalArgumentException error(String field, String what) {
      return new IllegalArgumentException(source + ": field '" + prefix + field + "' " + what);
    }

    private JsonNode required(String field) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        throw new IllegalArgumentException(source + ": missing field '" + prefix + field + "'");
      }
      return v;
    }

    String architecture() {
      JsonNode v = required("architectures");
      if (!v.isArray() || v.isEmpty() || !v.get(0).isTextual()) {
        throw error("architectures", "must be a non-empty list of names");
      }
      String name = v.get(0).asText();
      if (!name.equals(LLAMA) && !name.equals(MISTRAL)) {
        throw error("architectures", "names '" + name + "', which is not supported (expected "
            + LLAMA + " or " + MISTRAL + ")");
      }
      return name;
    }

    int requiredInt(String field) {
      return asInt(field, required(field));
    }

    double requiredDouble(String field) {
      JsonNode v = required(field);
      if (!v.isNumber()) {
        throw error(field, "must be a number, got " + v);
      }
      return v.asDouble();
    }

    int optionalInt(String field, int fallback) {
      JsonNode v = node.get(field);
      return v == null || v.isNull() ? fallback : asInt(field, v);
    }

    Integer optionalNullableInt(String field, Integer fallback) {
      if (!node.has(field)) {
        return fallback;
      }
      JsonNode v = node.get(field);
      return v.isNull() ? null : asInt(field, v);
    }

    double optionalDouble(String field, double fallback) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return fallback;
      }
      if (!v.isNumber()) {
        throw error(field, "must be a number, got " + v);
      }
      return v.asDouble();
    }

    boolean optionalBoolean(String field, boolean fallback) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return fallback;
      }
      if (!v.isBoolean()) {
        throw error(field, "must be true or false, got " + v);
      }
      return v.asBoolean();
    }

    List<Integer> tokenIds(String field, List<Integer> fallback) {
      if (!node.has(field)) {
        return fallback;
      }
      JsonNode v = node.get(field);
      if (v.isNull()) {
        return List.of();
      }
      if (v.isArray()) {
        List<Integer> ids = new ArrayList<>();
        for (JsonNode e : (ArrayNode) v) {
          ids.add(asInt(field, e));
        }
        return ids;
      }
      return List.of(asInt(field, v));
    }

    Dtype dtype() {
      JsonNode v = node.hasNonNull("torch_dtype") ? node.get("torch_dtype") : node.get("dtype");
      String field = node.hasNonNull("torch_dtype") ? "torch_dtype" : "dtype";
      if (v == null || v.isNull()) {
        return Dtype.FLOAT32;
      }
      Dtype d = v.isTextual() ? Dtype.fromTorchName(v.asText()) : null;
      if (d == null || !d.isFloatingModelType()) {
        throw error(field, "must be float32, bfloat16 or float16, got " + v);
      }
      return d;
    }

    void requireAbsentOrEqual(String field, String expected) {
      JsonNode v = node.get(field);
      if (v != null && !v.isNull() && !v.asText().equals(expected)) {
        throw error(field, "is " + v + "; only \"" + expected + "\" is supported");
      }
    }

    void requireAbsentOrFalse(String field) {
      JsonNode v = node.get(field);
      if (v != null && v.asBoolean(false)) {
        throw error(field, "is true; biases are not supported");
      }
    }

    private int asInt(String field, JsonNode v) {
      if (!v.isIntegralNumber() || !v.canConvertToInt()) {
        throw error(field, "must be an integer, got " + v);
      }
      return v.asInt();
    }
  }
}
