package org.blurnative.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class Llama7bShapesTest {

  @Test
  void hasTheRealModelsTensorsAndCount() {
    assertEquals(291, Llama7bShapes.params().size());
    assertEquals(6_738_415_616L, Llama7bShapes.total());
    assertEquals("model.embed_tokens.weight", Llama7bShapes.params().get(0).name());
    assertEquals("lm_head.weight", Llama7bShapes.params().get(290).name());
    assertEquals(11008L * 4096, Llama7bShapes.params().get(5).numel());  // layer 0 gate_proj
  }

  @ParameterizedTest
  @ValueSource(longs = {291, 292, 1024, 65_536, 1_000_003, 52_428_800, 6_738_415_616L, 10_000_000_000_000L})
  void scalingSumsExactlyToNWithEveryTensorNonEmpty(long n) {
    long[] counts = Llama7bShapes.scaledTo(n);
    assertEquals(291, counts.length);
    assertEquals(n, Arrays.stream(counts).sum());
    assertTrue(Arrays.stream(counts).allMatch(c -> c >= 1));
  }

  @Test
  void scalingToTheRealTotalGivesTheRealShapes() {
    long[] counts = Llama7bShapes.scaledTo(Llama7bShapes.total());
    for (int i = 0; i < counts.length; i++) {
      assertEquals(Llama7bShapes.params().get(i).numel(), counts[i], Llama7bShapes.params().get(i).name());
    }
  }

  @Test
  void scalingKeepsProportions() {
    long[] counts = Llama7bShapes.scaledTo(50L << 20);
    // gate_proj : q_proj = 11008 : 4096 up to the one element each tensor is given first
    assertEquals(11008.0 / 4096, (double) counts[5] / counts[1], 1e-4);
  }

  @Test
  void tooFewElementsForOnePerTensorIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Llama7bShapes.scaledTo(290));
    assertTrue(e.getMessage().contains("n >= 291"), e.getMessage());
  }
}
