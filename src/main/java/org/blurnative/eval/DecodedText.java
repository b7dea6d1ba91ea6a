package org.blurnative.eval;

import org.blurnative.tokenizer.Tokenizer;

/**
 * Ids back to text as MUSE's eval.py and open-unlearning's eval_text_similarity decode them:
 * {@code tokenizer.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=True)}.
 */
public final class DecodedText {
  private DecodedText() {}

  public static String of(Tokenizer tokenizer, int[] ids) {
    return cleanUpTokenizationSpaces(tokenizer.decode(ids, true));
  }

  /**
   * transformers' clean_up_tokenization (the tokenizers library, under DJL, does not do it): the
   * spaces before punctuation and English contractions that some tokenizers decode to. Only
   * " n't" changes ROUGE's tokens ("do n't" → "don't").
   */
  static String cleanUpTokenizationSpaces(String text) {
    return text.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
        .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" 's", "'s")
        .replace(" 've", "'ve").replace(" 're", "'re");
  }
}
