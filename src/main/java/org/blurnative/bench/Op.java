package org.blurnative.bench;

/**
 * What one timing measures, and the least memory traffic it needs in bytes: the yardstick that
 * turns a time into GB/s. float32 elements are 4 bytes, bfloat16 ones 2.
 */
public enum Op {
  /** read float32 g_f and g_r once: 2n · 4 */
  REDUCE(2 * 4),
  /** reduce, then AdamW reading θ, g_f, g_r, m, v and writing θ, m, v: (2n + 8n) · 4 */
  STEP(10 * 4),
  /** blur_copy of 5n floats: 5n read + 5n written, the same volume as a float32 step */
  COPY(10 * 4),
  /** bf16 mixed precision: read bfloat16 g_f and g_r once, 2n · 2 */
  REDUCE_BF16(2 * 2),
  /**
   * bf16 mixed precision: the bf16 reduce, then AdamW reading θ, m, v (float32) and g_f, g_r
   * (bfloat16), writing θ, m, v and θ's bfloat16 working copy: 2n·2 + (3n·4 + 2n·2) + (3n·4 + n·2)
   */
  STEP_BF16(4 + 16 + 14),
  /** the same step as STEP_BF16, with the working copy written by a second pass over θ (same least bytes) */
  STEP_BF16_2PASS(4 + 16 + 14);

  static final int FLOAT_BYTES = 4;

  /** The step's copy: floats copied per element of n (read and written once each). */
  static final int COPY_FLOATS_PER_ELEMENT = 5;

  private final int bytesPerElement;

  Op(int bytesPerElement) {
    this.bytesPerElement = bytesPerElement;
  }

  /** Bytes this op must move at least for vectors of n elements. */
  public long bytes(long n) {
    return bytesPerElement * n;
  }

  /** The name in tables and JSON: reduce, step, copy, reduce-bf16, step-bf16, step-bf16-2pass. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
