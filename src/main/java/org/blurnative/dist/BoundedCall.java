package org.blurnative.dist;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A blocking call that is given up on after a limit. c10d's store client waits without end for
 * the answer to a plain request (set, add, get of a present key) when the server's process is
 * stopped but its socket still open, so every such request runs on a daemon thread of its own,
 * which a rank that gives up leaves behind when it exits.
 */
final class BoundedCall {
  private BoundedCall() {}

  /** {@code call}'s result, or a TimeoutException once {@code limit} has passed without one. */
  static <T> T within(Duration limit, Supplier<T> call) throws TimeoutException {
    FutureTask<T> task = new FutureTask<>(call::get);
    Thread thread = new Thread(task, "blur-store-call");
    thread.setDaemon(true);
    thread.start();
    try {
      return task.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TimeoutException("interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
