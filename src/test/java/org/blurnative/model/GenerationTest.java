package org.blurnative.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** (c) Generation: the KV cache changes nothing, batching and padding change nothing, EOS stops. */
@ExtendWith(NativeScopePerTest.class)
class GenerationTest {
  static final List<int[]> PROMPTS = List.of(
      new int[] {1, 40, 41},
      new int[] {1, 7, 8, 9, 10, 11, 12},
      new int[] {1, 90},
      new int[] {1, 33, 34, 35, 36});

  @TempDir
  Path dir;


  LlamaModel model(String json) throws Exception {
    ModelConfig c = TinyCheckpoints.config(json);
    Map<String, float[]> w = TinyCheckpoints.randomWeights(c, 21);
    TinyCheckpoints.write(dir, json, TinyCheckpoints.tensors(c, w));
    return LlamaModel.load(dir);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"llama2", "llama3", "mistral"})
  void greedyWithCacheEqualsWithoutCache(String which) throws Exception {
    // no EOS in the way: every row runs the full 12 steps, past Mistral's window of 4
    String json = ReferenceForwardTest.json(which).replaceAll("\"eos_token_id\": [^\\n]*\\n", "\"eos_token_id\": null,\n");
    try (LlamaModel model = model(json)) {
      GenerationSettings greedy = GenerationSettings.greedy(12).withBatchSize(4);
      List<Completion> cached = model.generate(PROMPTS, greedy);
      List<Completion> uncached = model.generate(PROMPTS, greedy.withKvCache(false));
      assertEquals(uncached, cached);
      for (Completion c : cached) {
        assertEquals(12, c.tokens().length);
        assertFalse(c.stoppedAtEos());
      }
      assertTrue(cached.stream().map(c -> Arrays.toString(c.tokens())).distinct().count() > 1,
          "different prompts should continue differently: " + cached);
    }
  }

  /** Left padding through mask and positions: a prompt alone and in a padded batch agree. */
  @Test
  void batchedEqualsOneByOne() throws Exception {
    String json = TinyCheckpoints.LLAMA3.replace("\"eos_token_id\": [2, 5, 9]", "\"eos_token_id\": null");
    try (LlamaModel model = model(json)) {
      GenerationSettings greedy = GenerationSettings.greedy(10);
      List<Completion> batched = model.generate(PROMPTS, greedy.withBatchSize(4));
      for (int i = 0; i < PROMPTS.size(); i++) {
        assertEquals(model.generate(List.of(PROMPTS.get(i)), greedy).get(0), batched.get(i),
            "prompt " + i);
      }
      assertEquals(batched, model.generate(PROMPTS, greedy.withBatchSize(3)), "batch size 3");
    }
  }

  @Test
  void stopsAtEosAndCutsIt() throws Exception {
    String noEos = TinyCheckpoints.LLAMA2.replace("\"eos_token_id\": 2", "\"eos_token_id\": null");
    int[] free;
    try (LlamaModel model = model(noEos)) {
      free = model.generate(PROMPTS.subList(0, 1), GenerationSettings.greedy(10)).get(0).tokens();
    }
    int eos = free[3];  // make the 4th generated token the EOS
    int firstAt = 0;
    while (free[firstAt] != eos) {
      firstAt++;
    }
    String withEos = TinyCheckpoints.LLAMA2.replace("\"eos_token_id\": 2", "\"eos_token_id\": " + eos);
    try (LlamaModel model = model(withEos)) {
      List<Completion> out = model.generate(PROMPTS, GenerationSettings.greedy(10));
      assertTrue(out.get(0).stoppedAtEos());
      assertArrayEquals(Arrays.copyOf(free, firstAt), out.get(0).tokens());
      for (Completion c : out) {
        assertTrue(c.stoppedAtEos() ? c.tokens().length < 10 : c.tokens().length == 10, c.toString());
        assertTrue(Arrays.stream(c.tokens()).noneMatch(t -> t == eos), c.toString());
      }
    }
  }

  @Test
  void samplingIsSeededAndTopPNarrowsToGreedy() throws Exception {
    String json = TinyCheckpoints.LLAMA3.replace("\"eos_token_id\": [2, 5, 9]", "\"eos_token_id\": null");
    try (LlamaModel model = model(json)) {
      GenerationSettings s = GenerationSettings.sampled(12, 1.0, 1.0, 7);
      List<Completion> a = model.generate(PROMPTS, s);
      assertEquals(a, model.generate(PROMPTS, s), "same seed, same text");
      assertNotEquals(a, model.generate(PROMPTS, GenerationSettings.sampled(12, 1.0, 1.0, 8)),
          "another seed, another text");
      // a nucleus smaller than any token's probability keeps only the most likely one
      assertEquals(model.generate(PROMPTS, GenerationSettings.greedy(12)),
          model.generate(PROMPTS, GenerationSettings.sampled(12, 1.0, 1e-6, 9)));
      // sampled with and without cache draw the same uniforms and see the same logits
      assertEquals(a, model.generate(PROMPTS, s.withKvCache(false)));
    }
  }

  @Test
  void rejectsEmptyPrompts() throws Exception {
    try (LlamaModel model = model(TinyCheckpoints.LLAMA2)) {
      assertThrows(IllegalArgumentException.class,
          () -> model.generate(List.of(new int[0]), GenerationSettings.greedy(3)));
      assertEquals(List.of(new Completion(new int[0], false)),
          model.generate(List.of(new int[] {1}), GenerationSettings.greedy(0)));
    }
  }
}
