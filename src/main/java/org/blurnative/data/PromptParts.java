package org.blurnative.data;

/**
 * A formatted example in two pieces, tokenised apart so that labels can be masked exactly: the
 * prompt (no loss) and the answer (the loss). {@code prompt + answer} is the whole text.
 */
public record PromptParts(String prompt, String answer) {

  public String text() {
    return prompt + answer;
  }
}
