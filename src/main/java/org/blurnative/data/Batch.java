package org.blurnative.data;

import static org.bytedeco.pytorch.global.torch.ScalarType;

import org.bytedeco.pytorch.AbstractTensor;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;

/**
 * A {@link TokenBatch} as int64 tensors of shape [B, T] on the model's device, the edge where data
 * meets LibTorch.
 * Create it inside the step's PointerScope, or close it, so that its memory goes with the step.
 *
 * @param inputIds token ids, padding holds the tokenizer's pad id
 * @param attentionMask 1 on tokens, 0 on padding
 * @param labels the answer ids where there is loss, -100 elsewhere; unshifted (see TokenBatch)
 */
public record Batch(Tensor inputIds, Tensor attentionMask, Tensor labels) implements AutoCloseable {

  /** On the CPU. */
  public static Batch of(TokenBatch batch) {
    return new Batch(
        longTensor(batch.inputIds()), longTensor(batch.attentionMask()), longTensor(batch.labels()));
  }

  /** On {@code device}: built on the host, then copied over once (labels too: losses index logits with them). */
  public static Batch of(TokenBatch batch, Device device) {
    Batch host = of(batch);
    if (device.is_cpu()) {
      return host;
    }
    try (host) {
      return new Batch(host.inputIds.to(device, ScalarType.Long), host.attentionMask.to(device, ScalarType.Long),
          host.labels.to(device, ScalarType.Long));
    }
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
