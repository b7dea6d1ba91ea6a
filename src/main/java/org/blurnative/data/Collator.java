package org.blurnative.data;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.List;

/**
 * Examples to a padded {@link TokenBatch}: prompt ids then answer ids, labels on the answer only,
 * padded to the longest row.
 *
 * <p>Truncation to maxLength, in this order:
 *
 * <ol>
 *   <li>the prompt loses ids from its left, after its pinned prefix (BOS), so that the question's
 *       end, next to the answer, survives longest;
 *   <li>only when the pinned prefix and the answer alone do not fit is the answer cut, from its
 *       end: with {@link BatchOptions.AnswerOverflow#TRUNCATE_AND_COUNT} the dropped ids are
 *       counted per row in {@link TokenBatch#answerIdsCut()} and a warning is logged; with
 *       {@link BatchOptions.AnswerOverflow#FAIL} the batch is refused.
 * </ol>
 */
public final class Collator {

  private static final System.Logger LOG = System.getLogger(Collator.class.getName());

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
    int[] cut = new int[b];
    int width = 0;
    for (int i = 0; i < b; i++) {
      TokenizedExample e = examples.get(i);
      int excess = Math.max(0, e.length() - options.maxLength());
      int promptCut = Math.min(excess, e.promptIds().length - e.pinnedPrefix());
      int answerCut = excess - promptCut;
      if (answerCut > 0 && options.answerOverflow() == BatchOptions.AnswerOverflow.FAIL) {
        throw new IllegalArgumentException("example " + i + " of the batch does not fit maxLength "
            + options.maxLength() + ": its answer alone has " + e.answerIds().length
            + " ids and its BOS " + e.pinnedPrefix());
      }
      prompts[i] = cutFromLeft(e.promptIds(), e.pinnedPrefix(), promptCut);
      answers[i] = Arrays.copyOf(e.answerIds(), e.answerIds().length - answerCut);
      cut[i] = answerCut;
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

    int totalCut = Arrays.stream(cut).sum();
    if (totalCut > 0) {
      LOG.log(Level.WARNING, "cut {0} answer tokens from {1} of {2} examples to fit maxLength {3}",
          totalCut, Arrays.stream(cut).filter(c -> c > 0).count(), b, options.maxLength());
    }
    return new TokenBatch(ids, mask, labels, promptLengths, answerLengths, cut, options.padding());
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
