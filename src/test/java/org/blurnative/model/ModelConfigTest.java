package org.blurnative.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.json: the three layouts, transformers' defaults, errors that name file and field, round trip. */
class ModelConfigTest {
  @TempDir
  Path dir;

  @Test
  void parsesTheThreeLayouts() {
    ModelConfig l2 = TinyCheckpoints.config(TinyCheckpoints.LLAMA2);
    assertEquals(ModelConfig.LLAMA, l2.architecture());
    assertEquals(4, l2.numKeyValueHeads());
    assertEquals(8, l2.headDim());  // hidden / heads when absent
    assertNull(l2.ropeScaling());
    assertEquals(List.of(2), l2.eosTokenIds());
    assertNull(l2.padTokenId());
    assertNull(l2.slidingWindow());
    assertEquals(Dtype.FLOAT32, l2.torchDtype());
    assertEquals(0.02, l2.otherFields().get("initializer_range").asDouble());

    ModelConfig l3 = TinyCheckpoints.config(TinyCheckpoints.LLAMA3);
    assertEquals(2, l3.queryGroups());
    assertTrue(l3.tieWordEmbeddings());
    assertEquals(new ModelConfig.RopeScaling(32.0, 1.0, 4.0, 8192), l3.ropeScaling());
    assertEquals(500000.0, l3.ropeTheta());
    assertEquals(List.of(2, 5, 9), l3.eosTokenIds());
    assertEquals(0, l3.bosTokenId());

    ModelConfig m = TinyCheckpoints.config(TinyCheckpoints.MISTRAL);
    assertEquals("mistral", m.modelType());
    assertEquals(16, m.headDim());
    assertEquals(4, m.slidingWindow());
    assertEquals(0, m.padTokenId());
  }

  @Test
  void defaultsFollowTransformers() {
    ModelConfig c = ModelConfig.parse("""
        {"architectures": ["LlamaForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
         "num_hidden_layers": 1, "num_attention_heads": 8, "vocab_size": 10, "rms_norm_eps": 1e-6}
        """, "minimal.json");
    assertEquals(8, c.numKeyValueHeads());
    assertEquals(8, c.headDim());
    assertEquals(10000.0, c.ropeTheta());
    assertEquals(2048, c.maxPositionEmbeddings());
    assertEquals(1, c.bosTokenId());
    assertEquals(List.of(2), c.eosTokenIds());
    assertEquals(Dtype.FLOAT32, c.torchDtype());
    assertTrue(!c.tieWordEmbeddings());

    // transformers v5 spelling: dtype, rope_parameters
    ModelConfig v5 = ModelConfig.parse("""
        {"architectures": ["LlamaForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
         "num_hidden_layers": 1, "num_attention_heads": 8, "vocab_size": 10, "rms_norm_eps": 1e-6,
         "dtype": "bfloat16",
         "rope_parameters": {"rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0,
           "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}}
        """, "v5.json");
    assertEquals(Dtype.BFLOAT16, v5.torchDtype());
    assertEquals(500000.0, v5.ropeTheta());
    assertEquals(8.0, v5.ropeScaling().factor());
  }

  @Test
  void errorsNameTheFileAndTheField() {
    String base = TinyCheckpoints.LLAMA2;
    assertError(base.replace("\"hidden_size\": 32,", ""), "hidden_size", "missing");
    assertError(base.replace("LlamaForCausalLM", "GPT2LMHeadModel"), "architectures", "GPT2LMHeadModel");
    assertError(base.replace("\"vocab_size\": 97", "\"vocab_size\": \"97\""), "vocab_size", "integer");
    assertError(base.replace("\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0}"),
        "rope_scaling.rope_type", "yarn");
    assertError(TinyCheckpoints.LLAMA3.replace("\"factor\": 32.0,", ""), "rope_scaling.factor", "missing");
    assertError(base.replace("\"torch_dtype\": \"float32\"", "\"torch_dtype\": \"int8\""), "torch_dtype", "int8");
    assertError(base.replace("\"hidden_act\": \"silu\"", "\"hidden_act\": \"gelu\""), "hidden_act", "gelu");
    assertError(base.replace("\"num_key_value_heads\": 4", "\"num_key_value_heads\": 3"), "num_key_value_heads", "multiple");
    assertError("{not json", "config.json", "not valid JSON");
  }

  private static void assertError(String json, String field, String detail) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelConfig.parse(json, "/models/x/config.json"));
    String m = e.getMessage();
    assertTrue(m.startsWith("/models/x/config.json: "), "names the file: " + m);
    assertTrue(m.contains(field), "names '" + field + "': " + m);
    assertTrue(m.contains(detail), "says '" + detail + "': " + m);
  }

  @Test
  void writesBackTheSameFieldsAndReadsThemAgain() throws Exception {
    for (String json : List.of(TinyCheckpoints.LLAMA2, TinyCheckpoints.LLAMA3, TinyCheckpoints.MISTRAL)) {
      ModelConfig c = TinyCheckpoints.config(json);
      Path file = dir.resolve("config.json");
      c.write(file);
      assertEquals(c, ModelConfig.read(file));

      JsonNode written = new ObjectMapper().readTree(file.toFile());
      JsonNode original = new ObjectMapper().readTree(json);
      for (var it = original.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        assertTrue(written.has(field), "config.json keeps " + field);
        if (original.get(field).isNumber()) {
          assertEquals(original.get(field).asDouble(), written.get(field).asDouble(), field);
        } else if (!original.get(field).isObject()) {
          assertEquals(original.get(field), written.get(field), field);
        }
      }
    }
    ModelConfig bf16 = TinyCheckpoints.config(TinyCheckpoints.LLAMA3).withTorchDtype(Dtype.BFLOAT16);
    bf16.write(dir.resolve("config.json"));
    assertTrue(Files.readString(dir.resolve("config.json")).contains("\"torch_dtype\" : \"bfloat16\""));
  }
}
