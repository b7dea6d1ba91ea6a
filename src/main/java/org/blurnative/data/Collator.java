package org.blurnative.data;

import java.util.Arrays;
import java.util.List;

/**
 * Examples to a padded {@link TokenBatch}: prompt ids then answer ids, labels on the answer only,
 * padded to the longest row.
 *
 * <p>Examples longer than maxLength are cut as {@link Truncation} says: the prompt from its left
 * first, then the answer from its end. With {@link BatchOptions.AnswerOverflow#TRUNCATE_AND_COUNT}
 * the dropped answer ids are counted per row in {@link TokenBatch#answerIdsCut()}; with {@link
 * BatchOptions.AnswerOverflow#FAIL} the batch is refused. Nothing is logged per batch: a command
 * says once per set what maxLength cuts ({@link Truncation.Count}).
 */
public final class Collator {

  private final int padId;
  private final BatchOptions options;

  public Collator(int padId, BatchOptions options) {
    this.padId = padId;
    this.options = options;
  }

  public TokenBatch collate(List<TokenizedExample> examples) {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("cannot build a batch from no examples");
    }
    int b = examples.size();
    int[][] prompts = new int[b][];
    int[][] answers = new int[b][];
    int[] answerIdsCut = new int[b];
    int width = 0;
    for (int i = 0; i < b; i++) {
      TokenizedExample e = examples.get(i);
      Truncation cut = Truncation.of(e, options.maxLength());
      if (cut.answerIds() > 0 && options.answerOverflow() == BatchOptions.AnswerOverflow.FAIL) {
        throw new IllegalArgumentException("example " + i + " of the batch does not fit maxLength "
            + options.maxLength() + ": its answer alone has " + e.answerIds().length
            + " ids and its BOS " + e.pinnedPrefix());
      }
      prompts[i] = cutFromLeft(e.promptIds(), e.pinnedPrefix(), cut.promptIds());
      answers[i] = Arrays.copyOf(e.answerIds(), e.answerIds().length - cut.answerIds());
      answerIdsCut[i] = cut.answerIds();
      width = Math.max(width, prompts[i].length + answers[i].length);
    }

    if (width == 0) {
      throw new IllegalArgumentException("cannot build a batch from examples that have no ids");
    }
    int[][] ids = new int[b][width];
    int[][] mask = new int[b][width];
    int[][] labels = new int[b][width];
    int[] promptLengths = new int[b];
    int[] answerLengths = new int[b];
    for (int i = 0; i < b; i++) {
      int p = prompts[i].length;
      int a = answers[i].length;
      int start = options.padding() == BatchOptions.Padding.LEFT ? width - p - a : 0;
      Arrays.fill(ids[i], padId);
      Arrays.fill(labels[i], TokenBatch.IGNORE);
      System.arraycopy(prompts[i], 0, ids[i], start, p);
      System.arraycopy(answers[i], 0, ids[i], start + p, a);
      System.arraycopy(answers[i], 0, labels[i], start + p, a);
      Arrays.fill(mask[i], start, start + p + a, 1);
      promptLengths[i] = p;
      answerLengths[i] = a;
    }
    return new TokenBatch(ids, mask, labels, promptLengths, answerLengths, answerIdsCut, options.padding());
  }

  /** The pinned prefix, then the prompt without the {@code count} ids that follow it. */
  private static int[] cutFromLeft(int[] prompt, int pinned, int count) {
    if (count == 0) {
      return prompt;
    }
    int[] out = new int[prompt.length - count];
    System.arraycopy(prompt, 0, out, 0, pinned);
    System.arraycopy(prompt, pinned + count, out, pinned, prompt.length - pinned - count);
    return out;
  }
}
