package org.blurnative.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;

/** inv_freq against the float64 formula, on LLaMA-3.2-1B's real rope settings. */
class RopeTest {
  static final String LLAMA32_1B = """
      {"architectures": ["LlamaForCausalLM"], "hidden_size": 2048, "intermediate_size": 8192,
       "num_hidden_layers": 16, "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 64,
       "vocab_size": 128256, "rms_norm_eps": 1e-05, "rope_theta": 500000.0,
       "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                        "original_max_position_embeddings": 8192, "rope_type": "llama3"}}
      """;

  @Test
  void llama3InverseFrequenciesMatchTheFormulaInEveryRegime() {
    ModelConfig c = ModelConfig.parse(LLAMA32_1B, "llama-3.2-1b config.json");
    try (PointerScope scope = new PointerScope()) {
      float[] got = HostArrays.toFloats(Rope.inverseFrequencies(c));
      double[] expected = ReferenceLlama.inverseFrequencies(c);
      assertEquals(32, got.length);
      int kept = 0;
      int divided = 0;
      int blended = 0;
      for (int i = 0; i < got.length; i++) {
        assertEquals(expected[i], got[i], 4e-7 * expected[i], "inv_freq[" + i + "]");
        double plain = Math.pow(500000.0, -2.0 * i / 64);
        double wavelen = 2 * Math.PI / plain;
        if (wavelen < 2048) {
          kept++;
        } else if (wavelen > 8192) {
          divided++;
        } else {
          blended++;
        }
      }
      assertTrue(kept > 0 && divided > 0 && blended > 0,
          "all three regimes: " + kept + " kept, " + divided + " divided, " + blended + " blended");
    }
  }

  @Test
  void plainInverseFrequencies() {
    ModelConfig c = TinyCheckpoints.config(TinyCheckpoints.LLAMA2);
    try (PointerScope scope = new PointerScope()) {
      float[] got = HostArrays.toFloats(Rope.inverseFrequencies(c));
      assertEquals(4, got.length);
      assertEquals(1.0f, got[0]);
      for (int i = 0; i < got.length; i++) {
        double expected = Math.pow(10000.0, -2.0 * i / 8);
        assertEquals(expected, got[i], 2e-7 * expected, "inv_freq[" + i + "]");
      }
    }
  }
}
