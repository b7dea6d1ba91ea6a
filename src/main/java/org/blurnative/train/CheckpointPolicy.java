package org.blurnative.train;

import java.util.function.LongSupplier;

/**
 * When a checkpoint is due: every N steps, and whenever the interval has passed since the last
 * one (or since the run started), so that a killed run never loses more than that much work
 * whatever its step time. The end of a run is always checkpointed, by the trainer.
 */
final class CheckpointPolicy {
  private final int everySteps;
  private final long intervalNanos;
  private final LongSupplier clock;
  private long last;

  /**
   * @param everySteps 0: not by steps
   * @param intervalSeconds 0: not by time
   * @param clock nanoseconds, as System::nanoTime
   */
  CheckpointPolicy(int everySteps, long intervalSeconds, LongSupplier clock) {
    this.everySteps = everySteps;
    this.intervalNanos = intervalSeconds * 1_000_000_000L;
    this.clock = clock;
    this.last = clock.getAsLong();
  }

  boolean dueAfter(long step) {
    return (everySteps > 0 && step % everySteps == 0)
        || (intervalNanos > 0 && clock.getAsLong() - last >= intervalNanos);
  }

  void saved() {
    last = clock.getAsLong();
  }
}
