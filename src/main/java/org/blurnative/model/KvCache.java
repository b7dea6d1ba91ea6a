package org.blurnative.model;

import static org.bytedeco.pytorch.global.torch.ScalarType;
import static org.bytedeco.pytorch.global.torch.empty;
import static org.bytedeco.pytorch.global.torch.zeros;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;

/**
 * Keys and values of every layer for a batch being generated, preallocated to the longest sequence
 * so that a step writes in place instead of concatenating: key[l] (B, kv_heads, capacity, head_dim).
 * Positions [0, length) are filled; {@link #keyMask} says which of them are real tokens.
 */
public final class KvCache implements AutoCloseable {
  private final Tensor[] keys;
  private final Tensor[] values;
  private final Tensor keyMask;  // (B, capacity) bool
  private final long batch;
  private final long capacity;
  private long length;

  KvCache(ModelConfig c, long batch, long capacity, ScalarType dtype, Device device) {
    this.batch = batch;
    this.capacity = capacity;
    TensorOptions options = new TensorOptions(dtype).device(new DeviceOptional(device));
    long[] shape = {batch, c.numKeyValueHeads(), capacity, c.headDim()};
    keys = new Tensor[c.numHiddenLayers()];
    values = new Tensor[c.numHiddenLayers()];
    for (int l = 0; l < keys.length; l++) {
      keys[l] = Lifetime.keep(empty(shape, options, new MemoryFormatOptional()));
      values[l] = Lifetime.keep(empty(shape, options, new MemoryFormatOptional()));
    }
    keyMask = Lifetime.keep(zeros(new long[] {batch, capacity},
        new TensorOptions(ScalarType.Bool).device(new DeviceOptional(device))));
  }

  public long length() {
    return length;
  }

  public long capacity() {
    return capacity;
  }

  long batch() {
    return batch;
  }

  /** Records the mask (B, T) of T new tokens; returns the mask of all keys so far (B, length+T). */
  Tensor appendMask(Tensor newMask) {
    long t = newMask.size(1);
    if (length + t > capacity) {
      throw new IllegalStateException("KV cache full: " + length + " + " + t + " > " + capacity);
    }
    keyMask.narrow(1, length, t).copy_(newMask);
    return keyMask.narrow(1, 0, length + t);
  }

  /** Stores layer l's new keys and values (B, kv, T, hd); returns all of them (B, kv, length+T, hd). */
  Tensor[] append(int layer, Tensor k, Tensor v) {
    long t = k.size(2);
    keys[layer].narrow(2, length, t).copy_(k);
    values[layer].narrow(2, length, t).copy_(v);
    return new Tensor[] {keys[layer].narrow(2, 0, length + t), values[layer].narrow(2, 0, length + t)};
  }

  /** Ends a forward pass over T new tokens. */
  void advance(long t) {
    length += t;
  }

  @Override
  public void close() {
    for (int l = 0; l < keys.length; l++) {
      keys[l].close();
      values[l].close();
    }
    keyMask.close();
  }
}
