package org.blurnative.data;

import java.util.Arrays;
import org.blurnative.tokenizer.Tokenizer;

/**
 * Records to ids. The prompt is a sequence start (BOS first when the tokenizer adds BOS), the
 * answer its continuation, and the two arrays are kept apart so that labels cover exactly the
 * answer. EOS follows the answer, and is learned, when {@code endAnswerWithEos} (TOFU and
 * open-unlearning train so) or when the tokenizer's add_eos_token asks for it; it is not doubled
 * when the answer already ends with it (LLaMA-3 Instruct, where {@code <|eot_id|>} is EOS). EOS
 * never ends the prompt: it belongs to the end of the whole sequence.
 */
public final class ExampleEncoder {

  private final Tokenizer tokenizer;
  private final PromptFormat format;
  private final String systemPrompt;
  private final boolean appendEos;
  private final boolean prependBos;

  public ExampleEncoder(Tokenizer tokenizer, PromptFormat format, boolean endAnswerWithEos) {
    this(tokenizer, format, "", endAnswerWithEos);
  }

  /** {@code systemPrompt} empty for none. */
  public ExampleEncoder(
      Tokenizer tokenizer, PromptFormat format, String systemPrompt, boolean endAnswerWithEos) {
    this(tokenizer, format, systemPrompt, endAnswerWithEos || tokenizer.addsEos(), tokenizer.addsBos());
  }

  private ExampleEncoder(Tokenizer tokenizer, PromptFormat format, String systemPrompt,
      boolean appendEos, boolean prependBos) {
    this.tokenizer = tokenizer;
    this.format = format;
    this.systemPrompt = systemPrompt;
    this.appendEos = appendEos;
    this.prependBos = prependBos;
  }

  /**
   * This encoder without BOS, whatever the tokenizer's add_bos_token says: lm-evaluation-harness
   * (0.4.x, which the WMDP and RMU numbers come from) scores multiple choice so.
   */
  public ExampleEncoder withoutBos() {
    return new ExampleEncoder(tokenizer, format, systemPrompt, appendEos, false);
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
    int[] prompt = sequenceStart(format.render(question, "", systemPrompt).prompt());
    return new TokenizedExample(prompt, new int[0], pinned(prompt));
  }

  /**
   * A document to be learned whole: BOS (if the tokenizer adds one) as the prompt, every text id as
   * the answer. The text is a sequence start, not a continuation, and gets no prompt format.
   */
  public TokenizedExample text(String text) {
    int[] all = sequenceStart(text);
    int bos = pinned(all);
    return new TokenizedExample(Arrays.copyOf(all, bos),
        withEos(Arrays.copyOfRange(all, bos, all.length)), bos);
  }

  public TokenizedExample parts(PromptParts parts) {
    int[] prompt = sequenceStart(parts.prompt());
    int[] answer = withEos(tokenizer.encodeContinuation(parts.answer()));
    return new TokenizedExample(prompt, answer, pinned(prompt));
  }

  /** The text's ids after BOS, given once, when BOS is prepended. */
  private int[] sequenceStart(String text) {
    int[] ids = tokenizer.encode(text, false);
    int bos = tokenizer.bosId();
    if (!prependBos || (ids.length > 0 && ids[0] == bos)) {
      return ids;
    }
    int[] out = new int[ids.length + 1];
    out[0] = bos;
    System.arraycopy(ids, 0, out, 1, ids.length);
    return out;
  }

  private int[] withEos(int[] answer) {
    int eos = tokenizer.eosId();
    if (!appendEos || (answer.length > 0 && answer[answer.length - 1] == eos)) {
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
