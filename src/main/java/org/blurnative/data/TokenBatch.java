package org.blurnative.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A padded batch as plain int arrays, row-major [B][T]; {@link Batch#of} turns it into tensors.
 *
 * <p>Labels follow Hugging Face: {@code labels[b][t] = inputIds[b][t]} on answer positions and
 * {@link #IGNORE} (-100) on prompt and padding; they are not shifted, so the loss compares the
 * logits at t-1 with the label at t.
 *
 * <p>The arrays are not copied and a record compares them by reference: treat them as read-only.
 *
 * @param promptLengths prompt ids kept in each row, after truncation
 * @param answerLengths answer ids kept in each row, after truncation
 * @param answerIdsCut answer ids dropped from each row because the answer alone was too long
 * @param padding which side the padding is on
 */
public record TokenBatch(
    int[][] inputIds,
    int[][] attentionMask,
    int[][] labels,
    int[] promptLengths,
    int[] answerLengths,
    int[] answerIdsCut,
    BatchOptions.Padding padding) {

  /** The label of positions without loss, as torch's cross_entropy ignore_index. */
  public static final int IGNORE = -100;

  public int rows() {
    return inputIds.length;
  }

  /** T, the padded length. */
  public int length() {
    return inputIds.length == 0 ? 0 : inputIds[0].length;
  }

  /**
   * The labels a logit predicts, what a token-mean loss divides by: positions t ≥ 1 with a label,
   * as Hugging Face counts {@code labels[..., 1:] != -100}. A label at t = 0 (an answer with no
   * prompt and no BOS before it) has no logit before it and is not counted.
   */
  public int answerTokens() {
    int n = 0;
    for (int[] row : labels) {
      for (int t = 1; t < row.length; t++) {
        n += row[t] != IGNORE ? 1 : 0;
      }
    }
    return n;
  }

  /** Rows whose first label lies at a predicted position (t ≥ 1), so that it is among answerTokens. */
  public int answeredSamples() {
    int n = 0;
    for (int[] row : labels) {
      int t = 0;
      while (t < row.length && row[t] == IGNORE) {
        t++;
      }
      n += t >= 1 && t < row.length ? 1 : 0;
    }
    return n;
  }

  public int answerIdsCutTotal() {
    return Arrays.stream(answerIdsCut).sum();
  }

  /**
   * The rows split into {@code min(k, rows)} consecutive micro-batches whose sizes differ by at
   * most one (larger first), each trimmed to its own longest row. A token-mean loss over the whole
   * batch weights micro-batch i by answerTokens(i) / answerTokens(); a per-sample mean by
   * rows(i) / rows().
   */
  public List<TokenBatch> microBatches(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("the number of micro-batches must be at least 1, got " + k);
    }
    int pieces = Math.min(k, rows());
    List<TokenBatch> out = new ArrayList<>(pieces);
    int start = 0;
    for (int i = 0; i < pieces; i++) {
      int size = rows() / pieces + (i < rows() % pieces ? 1 : 0);
      out.add(slice(start, start + size));
      start += size;
    }
    return out;
  }

  private TokenBatch slice(int from, int to) {
    int width = 0;
    for (int r = from; r < to; r++) {
      width = Math.max(width, promptLengths[r] + answerLengths[r]);
    }
    int skip = padding == BatchOptions.Padding.LEFT ? length() - width : 0;
    int rows = to - from;
    int[][] ids = new int[rows][];
    int[][] mask = new int[rows][];
    int[][] lab = new int[rows][];
    for (int r = 0; r < rows; r++) {
      ids[r] = Arrays.copyOfRange(inputIds[from + r], skip, skip + width);
      mask[r] = Arrays.copyOfRange(attentionMask[from + r], skip, skip + width);
      lab[r] = Arrays.copyOfRange(labels[from + r], skip, skip + width);
    }
    return new TokenBatch(ids, mask, lab,
        Arrays.copyOfRange(promptLengths, from, to),
        Arrays.copyOfRange(answerLengths, from, to),
        Arrays.copyOfRange(answerIdsCut, from, to),
        padding);
  }
}
