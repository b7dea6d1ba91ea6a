package org.blurnative.model;

import org.blurnative.io.AtomicFiles;

import static org.bytedeco.pytorch.global.torch.ScalarType;
import static org.bytedeco.pytorch.global.torch.arange;
import static org.bytedeco.pytorch.global.torch.createCPUGenerator;
import static org.bytedeco.pytorch.global.torch.embedding;
import static org.bytedeco.pytorch.global.torch.empty;
import static org.bytedeco.pytorch.global.torch.linear;
import static org.bytedeco.pytorch.global.torch.ones;
import static org.bytedeco.pytorch.global.torch.rms_norm;
import static org.bytedeco.pytorch.global.torch.scaled_dot_product_attention;
import static org.bytedeco.pytorch.global.torch.silu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;

/**
 * A LLaMA-family decoder (LLaMA-2, LLaMA-3.x, Mistral) over LibTorch, to be read next to
 * transformers' modeling_llama.py: parameters carry Hugging Face's names and layouts (linear
 * weights (out, in)), so a saved directory loads in transformers unchanged.
 *
 * <p>Grouped-query attention, RoPE in the rotate_half convention (with llama3 scaling), RMSNorm in
 * float32, SwiGLU, causal scaled-dot-product attention with a padding mask. Position ids default
 * to the count of real tokens before each one (cumsum(mask) − 1), so left-padded and unpadded
 * sequences get the same logits; transformers' plain forward uses 0..T−1 instead, which agrees for
 * right padding and no padding.
 *
 * <p>Parameters, caches and buffers created here outlive any PointerScope the caller has open;
 * tensors returned by {@link #forward} belong to the caller's scope. A frozen model (see
 * {@link #frozenCopy}) runs every forward under NoGradGuard.
 */
