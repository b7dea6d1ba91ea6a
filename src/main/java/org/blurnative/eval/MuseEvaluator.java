package org.blurnative.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.blurnative.data.ContinuationRecord;
import org.blurnative.data.ExampleEncoder;
import org.blurnative.data.PromptFormat;
import org.blurnative.data.QaRecord;
import org.blurnative.data.TextRecord;
import org.blurnative.eval.muse.MinKPercent;
import org.blurnative.eval.muse.MuseRouge;
import org.blurnative.model.Completion;
import org.blurnative.model.GenerationSettings;
import org.blurnative.model.LlamaModel;
import org.blurnative.tokenizer.Tokenizer;

/**
 * One model's MUSE outputs (DESIGN.md §6), produced the way MUSE's eval.py produces them: prompts
 * tokenised with the tokenizer's special tokens (BOS for LLaMA), greedy decoding that stops at
 * EOS, outputs decoded without special tokens and with transformers' clean-up of spaces; the
 * metrics then come from {@link MuseRouge} and {@link MinKPercent}. Generation is batched with the
 * KV cache, which changes nothing for greedy decoding but the time it takes.
 */
public final class MuseEvaluator {
  /** VerbMem continues each forget prompt by this many tokens; the truth is cut to as many. */
  public static final int VERBMEM_NEW_TOKENS = 128;
  /** KnowMem answers in at most this many tokens. */
  public static final int KNOWMEM_NEW_TOKENS = 32;

  private final LlamaModel model;
  private final Tokenizer tokenizer;
  private final int batchSize;

  public MuseEvaluator(LlamaModel model, Tokenizer tokenizer, int batchSize) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.batchSize = batchSize;
  }

  /** A prompt, the text it should produce, what the model produced, and their ROUGE-L F1. */
  public record Generation(String prompt, String reference, String output, double rougeLF1) {}

  /**
   * VerbMem: each prompt continued by 128 greedy tokens, scored against the true continuation cut
   * to its first 128 token ids as MUSE cuts it (special tokens included in the count, so with a BOS
   * the text keeps 127).
   */
  public List<Generation> verbMem(List<ContinuationRecord> records) {
    List<String> prompts = records.stream().map(ContinuationRecord::prompt).toList();
    List<String> outputs = generate(prompts, VERBMEM_NEW_TOKENS);
    List<Generation> out = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      int[] truth = tokenizer.encode(records.get(i).continuation(), true);
      String reference = decode(Arrays.copyOf(truth, Math.min(truth.length, VERBMEM_NEW_TOKENS)));
      out.add(new Generation(prompts.get(i), reference, outputs.get(i), MuseRouge.f1(reference, outputs.get(i))));
    }
    return out;
  }

  /**
   * KnowMem: each question after the few-shot examples, answered in 32 greedy tokens, the answer
   * cut at the first blank line or next question, scored against the true answer.
   */
  public List<Generation> knowMem(List<QaRecord> questions, List<QaRecord> shots) {
    List<String> prompts = questions.stream().map(q -> knowMemPrompt(shots, q.question())).toList();
    List<String> outputs = generate(prompts, KNOWMEM_NEW_TOKENS);
    List<Generation> out = new ArrayList<>();
    for (int i = 0; i < questions.size(); i++) {
      String answer = MuseRouge.knowMemAnswer(outputs.get(i));
      String truth = questions.get(i).answer();
      out.add(new Generation(prompts.get(i), truth, answer, MuseRouge.f1(truth, answer)));
    }
    return out;
  }

  /** MUSE's few-shot prompt: each example as "Question: …\nAnswer: …\n\n", then the question. */
  public static String knowMemPrompt(List<QaRecord> shots, String question) {
    StringBuilder prompt = new StringBuilder();
    for (QaRecord shot : shots) {
      prompt.append("Question: ").append(shot.question()).append("\nAnswer: ").append(shot.answer()).append("\n\n");
    }
    return prompt.append("Question: ").append(question).append("\nAnswer: ").toString();
  }

  /**
   * Min-40% of each whole text (every token after the first, given its prefix), for PrivLeak's
   * AUC. Texts are not cut, as MUSE does not cut them; one longer than the model's context is an
   * error naming it.
   */
  public double[] minKScores(List<TextRecord> texts) {
    int context = model.config().maxPositionEmbeddings();
    ExampleEncoder encoder = new ExampleEncoder(tokenizer, PromptFormat.PLAIN, false);
    var examples = texts.stream().map(t -> encoder.text(t.text())).toList();
    for (int i = 0; i < examples.size(); i++) {
      int length = examples.get(i).length();
      if (length > context) {
        throw new IllegalArgumentException("privleak text " + (i + 1) + " has " + length
            + " tokens, more than the model's " + context + "-token context");
      }
    }
    AnswerLikelihood likelihood = new AnswerLikelihood(model, encoder, tokenizer.padId(), context, batchSize);
    return likelihood.tokenLogProbs(examples).stream().mapToDouble(MinKPercent::score).toArray();
  }

  /** Each prompt (BOS first) continued greedily by at most {@code newTokens}, decoded as MUSE decodes. */
  List<String> generate(List<String> prompts, int newTokens) {
    List<int[]> ids = prompts.stream().map(p -> tokenizer.encode(p, true)).toList();
    GenerationSettings settings = GenerationSettings.greedy(newTokens).withBatchSize(batchSize);
    return model.generate(ids, settings).stream().map(Completion::tokens).map(this::decode).toList();
  }

  private String decode(int[] ids) {
    return DecodedText.of(tokenizer, ids);
  }
}
