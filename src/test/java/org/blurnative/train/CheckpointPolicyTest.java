package org.blurnative.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Checkpoints fall due by steps and by time since the last one, on a clock the test moves. */
class CheckpointPolicyTest {
  long now = 1_000;

  @Test
  void dueEveryNStepsAndWheneverTheIntervalHasPassed() {
    CheckpointPolicy policy = new CheckpointPolicy(5, 600, () -> now);
    assertFalse(policy.dueAfter(1));
    assertTrue(policy.dueAfter(5));
    now += 599_999_999_999L;
    assertFalse(policy.dueAfter(6), "a nanosecond short of ten minutes");
    now += 1;
    assertTrue(policy.dueAfter(7));
    assertTrue(policy.dueAfter(8), "still due while the save has not happened (a skipped step defers it)");
    policy.saved();
    assertFalse(policy.dueAfter(9), "the interval counts from the last save");
  }

  @Test
  void zeroTurnsEitherOff() {
    CheckpointPolicy never = new CheckpointPolicy(0, 0, () -> now);
    now += 1_000_000_000_000_000L;
    assertFalse(never.dueAfter(10));
    assertTrue(new CheckpointPolicy(3, 0, () -> now).dueAfter(3));
  }
}
