package org.blurnative.eval;

import java.util.List;
import org.blurnative.data.ExampleEncoder;
import org.blurnative.model.Completion;
import org.blurnative.model.GenerationSettings;
import org.blurnative.model.LlamaModel;
import org.blurnative.tokenizer.Tokenizer;

/** The model's greedy answer to each question (batched, with the KV cache), as text. */
public final class GreedyAnswers {
  private final LlamaModel model;
  private final ExampleEncoder encoder;
  private final Tokenizer tokenizer;
  private final GenerationSettings settings;

  public GreedyAnswers(LlamaModel model, ExampleEncoder encoder, Tokenizer tokenizer, int maxNewTokens, int batchSize) {
    this.model = model;
    this.encoder = encoder;
    this.tokenizer = tokenizer;
    this.settings = GenerationSettings.greedy(maxNewTokens).withBatchSize(batchSize);
  }

  public List<String> answer(List<String> questions) {
    List<int[]> prompts = questions.stream().map(q -> encoder.prompt(q).promptIds()).toList();
    List<Completion> completions = model.generate(prompts, settings);
    return completions.stream().map(c -> tokenizer.decode(c.tokens(), true).strip()).toList();
  }
}
