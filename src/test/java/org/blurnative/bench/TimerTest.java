package org.blurnative.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** How many runs are timed; nothing here depends on how long they take. */
class TimerTest {

  /** Counts its runs and takes about no time. */
  private static final class Counting implements Contender {
    int calls;

    @Override
    public void run(Op op) {
      calls++;
    }

    @Override
    public void close() {}
  }

  @Test
  void exactlyRunsTimedAfterWarmupWhenThereIsNoMinimumTime() {
    Counting c = new Counting();
    assertEquals(5, new Timer(2, 5, 0).time(c, Op.REDUCE, BenchDevice.CPU).size());
    assertEquals(7, c.calls);
  }

  @Test
  void fastOpsGetMoreRunsUpToTheCap() {
    Counting c = new Counting();
    int timed = new Timer(0, 5, 1e9).time(c, Op.REDUCE, BenchDevice.CPU).size();
    assertEquals(Timer.MAX_RUNS, timed);
    assertEquals(Timer.MAX_RUNS, c.calls);
  }

  @Test
  void nonsenseSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Timer(0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Timer(-1, 5, 0));
    assertThrows(IllegalArgumentException.class, () -> new Timer(0, 5, Double.NaN));
  }
}
