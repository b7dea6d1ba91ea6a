package org.blurnative.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our forward and greedy decoding against transformers itself, on checkpoints that
 * transformers wrote: scripts/hf_reference_logits.py ran on the GPU machine (transformers 5.17.0,
 * torch 2.11.0, float32 on its CPU, eager attention) and saved config.json and model.safetensors
 * with save_pretrained, plus its logits and greedy continuation. Covers what an independent
 * reimplementation could get wrong in the same way as ours: weight names and layouts, the rotary
 * convention, llama3 rope scaling, GQA head grouping, tied embeddings and Mistral's sliding window
 * (8, shorter than the 24-token sequences).
 */
class TransformersLogitsTest {
  /** float32 against float32 through two layers: measured 3e-6 to 6e-6 (a few ulps of logits of
   *  size ~5, from a different summation order); a layout or rope mistake moves them by O(1). */
  static final double TOLERANCE = 2e-5;

  static Path fixture(String which) throws URISyntaxException {
    return Path.of(TransformersLogitsTest.class.getResource("/model/hf-reference/" + which).toURI());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"llama2", "llama3", "mistral"})
  void logitsMatchTransformers(String which) throws Exception {
    Path dir = fixture(which);
    try (PointerScope scope = new PointerScope();
        SafeTensors.Reader reference = SafeTensors.open(dir.resolve("reference.safetensors"));
        LlamaModel model = LlamaModel.load(dir)) {
      Tensor ids = reference.read("input_ids");
      long[] shape = ids.sizes().vec().get();
      long[] flatIds = HostArrays.toLongs(ids);
      double[] expected = HostArrays.toDoubles(reference.read("logits"));
      double[] got = HostArrays.toDoubles(model.forward(HostArrays.longs(flatIds, shape), null));

      assertEquals(expected.length, got.length, which + ": logits size");
      double worst = 0;
      double scale = 0;
      for (int i = 0; i < expected.length; i++) {
        worst = Math.max(worst, Math.abs(got[i] - expected[i]));
        scale = Math.max(scale, Math.abs(expected[i]));
      }
      assertTrue(scale > 1, which + ": reference logits should be O(1), max " + scale);
      assertTrue(worst <= TOLERANCE, which + ": max |ours − transformers| = " + worst);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"llama2", "llama3", "mistral"})
  void greedyContinuationMatchesTransformers(String which) throws Exception {
    Path dir = fixture(which);
    try (PointerScope scope = new PointerScope();
        SafeTensors.Reader reference = SafeTensors.open(dir.resolve("reference.safetensors"));
        LlamaModel model = LlamaModel.load(dir)) {
      int prompt = Integer.parseInt(reference.metadata().get("prompt_tokens"));
      long[] firstRow = HostArrays.toLongs(reference.read("input_ids"));
      int[] promptIds = Arrays.stream(firstRow, 0, prompt).mapToInt(id -> (int) id).toArray();
      int[] expected = Arrays.stream(HostArrays.toLongs(reference.read("greedy")))
          .mapToInt(id -> (int) id).toArray();

      Completion completion = model.generate(List.of(promptIds),
          GenerationSettings.greedy(expected.length)).get(0);
      assertArrayEquals(expected, completion.tokens(), which + ": greedy tokens");
    }
  }
}
