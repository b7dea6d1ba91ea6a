package org.blurnative.model;

/**
 * How {@link LlamaModel#generate} decodes.
 *
 * @param maxNewTokens at most this many tokens after each prompt
 * @param temperature  0 for greedy (argmax); otherwise logits are divided by it and sampled
 * @param topP         nucleus sampling: keep the most likely tokens whose probabilities reach
 *                     top_p (1 keeps all); ignored when greedy
 * @param seed         seeds the sampler: the same prompts, settings and seed give the same text
 * @param batchSize    prompts decoded together (left-padded to the longest of the batch)
 * @param kvCache      false recomputes the whole sequence each step (for checking the cache)
 */
public record GenerationSettings(int maxNewTokens, double temperature, double topP, long seed,
    int batchSize, boolean kvCache) {

  public GenerationSettings {
    if (maxNewTokens < 0) {
      throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
    }
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be a finite number >= 0, got "
          + temperature);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("top_p must lie in (0, 1], got " + topP);
    }
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
    }
  }

  /** Greedy decoding, batches of 16, with the cache. */
  public static GenerationSettings greedy(int maxNewTokens) {
    return new GenerationSettings(maxNewTokens, 0.0, 1.0, 0L, 16, true);
  }

  /** Sampling at {@code temperature} with nucleus {@code topP}, seeded. */
  public static GenerationSettings sampled(int maxNewTokens, double temperature, double topP,
      long seed) {
    return new GenerationSettings(maxNewTokens, temperature, topP, seed, 16, true);
  }

  public boolean greedy() {
    return temperature == 0;
  }

  public GenerationSettings withBatchSize(int batchSize) {
    return new GenerationSettings(maxNewTokens, temperature, topP, seed, batchSize, kvCache);
  }

  public GenerationSettings withKvCache(boolean kvCache) {
    return new GenerationSettings(maxNewTokens, temperature, topP, seed, batchSize, kvCache);
  }
}
