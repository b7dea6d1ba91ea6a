package org.blurnative.data;

import org.bytedeco.pytorch.AbstractTensor;
import org.bytedeco.pytorch.Tensor;

/**
 * A {@link TokenBatch} as CPU int64 tensors of shape [B, T], the edge where data meets LibTorch.
 * Create it inside the step's PointerScope, or close it, so that its memory goes with the step.
 *
 * @param inputIds token ids, padding holds the tokenizer's pad id
 * @param attentionMask 1 on tokens, 0 on padding
 * @param labels the answer ids where there is loss, -100 elsewhere; unshifted (see TokenBatch)
 */
public record Batch(Tensor inputIds, Tensor attentionMask, Tensor labels) implements AutoCloseable {

  public static Batch of(TokenBatch batch) {
    return new Batch(
        longTensor(batch.inputIds()), longTensor(batch.attentionMask()), longTensor(batch.labels()));
  }

  /** Copies a [B][T] int array into a new int64 tensor that owns its memory. */
  static Tensor longTensor(int[][] rows) {
    int b = rows.length;
    int t = b == 0 ? 0 : rows[0].length;
    long[] flat = new long[b * t];
    for (int r = 0; r < b; r++) {
      for (int c = 0; c < t; c++) {
        flat[r * t + c] = rows[r][c];
      }
    }
    return AbstractTensor.create(flat, b, t);
  }

  @Override
  public void close() {
    inputIds.close();
    attentionMask.close();
    labels.close();
  }
}
