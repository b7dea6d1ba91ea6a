package org.blurnative.bench;

/**
 * What one timing measures, and the least memory traffic it needs in bytes: the yardstick that
 * turns a time into GB/s. Only float32 is benchmarked, so an element is 4 bytes.
 */
public enum Op {
  /** read g_f and g_r once: 2n floats */
  REDUCE(2),
  /** reduce, then AdamW reading θ, g_f, g_r, m, v and writing θ, m, v: 2n + 8n floats */
  STEP(10),
  /** blur_copy of 5n floats: 5n read + 5n written, the same volume as a step */
  COPY(10);

  static final int FLOAT_BYTES = 4;

  /** The step's copy: floats copied per element of n (read and written once each). */
  static final int COPY_FLOATS_PER_ELEMENT = 5;

  private final int floatsMoved;

  Op(int floatsMoved) {
    this.floatsMoved = floatsMoved;
  }

  /** Bytes this op must move at least for vectors of n elements. */
  public long bytes(long n) {
    return floatsMoved * FLOAT_BYTES * n;
  }

  /** The name in tables and JSON. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
