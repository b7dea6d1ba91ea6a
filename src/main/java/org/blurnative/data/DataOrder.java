package org.blurnative.data;

/**
 * The order in which a data set's examples are visited, epoch after epoch: a fresh permutation per
 * epoch drawn from (seed, epoch) alone, so that a run resumed from {@link #state()} continues with
 * exactly the indices it would have seen. The generator is SplitMix64, written out here, so the
 * order does not depend on the JDK's Random implementations.
 */
public final class DataOrder {

  /**
   * All that is needed to continue: save it with a checkpoint (it is a plain record that Jackson
   * writes as JSON) and {@link #restore} it.
   *
   * @param position how many indices of the current epoch have been handed out
   */
  public record State(int size, boolean shuffled, long seed, int epoch, int position) {}

  private final int size;
  private final boolean shuffled;
  private final long seed;
  private int epoch;
  private int position;
  private int[] order;

  private DataOrder(State s) {
    if (s.size() < 1) {
      throw new IllegalArgumentException("cannot order a data set of " + s.size() + " examples");
    }
    if (s.epoch() < 0 || s.position() < 0 || s.position() > s.size()) {
      throw new IllegalArgumentException("epoch " + s.epoch() + " position " + s.position()
          + " is not a place in a data set of " + s.size());
    }
    this.size = s.size();
    this.shuffled = s.shuffled();
    this.seed = s.seed();
    this.epoch = s.epoch();
    this.position = s.position();
    this.order = permutation(epoch);
  }

  /** A new random order per epoch. */
  public static DataOrder shuffled(int size, long seed) {
    return new DataOrder(new State(size, true, seed, 0, 0));
  }

  /** 0, 1, …, size-1 every epoch: for evaluation. */
  public static DataOrder sequential(int size) {
    return new DataOrder(new State(size, false, 0, 0, 0));
  }

  public static DataOrder restore(State state) {
    return new DataOrder(state);
  }

  public State state() {
    return new State(size, shuffled, seed, epoch, position);
  }

  public int epoch() {
    return epoch;
  }

  public int position() {
    return position;
  }

  /** Batches per epoch when the last batch of an epoch may be short ({@link #next}). */
  public int batchesPerEpoch(int batchSize) {
    return (size + batchSize - 1) / batchSize;
  }

  /**
   * The next up-to-{@code batchSize} indices of the current epoch; the last batch of an epoch is
   * short when the size is not a multiple, as with a PyTorch DataLoader without drop_last. The
   * call after it starts the next epoch.
   */
  public int[] next(int batchSize) {
    requirePositive(batchSize);
    if (position == size) {
      startNextEpoch();
    }
    int n = Math.min(batchSize, size - position);
    int[] out = new int[n];
    System.arraycopy(order, position, out, 0, n);
    position += n;
    return out;
  }

  /**
   * Exactly {@code batchSize} indices, continuing into the next epoch's permutation when this one
   * runs out: for a set that is sampled alongside another (the retain set next to the forget set).
   */
  public int[] nextFull(int batchSize) {
    requirePositive(batchSize);
    int[] out = new int[batchSize];
    int filled = 0;
    while (filled < batchSize) {
      if (position == size) {
        startNextEpoch();
      }
      int n = Math.min(batchSize - filled, size - position);
      System.arraycopy(order, position, out, filled, n);
      position += n;
      filled += n;
    }
    return out;
  }

  private static void requirePositive(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
  }

  private void startNextEpoch() {
    epoch++;
    position = 0;
    order = permutation(epoch);
  }

  /** Fisher–Yates with SplitMix64 seeded from (seed, epoch). */
  private int[] permutation(int e) {
    int[] p = new int[size];
    for (int i = 0; i < size; i++) {
      p[i] = i;
    }
    if (!shuffled) {
      return p;
    }
    long[] state = {mix(seed) ^ mix(e + 0x632BE59BD9B4E019L)};
    for (int i = size - 1; i > 0; i--) {
      int j = below(state, i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  private static long nextLong(long[] state) {
    state[0] += 0x9E3779B97F4A7C15L;
    return mix(state[0]);
  }

  /** Uniform in [0, bound) without modulo bias, by rejection. */
  private static int below(long[] state, int bound) {
    long limit = Long.MAX_VALUE - Long.MAX_VALUE % bound; // multiples of bound below 2^63
    long r;
    do {
      r = nextLong(state) >>> 1;
    } while (r >= limit);
    return (int) (r % bound);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
