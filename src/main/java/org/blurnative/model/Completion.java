package org.blurnative.model;

import java.util.Arrays;

/**
 * The tokens generated after one prompt.
 *
 * @param tokens       the new tokens, without the prompt and without the EOS that ended them
 * @param stoppedAtEos true when an EOS token ended the text, false when max new tokens did
 */
public record Completion(int[] tokens, boolean stoppedAtEos) {

  @Override
  public boolean equals(Object o) {
    return o instanceof Completion c && c.stoppedAtEos == stoppedAtEos
        && Arrays.equals(c.tokens, tokens);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(tokens) + Boolean.hashCode(stoppedAtEos);
  }

  @Override
  public String toString() {
    return Arrays.toString(tokens) + (stoppedAtEos ? " <eos>" : "");
  }
}
