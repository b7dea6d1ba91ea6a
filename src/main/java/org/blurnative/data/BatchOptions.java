package org.blurnative.data;

/**
 * How examples become a padded batch.
 *
 * @param maxLength the longest row, in tokens; longer examples are truncated (see {@link Collator})
 * @param padding RIGHT for training, LEFT for batched generation (prompts end at the same column)
 * @param answerOverflow what to do when the answer alone does not fit
 */
public record BatchOptions(int maxLength, Padding padding, AnswerOverflow answerOverflow) {

  public enum Padding { RIGHT, LEFT }

  public enum AnswerOverflow {
    /**
     * Keep the first answer ids that fit, drop the rest and count them in
     * {@link TokenBatch#answerIdsCut()}.
     */
    TRUNCATE_AND_COUNT,
    /** Refuse the batch with an error that names the example and its lengths. */
    FAIL
  }

  public BatchOptions {
    if (maxLength < 2) {
      throw new IllegalArgumentException("maxLength must be at least 2 (BOS and one token), got " + maxLength);
    }
  }

  /** Right padding, answers truncated and counted when they alone exceed maxLength. */
  public static BatchOptions training(int maxLength) {
    return new BatchOptions(maxLength, Padding.RIGHT, AnswerOverflow.TRUNCATE_AND_COUNT);
  }

  /** Left padding, for prompts that generation continues. */
  public static BatchOptions generation(int maxLength) {
    return new BatchOptions(maxLength, Padding.LEFT, AnswerOverflow.TRUNCATE_AND_COUNT);
  }
}
