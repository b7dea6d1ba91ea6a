package org.blurnative.dist;

import org.bytedeco.pytorch.Tensor;

/**
 * A contiguous range [offset, offset + length) of the flat vector (DESIGN.md §8): rank k of W owns
 * [k·S, min((k+1)·S, n)) with S = ceil(n/W) rounded up to a multiple of {@link #ALIGNMENT}
 * elements, so the last shard may be shorter or empty.
 */
public record Shard(long offset, long length) {
  /** Elements a shard's size is a multiple of: cache lines, 16-byte vector loads, NCCL's alignment. */
  public static final long ALIGNMENT = 64;

  public Shard {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("a shard needs offset and length >= 0, got " + offset + ", " + length);
    }
  }

  /** Rank {@code rank}'s shard of a vector of {@code n} elements split over {@code worldSize} ranks. */
  public static Shard of(int rank, int worldSize, long n) {
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException("rank " + rank + " is not one of " + worldSize);
    }
    long size = stride(worldSize, n);
    long from = Math.min(rank * size, n);
    return new Shard(from, Math.min(from + size, n) - from);
  }

  /**
   * S, the elements between one shard's start and the next's: ceil(n/W) rounded up to {@link
   * #ALIGNMENT}. A buffer that collectives cut into equal pieces (reduce-scatter, all-gather) is
   * padded to W·S elements.
   */
  public static long stride(int worldSize, long n) {
    long perRank = (n + worldSize - 1) / worldSize;
    return (perRank + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }

  /** Whether this shard and {@code other} share elements. */
  public boolean overlaps(Shard other) {
    return offset < other.end() && other.offset < end();
  }

  /** One past the last element. */
  public long end() {
    return offset + length;
  }

  /** The shard's elements of {@code flat}, as a view. */
  public Tensor of(Tensor flat) {
    return flat.narrow(0, offset, length);
  }
}
