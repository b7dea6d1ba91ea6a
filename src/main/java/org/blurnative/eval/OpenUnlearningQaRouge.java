package org.blurnative.eval;

import java.util.Arrays;
import java.util.List;
import org.blurnative.data.ExampleEncoder;
import org.blurnative.data.QaRecord;
import org.blurnative.data.TokenizedExample;
import org.blurnative.eval.openunlearning.RougeEntry;
import org.blurnative.tokenizer.Tokenizer;

/**
 * The *_Q_A_ROUGE entry open-unlearning logs for a generated answer (src/evals/metrics/utils.py
 * eval_text_similarity, commit d3d7cf9, on QADataset with predict_with_generate): every text
 * decoded without special tokens and with clean_up_tokenization_spaces; input is the prompt's ids
 * (the chat-formatted question), the ground truth the prompt-and-answer ids (EOS after the answer)
 * with that input removed, the generation cut before EOS's text. They differ from the record's
 * answer and our generation only where decoding or transformers' clean-up changes the text.
 */
public final class OpenUnlearningQaRouge {
  private final Tokenizer tokenizer;
  private final ExampleEncoder encoder;
  private final List<String> stopWords;

  /** {@code encoder}: the one the answers were generated with (TOFU's, EOS after the answer). */
  public OpenUnlearningQaRouge(Tokenizer tokenizer, ExampleEncoder encoder) {
    this.tokenizer = tokenizer;
    this.encoder = encoder;
    this.stopWords = List.of(tokenizer.decode(new int[] {tokenizer.eosId()}, false));
  }

  /** {@code generated}: the answer decoded without special tokens (clean-up is applied here). */
  public RougeEntry entry(QaRecord record, String generated) {
    String input = DecodedText.of(tokenizer, encoder.prompt(record.question()).promptIds());
    TokenizedExample qa = encoder.qa(record);
    int[] chat = Arrays.copyOf(qa.promptIds(), qa.length());
    System.arraycopy(qa.answerIds(), 0, chat, qa.promptIds().length, qa.answerIds().length);
    return RougeEntry.of(input, RougeEntry.groundTruth(input, DecodedText.of(tokenizer, chat)),
        RougeEntry.generation(DecodedText.cleanUpTokenizationSpaces(generated), stopWords));
  }
}
