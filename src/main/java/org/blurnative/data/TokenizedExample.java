package org.blurnative.data;

/**
 * One example as ids, before truncation and padding: the prompt (no loss) and the answer (the
 * loss). The first {@code pinnedPrefix} prompt ids (BOS) survive any truncation.
 *
 * <p>Arrays are shared, not copied: treat them as read-only.
 */
public record TokenizedExample(int[] promptIds, int[] answerIds, int pinnedPrefix) {

  public TokenizedExample {
    if (pinnedPrefix < 0 || pinnedPrefix > promptIds.length) {
      throw new IllegalArgumentException(
          "pinnedPrefix " + pinnedPrefix + " is outside a prompt of " + promptIds.length + " ids");
    }
  }

  public int length() {
    return promptIds.length + answerIds.length;
  }
}
