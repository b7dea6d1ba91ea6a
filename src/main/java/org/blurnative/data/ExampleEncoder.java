package org.blurnative.data;

import java.util.Arrays;
import org.blurnative.tokenizer.Tokenizer;

/**
 * Records to ids. The prompt is encoded as a sequence start (BOS when the tokenizer adds it), the
 * answer as its continuation, and the two arrays are kept apart so that labels cover exactly the
 * answer. With {@code endAnswerWithEos}, EOS follows the answer (and is learned), as TOFU and
 * open-unlearning train; it is not doubled when the answer already ends with it (LLaMA-3 Instruct,
 * where {@code <|eot_id|>} is EOS).
 */
public final class ExampleEncoder {

  private final Tokenizer tokenizer;
  private final PromptFormat format;
  private final String systemPrompt;
  private final boolean endAnswerWithEos;

  public ExampleEncoder(Tokenizer tokenizer, PromptFormat format, boolean endAnswerWithEos) {
    this(tokenizer, format, "", endAnswerWithEos);
  }

  /** {@code systemPrompt} empty for none. */
  public ExampleEncoder(
      Tokenizer tokenizer, PromptFormat format, String systemPrompt, boolean endAnswerWithEos) {
    this.tokenizer = tokenizer;
    this.format = format;
    this.systemPrompt = systemPrompt;
    this.endAnswerWithEos = endAnswerWithEos;
  }

  /** A question and an answer (the answer, a paraphrase or a perturbed one) in the format. */
  public TokenizedExample qa(String question, String answer) {
    return parts(format.render(question, answer, systemPrompt));
  }

  public TokenizedExample qa(QaRecord record) {
    return qa(record.question(), record.answer());
  }

  /** The prompt alone, with no answer ids: for generation. */
  public TokenizedExample prompt(String question) {
    int[] prompt = tokenizer.encode(format.render(question, "", systemPrompt).prompt(), true);
    return new TokenizedExample(prompt, new int[0], pinned(prompt));
  }

  /**
   * A document to be learned whole: BOS as the prompt, every text id as the answer. The text is a
   * sequence start, not a continuation, and gets no prompt format.
   */
  public TokenizedExample text(String text) {
    int[] bos = tokenizer.encode("", true);
    return new TokenizedExample(bos, withEos(tokenizer.encode(text, false)), pinned(bos));
  }

  public TokenizedExample parts(PromptParts parts) {
    int[] prompt = tokenizer.encode(parts.prompt(), true);
    int[] answer = withEos(tokenizer.encodeContinuation(parts.answer()));
    return new TokenizedExample(prompt, answer, pinned(prompt));
  }

  private int[] withEos(int[] answer) {
    int eos = tokenizer.eosId();
    if (!endAnswerWithEos || (answer.length > 0 && answer[answer.length - 1] == eos)) {
      return answer;
    }
    int[] out = Arrays.copyOf(answer, answer.length + 1);
    out[answer.length] = eos;
    return out;
  }

  /** BOS stays when a long prompt is cut from the left. */
  private int pinned(int[] prompt) {
    return prompt.length > 0 && prompt[0] == tokenizer.bosId() ? 1 : 0;
  }
}
