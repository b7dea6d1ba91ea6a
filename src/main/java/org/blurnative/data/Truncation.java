package org.blurnative.data;

import java.util.List;

/**
 * What maxLength takes from an example, in {@link Collator}'s order: prompt ids from the left
 * (after the pinned BOS) first, so that the question's end next to the answer survives longest;
 * answer ids from the end only when the pinned prefix and the answer alone do not fit.
 */
public record Truncation(int promptIds, int answerIds) {

  public static Truncation of(TokenizedExample e, int maxLength) {
    int excess = Math.max(0, e.length() - maxLength);
    int prompt = Math.min(excess, e.promptIds().length - e.pinnedPrefix());
    return new Truncation(prompt, excess - prompt);
  }

  /**
   * Over a set of examples: how many there are, how many exceed maxLength, and in how many the
   * prompt and the answer are cut (an example can lose ids from both).
   */
  public record Count(int examples, int exceeding, int promptsCut, int answersCut) {
    public static final Count NONE = new Count(0, 0, 0, 0);

    public static Count of(List<TokenizedExample> examples, int maxLength) {
      int exceeding = 0, prompts = 0, answers = 0;
      for (TokenizedExample e : examples) {
        Truncation t = Truncation.of(e, maxLength);
        exceeding += t.promptIds() + t.answerIds() > 0 ? 1 : 0;
        prompts += t.promptIds() > 0 ? 1 : 0;
        answers += t.answerIds() > 0 ? 1 : 0;
      }
      return new Count(examples.size(), exceeding, prompts, answers);
    }

    public Count plus(Count other) {
      return new Count(examples + other.examples, exceeding + other.exceeding,
          promptsCut + other.promptsCut, answersCut + other.answersCut);
    }
  }
}
