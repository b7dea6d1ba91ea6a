package org.blurnative.dist;

import java.util.HashMap;
import java.util.Map;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Shard-sized buffers that the sharded collectives reuse every step (a reduce-scatter's
 * output, an all-gather's input): allocated once, so that a step does not map and fault in fresh
 * pages of N/W elements, and freed with the collective.
 */
final class ShardBuffers implements AutoCloseable {
  private final Map<Integer, Tensor> bySlot = new HashMap<>();

  /**
   * Slot {@code slot}'s buffer of {@code length} elements of {@code like}'s dtype and device
   * (contents: whatever the last use left).
   */
  Tensor get(int slot, Tensor like, long length) {
    Tensor t = bySlot.get(slot);
    if (t == null || t.numel() != length || t.scalar_type().intern() != like.scalar_type().intern()) {
      if (t != null) {
        t.close();
      }
      t = torch.empty(new long[] {length}, like.options(), new MemoryFormatOptional());
      t.retainReference();  // outlives the PointerScope of the step that first asked for it
      bySlot.put(slot, t);
    }
    return t;
  }

  @Override
  public void close() {
    bySlot.values().forEach(Tensor::close);
    bySlot.clear();
  }
}
