package org.blurnative.train;

import java.util.Locale;

/**
 * The learning rate of each optimizer step, as transformers' schedulers give it: a linear warm-up
 * from 0 over {@code warmupSteps}, then constant or linear decay to 0 at {@code totalSteps}.
 * Steps count from 0 (the rate of the first update is the rate at step 0).
 */
public record LearningRateSchedule(Kind kind, double peak, long warmupSteps, long totalSteps) {

  public enum Kind {
    CONSTANT,
    LINEAR;

    public static Kind parse(String name) {
      try {
        return valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown schedule '" + name + "' (expected constant or linear)");
      }
    }
  }

  public LearningRateSchedule {
    if (!(peak >= 0) || Double.isInfinite(peak)) {
      throw new IllegalArgumentException("the learning rate must be a finite number >= 0, got " + peak);
    }
    if (warmupSteps < 0 || totalSteps < 1) {
      throw new IllegalArgumentException(
          "warm-up steps must be >= 0 and total steps >= 1, got " + warmupSteps + " and " + totalSteps);
    }
  }

  public double at(long step) {
    if (step < warmupSteps) {
      return peak * step / warmupSteps;
    }
    if (kind == Kind.CONSTANT) {
      return peak;
    }
    return peak * Math.max(0, totalSteps - step) / Math.max(1, totalSteps - warmupSteps);
  }
}
