package org.blurnative.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** (e) Loading checks names and shapes and says which tensor is wrong; saving round-trips. */
@ExtendWith(NativeScopePerTest.class)
class CheckpointTest {
  @TempDir
  Path dir;


  static Map<String, Tensor> weights(ModelConfig c) {
    return TinyCheckpoints.tensors(c, TinyCheckpoints.randomWeights(c, 3));
  }

  @Test
  void misshapenMissingAndUnexpectedTensorsAreNamed() throws Exception {
    ModelConfig c = TinyCheckpoints.config(TinyCheckpoints.LLAMA2);
    Map<String, Tensor> w = new LinkedHashMap<>(weights(c));
    w.put("model.layers.1.mlp.up_proj.weight", w.get("model.layers.1.mlp.up_proj.weight").t().contiguous());
    w.remove("model.layers.0.self_attn.k_proj.weight");
    w.put("model.layers.2.mlp.up_proj.weight", w.get("model.layers.0.mlp.up_proj.weight"));
    TinyCheckpoints.write(dir, TinyCheckpoints.LLAMA2, w);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LlamaModel.load(dir));
    String m = e.getMessage();
    // one line (a 7B model with the wrong layer count would otherwise list hundreds): the first
    // problem in name order, and how many more there are
    assertEquals(dir + ": the weights do not match config.json: model.layers.0.self_attn.k_proj.weight:"
        + " missing (expected [32, 32]) (and 2 more)", m);
  }

  @Test
  void configWithoutATensorTheFileHasIsNamed() throws Exception {
    // the file holds an untied head while the config says tied: fine (transformers ignores it);
    // the config says untied and the file lacks lm_head: missing
    ModelConfig tied = TinyCheckpoints.config(TinyCheckpoints.LLAMA3);
    Map<String, Tensor> w = new LinkedHashMap<>(weights(tied));
    w.put("lm_head.weight", w.get("model.embed_tokens.weight"));
    w.put("model.layers.0.self_attn.rotary_emb.inv_freq", HostArrays.floats(new float[4], 4));
    TinyCheckpoints.write(dir, TinyCheckpoints.LLAMA3, w);
    try (LlamaModel m = LlamaModel.load(dir)) {
      assertFalse(m.parameters().containsKey("lm_head.weight"));
    }
    String untied = TinyCheckpoints.LLAMA3.replace("\"tie_word_embeddings\": true", "\"tie_word_embeddings\": false");
    w.remove("lm_head.weight");
    TinyCheckpoints.write(dir, untied, w);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LlamaModel.load(dir));
    assertTrue(e.getMessage().contains("lm_head.weight: missing (expected [97, 32])"), e.getMessage());

    Files.writeString(dir.resolve("config.json"), untied.replace("\"hidden_size\": 32,", ""));
    IllegalArgumentException noField = assertThrows(IllegalArgumentException.class, () -> LlamaModel.load(dir));
    assertTrue(noField.getMessage().contains(dir.resolve("config.json").toString())
        && noField.getMessage().contains("hidden_size"), noField.getMessage());
  }

  @Test
  void saveThenLoadIsExactAndLooksLikeTransformers() throws Exception {
    ModelConfig c = TinyCheckpoints.config(TinyCheckpoints.LLAMA3);
    Path src = dir.resolve("src");
    TinyCheckpoints.write(src, TinyCheckpoints.LLAMA3, weights(c));
    Files.writeString(src.resolve("tokenizer.json"), "{\"model\": {}}");
    Files.writeString(src.resolve("tokenizer_config.json"), "{}");
    Path out = dir.resolve("out");
    Tensor ids = HostArrays.longs(new long[] {1, 5, 6, 7, 8, 9}, 1, 6);
    try (LlamaModel a = LlamaModel.load(src)) {
      a.save(out);
      try (LlamaModel b = LlamaModel.load(out)) {
        assertEquals(a.config(), b.config());
        for (String name : a.parameters().keySet()) {
          assertArrayEquals(HostArrays.toFloats(a.parameters().get(name)),
              HostArrays.toFloats(b.parameters().get(name)), name);
        }
        assertArrayEquals(HostArrays.toFloats(a.forward(ids, null)), HostArrays.toFloats(b.forward(ids, null)));
      }
    }
    assertEquals("{\"model\": {}}", Files.readString(out.resolve("tokenizer.json")));
    assertTrue(Files.exists(out.resolve("tokenizer_config.json")));

    // what transformers reads: HF names, HF shapes, no lm_head when tied, a loadable config
    JsonNode py = PythonSafeTensors.read(out);
    assertEquals(LlamaModel.parameterShapes(c).keySet(), fieldNames(py.get("tensors")));
    assertEquals("[64, 32]", py.at("/tensors/model.layers.1.mlp.up_proj.weight/shape").toString().replace(",", ", "));
    assertEquals("F32", py.at("/tensors/model.norm.weight/dtype").asText());
    JsonNode config = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve("config.json").toFile());
    assertEquals("llama", config.get("model_type").asText());
    assertEquals("llama3", config.at("/rope_scaling/rope_type").asText());
  }

  @Test
  void moduleNamesAreHuggingFaceNames() {
    for (String json : List.of(TinyCheckpoints.LLAMA2, TinyCheckpoints.LLAMA3, TinyCheckpoints.MISTRAL)) {
      ModelConfig c = TinyCheckpoints.config(json);
      try (LlamaModel m = LlamaModel.random(c, 1)) {
        StringTensorDict named = m.module().named_parameters();
        List<String> names = new ArrayList<>();
        for (long i = 0; i < named.size(); i++) {
          names.add(named.get(i).key().getString());
          assertArrayEquals(LlamaModel.parameterShapes(c).get(names.get((int) i)),
              named.get(i).value().sizes().vec().get(), names.get((int) i));
        }
        assertEquals(List.copyOf(LlamaModel.parameterShapes(c).keySet()), names);
      }
    }
  }

  @Test
  void bfloat16ShardedSave() throws Exception {
    ModelConfig c = TinyCheckpoints.config(TinyCheckpoints.MISTRAL);
    TinyCheckpoints.write(dir.resolve("f32"), TinyCheckpoints.MISTRAL, weights(c));
    Path out = dir.resolve("bf16");
    try (LlamaModel m = LlamaModel.load(dir.resolve("f32"), Dtype.BFLOAT16, new org.bytedeco.pytorch.Device("cpu"))) {
      assertEquals(Dtype.BFLOAT16, m.dtype());
      m.save(out, 4096);
      try (LlamaModel back = LlamaModel.load(out)) {
        assertEquals(Dtype.BFLOAT16, back.dtype());
        Tensor ids = HostArrays.longs(new long[] {1, 2, 3, 4, 5, 6, 7}, 1, 7);
        assertArrayEquals(HostArrays.toFloats(m.forward(ids, null)), HostArrays.toFloats(back.forward(ids, null)));
      }
    }
    assertTrue(Files.exists(out.resolve(SafeTensors.INDEX_FILE)));
    JsonNode py = PythonSafeTensors.read(out);
    assertTrue(py.get("files").size() > 1);
    py.get("tensors").forEach(t -> assertEquals("BF16", t.get("dtype").asText()));
    assertTrue(Files.readString(out.resolve("config.json")).contains("\"torch_dtype\" : \"bfloat16\""));
  }

  /** bf16 weights compute close to float32 ones (a smoke test of the reduced-precision path). */
  @Test
  void bfloat16LogitsStayCloseToFloat32() throws Exception {
    ModelConfig c = TinyCheckpoints.config(TinyCheckpoints.LLAMA3);
    TinyCheckpoints.write(dir, TinyCheckpoints.LLAMA3, weights(c));
    Tensor ids = HostArrays.longs(new long[] {0, 1, 5, 6, 7, 8, 9}, 1, 7);
    Tensor mask = HostArrays.longs(new long[] {0, 1, 1, 1, 1, 1, 1}, 1, 7);
    try (LlamaModel f32 = LlamaModel.load(dir);
        LlamaModel bf16 = LlamaModel.load(dir, Dtype.BFLOAT16, new org.bytedeco.pytorch.Device("cpu"))) {
      float[] a = HostArrays.toFloats(f32.forward(ids, mask).narrow(1, 1, 6));
      float[] b = HostArrays.toFloats(bf16.forward(ids, mask).narrow(1, 1, 6));
      double worst = 0;
      double scale = 0;
      for (int i = 0; i < a.length; i++) {
        worst = Math.max(worst, Math.abs(a[i] - b[i]));
        scale = Math.max(scale, Math.abs(a[i]));
      }
      assertTrue(worst < 0.05 * scale, "bf16 off by " + worst + " at logit scale " + scale);
    }
  }

  private static java.util.Set<String> fieldNames(JsonNode node) {
    java.util.Set<String> names = new java.util.LinkedHashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
