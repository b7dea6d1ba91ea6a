package org.blurnative.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;

/** Tiny LLaMA-2, LLaMA-3 and Mistral checkpoints with seeded random weights, written by hand. */
final class TinyCheckpoints {
  private TinyCheckpoints() {}

  /** LLaMA-2 layout: multi-head attention, plain RoPE, untied head. */
  static final String LLAMA2 = """
      {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 4,
        "rms_norm_eps": 1e-05,
        "rope_theta": 10000.0,
        "rope_scaling": null,
        "tie_word_embeddings": false,
        "vocab_size": 97,
        "max_position_embeddings": 64,
        "bos_token_id": 1,
        "eos_token_id": 2,
        "hidden_act": "silu",
        "initializer_range": 0.02,
        "torch_dtype": "float32"
      }
      """;

  /** LLaMA-3.2 layout: grouped-query attention, llama3 rope scaling, tied embeddings. */
  static final String LLAMA3 = """
      {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "head_dim": 8,
        "rms_norm_eps": 1e-05,
        "rope_theta": 500000.0,
        "rope_scaling": {
          "factor": 32.0,
          "high_freq_factor": 4.0,
          "low_freq_factor": 1.0,
          "original_max_position_embeddings": 8192,
          "rope_type": "llama3"
        },
        "tie_word_embeddings": true,
        "vocab_size": 97,
        "max_position_embeddings": 131072,
        "bos_token_id": 0,
        "eos_token_id": [2, 5, 9],
        "hidden_act": "silu",
        "attention_bias": false,
        "mlp_bias": false,
        "torch_dtype": "float32"
      }
      """;

  /** Mistral layout: grouped-query attention, head_dim ≠ hidden/heads, a window shorter than T. */
  static final String MISTRAL = """
      {
        "architectures": ["MistralForCausalLM"],
        "model_type": "mistral",
        "hidden_size": 32,
        "intermediate_size": 48,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "head_dim": 16,
        "rms_norm_eps": 1e-06,
        "rope_theta": 10000.0,
        "sliding_window": 4,
        "tie_word_embeddings": false,
        "vocab_size": 97,
        "max_position_embeddings": 512,
        "bos_token_id": 1,
        "eos_token_id": 2,
        "pad_token_id": 0,
        "torch_dtype": "float32"
      }
      """;

  static ModelConfig config(String json) {
    return ModelConfig.parse(json, "test config.json");
  }

  /**
   * Weights large enough that attention is far from uniform and logits are O(1): embeddings
   * N(0, 0.25²) (they are the head too when tied), linear N(0, 1/in), norms 1 + N(0, 0.1²).
   */
  static Map<String, float[]> randomWeights(ModelConfig c, long seed) {
    Random rnd = new Random(seed);
    Map<String, float[]> w = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : LlamaModel.parameterShapes(c).entrySet()) {
      long[] shape = e.getValue();
      int n = (int) (shape.length == 1 ? shape[0] : shape[0] * shape[1]);
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        double g = rnd.nextGaussian();
        if (shape.length == 1) {
          v[i] = (float) (1 + 0.1 * g);
        } else if (e.getKey().contains("embed_tokens")) {
          v[i] = (float) (0.25 * g);
        } else {
          v[i] = (float) (g / Math.sqrt(shape[1]));
        }
      }
      w.put(e.getKey(), v);
    }
    return w;
  }

  static Map<String, Tensor> tensors(ModelConfig c, Map<String, float[]> weights) {
    Map<String, Tensor> t = new LinkedHashMap<>();
    Map<String, long[]> shapes = LlamaModel.parameterShapes(c);
    for (Map.Entry<String, float[]> e : weights.entrySet()) {
      t.put(e.getKey(), HostArrays.floats(e.getValue(), shapes.get(e.getKey())));
    }
    return t;
  }

  /** config.json and model.safetensors in {@code dir}. */
  static void write(Path dir, String configJson, Map<String, Tensor> tensors) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.json"), configJson);
    SafeTensors.write(dir.resolve("model.safetensors"), tensors);
  }
}