public final class LlamaModel implements AutoCloseable {
  /** transformers' default max_shard_size: 5 GB. */
  public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;
  /** Files that travel with a model directory besides its config and weights. */
  static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
      "special_tokens_map.json", "tokenizer.model", "added_tokens.json", "chat_template.jinja",
      "generation_config.json");

  /** One decoder layer's weights, under transformers' names. */
  record DecoderLayer(
      Tensor q_proj,                    // (H·hd, D)
      Tensor k_proj,                    // (KV·hd, D)
      Tensor v_proj,                    // (KV·hd, D)
      Tensor o_proj,                    // (D, H·hd)
      Tensor gate_proj,                 // (I, D)
      Tensor up_proj,                   // (I, D)
      Tensor down_proj,                 // (D, I)
      Tensor input_layernorm,           // (D)
      Tensor post_attention_layernorm)  // (D)
  {}

  private final ModelConfig config;
  private final Device device;
  private final ScalarType dtype;
  private final boolean frozen;
  private final Module root;                        // named_parameters() yields the HF names
  private final Map<String, Tensor> parameters;     // HF order; no lm_head when tied
  private final Tensor embed_tokens;                // (V, D)
  private final DecoderLayer[] layers;
  private final Tensor norm;                        // (D)
  private final Tensor lm_head;                     // (V, D); embed_tokens when tied
  private final Tensor invFreq;                     // (hd/2) float32, on device
  private Path tokenizerSource;

  private LlamaModel(ModelConfig config, Device device, boolean frozen) {
    this.config = config;
    this.device = Lifetime.keep(device);
    this.dtype = config.torchDtype().scalarType();
    this.frozen = frozen;
    this.root = Lifetime.keep(new Module());
    Map<String, Module> modules = new HashMap<>();
    modules.put("", root);
    Map<String, Tensor> params = new LinkedHashMap<>();
    TensorOptions options = new TensorOptions(dtype).device(new DeviceOptional(device));
    for (Map.Entry<String, long[]> e : parameterShapes(config).entrySet()) {
      String name = e.getKey();
      Module leaf = module(modules, name.substring(0, name.lastIndexOf('.')));
      Tensor p = leaf.register_parameter("weight", empty(e.getValue(), options, new MemoryFormatOptional()), !frozen);
      params.put(name, Lifetime.keep(new Tensor(p)));  // register_parameter's handle is borrowed
    }
    this.parameters = Collections.unmodifiableMap(params);
    this.embed_tokens = params.get("model.embed_tokens.weight");
    this.norm = params.get("model.norm.weight");
    this.lm_head = config.tieWordEmbeddings() ? embed_tokens : params.get("lm_head.weight");
    this.layers = new DecoderLayer[config.numHiddenLayers()];
    for (int i = 0; i < layers.length; i++) {
      String p = "model.layers." + i + ".";
      layers[i] = new DecoderLayer(
          params.get(p + "self_attn.q_proj.weight"), params.get(p + "self_attn.k_proj.weight"),
          params.get(p + "self_attn.v_proj.weight"), params.get(p + "self_attn.o_proj.weight"),
          params.get(p + "mlp.gate_proj.weight"), params.get(p + "mlp.up_proj.weight"),
          params.get(p + "mlp.down_proj.weight"), params.get(p + "input_layernorm.weight"),
          params.get(p + "post_attention_layernorm.weight"));
    }
    this.invFreq = Lifetime.keep(Rope.inverseFrequencies(config).to(device, ScalarType.Float));
  }

  /** The child module at a dotted path, created (and registered with its parent) on first use. */
  private static Module module(Map<String, Module> modules, String path) {
    Module m = modules.get(path);
    if (m != null) {
      return m;
    }
    int dot = path.lastIndexOf('.');
    Module parent = module(modules, dot < 0 ? "" : path.substring(0, dot));
    m = Lifetime.keep(parent.register_module(path.substring(dot + 1), new Module()));
    modules.put(path, m);
    return m;
  }

  /** Every parameter's HF name and shape, in transformers' order; lm_head only when untied. */
  public static Map<String, long[]> parameterShapes(ModelConfig c) {
    long d = c.hiddenSize();
    long q = (long) c.numAttentionHeads() * c.headDim();
    long kv = (long) c.numKeyValueHeads() * c.headDim();
    long inter = c.intermediateSize();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    shapes.put("model.embed_tokens.weight", new long[] {c.vocabSize(), d});
    for (int i = 0; i < c.numHiddenLayers(); i++) {
      String p = "model.layers." + i + ".";
      shapes.put(p + "self_attn.q_proj.weight", new long[] {q, d});
      shapes.put(p + "self_attn.k_proj.weight", new long[] {kv, d});
      shapes.put(p + "self_attn.v_proj.weight", new long[] {kv, d});
      shapes.put(p + "self_attn.o_proj.weight", new long[] {d, q});
      shapes.put(p + "mlp.gate_proj.weight", new long[] {inter, d});
      shapes.put(p + "mlp.up_proj.weight", new long[] {inter, d});
      shapes.put(p + "mlp.down_proj.weight", new long[] {d, inter});
      shapes.put(p + "input_layernorm.weight", new long[] {d});
      shapes.put(p + "post_attention_layernorm.weight", new long[] {d});
    }
    shapes.put("model.norm.weight", new long[] {d});
    if (!c.tieWordEmbeddings()) {
      shapes.put("lm_head.weight", new long[] {c.vocabSize(), d});
    }
    return shapes;
  }

  // ------------------------------------------------------------------------ creating, loading

  /** A model initialised as transformers' _init_weights does, on the CPU. */
  public static LlamaModel random(ModelConfig config, long seed) {
    return random(config, seed, new Device("cpu"));
  }

  /**
   * A model initialised as transformers' _init_weights does: linear and embedding weights
   * N(0, initializer_range²) (0.02 unless config.json says otherwise), the padding row of the
   * embedding zero, norms one. Drawn on the CPU from one seeded generator in parameter order, so
   * the same seed gives the same weights on every device.
   */
  public static LlamaModel random(ModelConfig config, long seed, Device device) {
    LlamaModel m = new LlamaModel(config, device, false);
    double std = config.otherFields().path("initializer_range").asDouble(0.02);
    Generator g = createCPUGenerator(seed);
    try (NoGradGuard guard = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : m.parameters.entrySet()) {
        Tensor p = e.getValue();
        if (p.dim() == 1) {
          p.fill_(new Scalar(1.0));
          continue;
        }
        Tensor host = empty(p.sizes().vec().get(), new TensorOptions(ScalarType.Float), new MemoryFormatOptional());
        host.normal_(0.0, std, new GeneratorOptional(g));
        if (e.getKey().equals("model.embed_tokens.weight") && config.padTokenId() != null
            && config.padTokenId() >= 0 && config.padTokenId() < config.vocabSize()) {
          host.select(0, config.padTokenId()).zero_();
        }
        p.copy_(host);
      }
    }
    return m;
  }

  /** Loads a Hugging Face directory (config.json and safetensors) in its own dtype, on the CPU. */
  public static LlamaModel load(Path dir) throws IOException {
    return load(dir, null, new Device("cpu"));
  }

  /**
   * Loads a Hugging Face directory: config.json, then model.safetensors or the shards of
   * model.safetensors.index.json, converted to {@code dtype} (null: the config's torch_dtype).
   * Every tensor name and shape is checked against the config first.
   *
   * @throws IllegalArgumentException listing every missing, unexpected or misshapen tensor
   * @throws IOException when a file is missing, truncated or garbled
   */
  public static LlamaModel load(Path dir, Dtype dtype, Device device) throws IOException {
    ModelConfig config = ModelConfig.read(dir.resolve("config.json"));
    if (dtype != null) {
      config = config.withTorchDtype(dtype);
    }
    try (SafeTensors.Reader reader = SafeTensors.open(dir)) {
      checkTensors(dir, config, reader.entries());
      LlamaModel m = new LlamaModel(config, device, false);
      try (NoGradGuard guard = new NoGradGuard()) {
        for (Map.Entry<String, Tensor> e : m.parameters.entrySet()) {
          reader.readInto(e.getKey(), e.getValue());
        }
      }
      if (TOKENIZER_FILES.stream().anyMatch(f -> Files.exists(dir.resolve(f)))) {
        m.tokenizerSource = dir;
      }
      return m;
    }
  }

  /**
   * Every expected tensor present with its shape, nothing else; HF's ignorable extras
   * (rotary_emb.inv_freq, lm_head.weight of a tied model) are allowed.
   */
  static void checkTensors(Path dir, ModelConfig config, Map<String, SafeTensors.Entry> found) {
    Map<String, long[]> expected = parameterShapes(config);
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      SafeTensors.Entry f = found.get(e.getKey());
      if (f == null) {
        problems.add(e.getKey() + ": missing (expected " + Arrays.toString(e.getValue()) + ")");
      } else if (!Arrays.equals(f.shape(), e.getValue())) {
        problems.add(e.getKey() + ": expected " + Arrays.toString(e.getValue()) + ", found "
            + Arrays.toString(f.shape()));
      } else if (!f.dtype().isFloatingModelType()) {
        problems.add(e.getKey() + ": dtype " + f.dtype().safetensorsCode()
            + " is not a floating type");
      }
    }
    for (String name : found.keySet()) {
      boolean ignorable = name.endsWith("rotary_emb.inv_freq")
          || (name.equals("lm_head.weight") && config.tieWordEmbeddings());
      if (!expected.containsKey(name) && !ignorable) {
        problems.add(name + ": unexpected (not in a " + config.architecture() + " with "
            + config.numHiddenLayers() + " layers)");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(dir + ": the weights do not match config.json: "
          + problems.get(0) + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""));
    }
  }

  /**
   * Writes config.json, the weights (sharded above 5 GB) and the tokenizer files of the directory
   * this model was loaded from; loadable by transformers' from_pretrained.
   */
  public void save(Path dir) throws IOException {
    save(dir, DEFAULT_MAX_SHARD_BYTES);
  }

  public void save(Path dir, long maxShardBytes) throws IOException {
    Files.createDirectories(dir);
    try (NoGradGuard guard = new NoGradGuard()) {
      SafeTensors.writeModel(dir, parameters, maxShardBytes);
    }
    if (tokenizerSource != null
        && !Files.isSameFile(tokenizerSource.toAbsolutePath(), dir.toAbsolutePath())) {
      for (String f : TOKENIZER_FILES) {
        Path src = tokenizerSource.resolve(f);
        if (Files.exists(src)) {
          Path target = dir.resolve(f);
          Path temp = AtomicFiles.temporarySibling(target);
          try {
            Files.copy(src, temp, StandardCopyOption.REPLACE_EXISTING);
            AtomicFiles.commit(temp, target);
          } finally {
            Files.deleteIfExists(temp);
          }
        }
      }
    }
    config.write(dir.resolve("config.json"));  // last: a directory with a config is complete
  }

  /** The directory whose tokenizer files {@link #save} copies; null when none. */
  public Path tokenizerSource() {
    return tokenizerSource;
  }

  /** Makes {@link #save} copy the tokenizer files of {@code dir} (e.g. for a model trained from scratch). */
  public void useTokenizerFrom(Path dir) {
    this.tokenizerSource = dir;
  }

  // ------------------------------------------------------------------------------- accessors

  public ModelConfig config() {
    return config;
  }

  public Device device() {
    return device;
  }

  public Dtype dtype() {
    return config.torchDtype();
  }

  /** The module tree; named_parameters() yields the Hugging Face names. */
  public Module module() {
    return root;
  }

  /** Every parameter under its Hugging Face name, in transformers' order (no lm_head if tied). */
  public Map<String, Tensor> parameters() {
    return parameters;
  }

  /** Whether every forward runs without autograd (reference models). */
  public boolean frozen() {
    return frozen;
  }

  // --------------------------------------------------------------------------------- training

  /**
   * Makes trainable exactly the parameters whose name contains a match of {@code regex}
   * (Matcher.find: "layers\\.7\\.mlp" selects layer 7's MLP); all others get requires_grad false.
   *
   * @return the names selected, in parameter order
   * @throws IllegalArgumentException when the pattern is invalid or selects nothing
   */
  public List<String> setTrainable(String regex) {
    if (frozen) {
      throw new IllegalStateException("a frozen model has no trainable parameters");
    }
    Pattern pattern;
    try {
      pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("invalid trainable-parameter pattern: " + regex, e);
    }
    List<String> selected = new ArrayList<>();
    for (String name : parameters.keySet()) {
      if (pattern.matcher(name).find()) {
        selected.add(name);
      }
    }
    if (selected.isEmpty()) {
      throw new IllegalArgumentException("the pattern '" + regex + "' matches no parameter (names "
          + "look like model.layers.0.mlp.down_proj.weight)");
    }
    for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
      e.getValue().set_requires_grad(selected.contains(e.getKey()));
    }
    return List.copyOf(selected);
  }

  /** The parameters with requires_grad, in parameter order: what the flat buffers hold. */
  public Map<String, Tensor> trainableParameters() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
      if (e.getValue().requires_grad()) {
        out.put(e.getKey(), e.getValue());
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * An independent copy of the current weights with no gradients, every forward under
   * NoGradGuard: the reference model of NPO and the frozen model of RMU.
   */
  public LlamaModel frozenCopy() {
    LlamaModel copy = new LlamaModel(config, device, true);
    try (NoGradGuard guard = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
        copy.parameters.get(e.getKey()).copy_(e.getValue());
      }
    }
    copy.tokenizerSource = tokenizerSource;
    return copy;
  }

  // ---------------------------------------------------------------------------------- forward

  /**
   * Logits (B, T, V) in the model's dtype.
   *
   * @param inputIds      (B, T) int64
   * @param attentionMask (B, T), nonzero for real tokens; null when nothing is padded
   */
  public Tensor forward(Tensor inputIds, Tensor attentionMask) {
    return forward(inputIds, attentionMask, null);
  }

  /** As {@link #forward(Tensor, Tensor)} with explicit position ids (B, T) int64. */
  public Tensor forward(Tensor inputIds, Tensor attentionMask, Tensor positionIds) {
    NoGradGuard guard = frozen ? new NoGradGuard() : null;
    try {
      return head(decode(inputIds, attentionMask, positionIds, null, layers.length, false));
    } finally {
      if (guard != null) {
        guard.close();
      }
    }
  }

  /**
   * The residual stream after decoder layer {@code layer} (0-based), (B, T, D): RMU's M_l(x),
   * transformers' hidden_states[layer + 1] (for the last layer, before the final norm). Later
   * layers are not run.
   */
  public Tensor layerOutput(Tensor inputIds, Tensor attentionMask, int layer) {
    if (layer < 0 || layer >= layers.length) {
      throw new IllegalArgumentException(
          "layer must lie in [0, " + layers.length + "), got " + layer);
    }
    NoGradGuard guard = frozen ? new NoGradGuard() : null;
    try {
      return decode(inputIds, attentionMask, null, null, layer + 1, false);
    } finally {
      if (guard != null) {
        guard.close();
      }
    }
  }

  /** Logits (B, V) of the last position, float32: one decoding step, extending {@code cache}. */
  Tensor nextTokenLogits(Tensor inputIds, Tensor attentionMask, KvCache cache) {
    Tensor h = decode(inputIds, attentionMask, null, cache, layers.length, true);
    return linear(h.select(1, h.size(1) - 1), lm_head).to(ScalarType.Float);
  }

  /** A cache for {@code batch} sequences of up to {@code capacity} tokens. */
  KvCache newCache(long batch, long capacity) {
    return new KvCache(config, batch, capacity, dtype, device);
  }

  /**
   * Runs the first {@code depth} layers, then the final norm if asked.
   *
   * @return hidden states (B, T, D)
   */
  private Tensor decode(Tensor inputIds, Tensor attentionMask, Tensor positionIds, KvCache cache,
      int depth, boolean finalNorm) {
    Context context = context(inputIds, attentionMask, positionIds, cache);
    Tensor h = embed(context);
    for (int i = 0; i < depth; i++) {
      h = layer(i, h, context, cache);
    }
    if (cache != null) {
      cache.advance(inputIds.size(1));
    }
    return finalNorm ? rmsNorm(h, norm) : h;
  }

  /**
   * What every decoder layer of one forward shares: none of it depends on a weight, so a layer can
   * be run again from its input alone ({@link RecomputingForwardPass}).
   *
   * @param ids (B, T) int64 on the model's device
   * @param attnMask (B, 1, T, past+T) bool, or null for plain causal attention
   * @param cos RoPE's cos at each position, (B, 1, T, hd) in the model's dtype
   * @param sin the same for sin
   */
  record Context(Tensor ids, Tensor attnMask, Tensor cos, Tensor sin) {}

  /** The masks and positions of one forward, extending {@code cache}'s mask when there is one. */
  Context context(Tensor inputIds, Tensor attentionMask, Tensor positionIds, KvCache cache) {
    if (inputIds.dim() != 2) {
      throw new IllegalArgumentException("input ids must be (batch, time), got "
          + Arrays.toString(inputIds.sizes().vec().get()));
    }
    long b = inputIds.size(0);
    long t = inputIds.size(1);
    long past = cache == null ? 0 : cache.length();
    Tensor ids = inputIds.to(device, ScalarType.Long);

    // --- masks and positions
    Tensor keyMask = null;  // (B, past+T) bool, real tokens
    if (attentionMask != null) {
      if (attentionMask.dim() != 2 || attentionMask.size(0) != b || attentionMask.size(1) != t) {
        throw new IllegalArgumentException("attention mask must be (" + b + ", " + t + "), got "
            + Arrays.toString(attentionMask.sizes().vec().get()));
      }
      Tensor mask = attentionMask.to(device, ScalarType.Bool);
      keyMask = cache == null ? mask : cache.appendMask(mask);
    } else if (cache != null) {
      keyMask = cache.appendMask(ones(new long[] {b, t},
          new TensorOptions(ScalarType.Bool).device(new DeviceOptional(device))));
    }
    Tensor positions;
    if (positionIds != null) {
      positions = positionIds.to(device, ScalarType.Long);
    } else if (keyMask != null) {
      // the count of real tokens before each one: padding-invariant positions
      positions = keyMask.to(ScalarType.Long).cumsum(1).sub(new Scalar(1L)).clamp_min(new Scalar(0L))
          .narrow(1, past, t);
    } else {
      positions = arange(new Scalar(past), new Scalar(past + t),
          new TensorOptions(ScalarType.Long).device(new DeviceOptional(device)))
          .unsqueeze(0).expand(b, t);
    }
    Tensor[] cosSin = Rope.cosSin(invFreq, positions, dtype);
    return new Context(ids, attentionMask(keyMask, past, t), cosSin[0], cosSin[1]);
  }

  /** The token embeddings, (B, T, D): the input of layer 0. */
  Tensor embed(Context context) {
    long padIdx = config.padTokenId() == null ? -1 : config.padTokenId();
    return embedding(embed_tokens, context.ids(), padIdx, false, false);
  }

  /** Logits (B, T, V) from the last layer's output: the final norm, then lm_head. */
  Tensor head(Tensor h) {
    return linear(rmsNorm(h, norm), lm_head);
  }

  int numLayers() {
    return layers.length;
  }

  /**
   * The lowest segment below the final norm with a trained weight: 0 for the embedding, i + 1 for
   * decoder layer i, {@code numLayers() + 1} when none is trained. Backward below hidden state s
   * (the embedding's output for s = 0, layer s − 1's otherwise) reaches a trained weight only
   * from segment s down, so it stops where s is below this.
   */
  int lowestTrainedSegment() {
    if (embed_tokens.requires_grad()) {
      return 0;
    }
    for (int i = 0; i < layers.length; i++) {
      DecoderLayer w = layers[i];
      for (Tensor p : List.of(w.q_proj(), w.k_proj(), w.v_proj(), w.o_proj(), w.gate_proj(), w.up_proj(),
          w.down_proj(), w.input_layernorm(), w.post_attention_layernorm())) {
        if (p.requires_grad()) {
          return i + 1;
        }
      }
    }
    return layers.length + 1;
  }

  /**
   * (B, 1, T, past+T) bool, true where query i may attend to key j: j ≤ i (cache index), j a real
   * token, within Mistral's sliding window; and always j = i, so that a padding query still sees
   * one key and softmax stays finite (its output is never used).
   */
  private Tensor attentionMask(Tensor keyMask, long past, long t) {
    Integer window = config.slidingWindow();
    boolean windowed = window != null && past + t > window;
    if (keyMask == null && past == 0 && !windowed) {
      return null;
    }
    TensorOptions longs = new TensorOptions(ScalarType.Long).device(new DeviceOptional(device));
    Tensor q = arange(new Scalar(past), new Scalar(past + t), longs).view(t, 1);
    Tensor k = arange(new Scalar(0L), new Scalar(past + t), longs).view(1, past + t);
    Tensor allowed = k.le(q);  // (T, S)
    if (windowed) {
      allowed = allowed.logical_and(q.sub(k).lt(new Scalar((long) window)));
    }
    Tensor full = keyMask == null ? allowed.unsqueeze(0)
        : allowed.unsqueeze(0).logical_and(keyMask.unsqueeze(1));  // (B, T, S)
    return full.logical_or(k.eq(q).unsqueeze(0)).unsqueeze(1);
  }

  /** Decoder layer {@code i} on its input {@code h} (B, T, D), extending {@code cache} when there is one. */
  Tensor layer(int i, Tensor h, Context context, KvCache cache) {
    DecoderLayer w = layers[i];
    Tensor cos = context.cos();
    Tensor sin = context.sin();
    Tensor attnMask = context.attnMask();
    long b = h.size(0);
    long t = h.size(1);
    int heads = config.numAttentionHeads();
    int kvHeads = config.numKeyValueHeads();
    int hd = config.headDim();

    // --- self-attention
    Tensor x = rmsNorm(h, w.input_layernorm());
    Tensor q = linear(x, w.q_proj()).view(b, t, heads, hd).transpose(1, 2);    // (B, H, T, hd)
    Tensor k = linear(x, w.k_proj()).view(b, t, kvHeads, hd).transpose(1, 2);  // (B, KV, T, hd)
    Tensor v = linear(x, w.v_proj()).view(b, t, kvHeads, hd).transpose(1, 2);
    q = Rope.apply(q, cos, sin);
    k = Rope.apply(k, cos, sin);
    if (cache != null) {
      Tensor[] kv = cache.append(i, k, v);  // (B, KV, past+T, hd)
      k = kv[0];
      v = kv[1];
    }
    k = repeatKv(k, config.queryGroups());
    v = repeatKv(v, config.queryGroups());
    Tensor a = attnMask == null
        ? scaled_dot_product_attention(q, k, v, new TensorOptional(), 0.0, true,
            new DoubleOptional(), false)
        : scaled_dot_product_attention(q, k, v, new TensorOptional(attnMask), 0.0, false,
            new DoubleOptional(), false);                                        // (B, H, T, hd)
    a = a.transpose(1, 2).reshape(b, t, (long) heads * hd);
    h = h.add(linear(a, w.o_proj()));

    // --- SwiGLU MLP
    x = rmsNorm(h, w.post_attention_layernorm());
    Tensor gated = silu(linear(x, w.gate_proj())).mul(linear(x, w.up_proj()));
    return h.add(linear(gated, w.down_proj()));
  }

  /** transformers' repeat_kv: kv head j serves query heads j·groups … (j+1)·groups − 1. */
  private static Tensor repeatKv(Tensor x, int groups) {
    if (groups == 1) {
      return x;
    }
    long b = x.size(0);
    long kv = x.size(1);
    long s = x.size(2);
    long hd = x.size(3);
    return x.unsqueeze(2).expand(b, kv, groups, s, hd).reshape(b, kv * groups, s, hd);
  }

  /** LlamaRMSNorm: normalise in float32, cast back, then scale by the weight in the model dtype. */
  private Tensor rmsNorm(Tensor x, Tensor weight) {
    Tensor normed = rms_norm(x.to(ScalarType.Float), new long[] {x.size(-1)}, new TensorOptional(),
        new DoubleOptional(config.rmsNormEps()));
    return weight.mul(normed.to(dtype));
  }

  // ------------------------------------------------------------------------------- generation

  /**
   * Continues each prompt (token ids, BOS included if the model wants one) until an EOS token or
   * {@code settings.maxNewTokens()}: batches of {@code settings.batchSize()} prompts of similar
   * length, left-padded, with a KV cache. Results are in prompt order.
   */
  public List<Completion> generate(List<int[]> prompts, GenerationSettings settings) {
    return Generation.run(this, prompts, settings);
  }

  @Override
  public void close() {
    for (Tensor p : parameters.values()) {
      p.close();
    }
    invFreq.close();
    root.close();
  }
}
