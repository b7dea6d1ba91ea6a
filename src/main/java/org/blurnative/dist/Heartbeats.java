package org.blurnative.dist;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.bytedeco.pytorch.Store;

/**
 * Which rank is gone, when a collective fails: every rank bumps a counter in the rendezvous store
 * once a {@link #PERIOD} from a thread of its own (its own store client, since one client must not
 * serve two threads), so a rank killed or stopped leaves a counter that no longer moves. A
 * collective's own error says only that a socket closed or a wait timed out, not whose.
 */
final class Heartbeats implements AutoCloseable {
  static final Duration PERIOD = Duration.ofMillis(500);
  /** How long a read of the counters may take before the store counts as gone. */
  static final Duration ANSWER = PERIOD.multipliedBy(4);
  private static final String KEY = "blur/heartbeat/";

  private final int worldSize;
  private final Thread beating;
  private volatile boolean stopped;

  Heartbeats(Store client, int rank, int worldSize) {
    this.worldSize = worldSize;
    this.beating = new Thread(() -> {
      try {
        while (!stopped) {
          client.add(KEY + rank, 1);
          LockSupport.parkNanos(PERIOD.toNanos());
        }
      } catch (RuntimeException e) {
        // the store is gone (rank 0 died or closed it): the next collective says so
      }
    }, "blur-heartbeat");
    beating.setDaemon(true);
    beating.start();
  }

  /**
   * The ranks other than {@code self} whose counters stood still for four periods, read through
   * {@code store}; rank 0 alone when the store itself does not answer, since it lives there.
   */
  List<Integer> silentRanks(Store store, int self) {
    try {
      long[] before = BoundedCall.within(ANSWER, () -> counters(store));
      LockSupport.parkNanos(4 * PERIOD.toNanos());
      long[] after = BoundedCall.within(ANSWER, () -> counters(store));
      List<Integer> silent = new ArrayList<>();
      for (int r = 0; r < worldSize; r++) {
        if (r != self && after[r] == before[r]) {
          silent.add(r);
        }
      }
      return silent;
    } catch (TimeoutException | RuntimeException e) {
      return self == 0 ? List.of() : List.of(0);
    }
  }

  private long[] counters(Store store) {
    long[] values = new long[worldSize];
    for (int r = 0; r < worldSize; r++) {
      values[r] = store.add(KEY + r, 0);  // adding 0 reads without blocking on a missing key
    }
    return values;
  }

  @Override
  public void close() {
    stopped = true;
    LockSupport.unpark(beating);
    try {
      beating.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
