package org.blurnative.model;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import org.blurnative.tokenizer.ByteTokenizer;

/**
 * Configs of the small LLaMA-shaped models the project trains itself (the mini benchmark's target
 * and retain models, tests): byte-level vocabulary, LLaMA-3-style grouped-query attention and
 * tied embeddings, float32.
 */
public final class SmallModels {
  private SmallModels() {}

  /**
   * @param hidden width; a multiple of {@code heads}
   * @param layers decoder layers
   * @param heads attention heads (key/value heads: half of them, at least 1)
   */
  public static ModelConfig byteLevel(int hidden, int layers, int heads, int maxPositions) {
    if (hidden < 1 || layers < 1 || heads < 1 || hidden % heads != 0 || maxPositions < 2) {
      throw new IllegalArgumentException("a small model needs hidden divisible by heads, got hidden "
          + hidden + ", layers " + layers + ", heads " + heads + ", positions " + maxPositions);
    }
    return new ModelConfig(ModelConfig.LLAMA, hidden, 8 * hidden / 3 / 8 * 8, layers, heads,
        Math.max(1, heads / 2), hidden / heads, 1e-5, 10000.0, null, true,
        ByteTokenizer.VOCAB_SIZE, maxPositions, ByteTokenizer.BOS_ID, List.of(ByteTokenizer.EOS_ID),
        ByteTokenizer.PAD_ID, Dtype.FLOAT32, null, JsonNodeFactory.instance.objectNode());
  }
}
