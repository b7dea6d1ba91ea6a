package org.blurnative.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.blurnative.train.StepMetrics;
import org.blurnative.train.StepTimes;

/**
 * Where the timed steps of one thread split went, phase by phase (train.StepTimes): each phase's
 * median seconds, and its share of the step, which is its seconds summed over the steps over the
 * steps' seconds summed, so that the shares add up to 100 % with "other" (batching, bookkeeping:
 * the step's time outside the phases). A median of a sum is not the sum of medians, so shares are
 * not formed from the medians.
 *
 * @param steps the steps timed
 * @param skipped of those, steps with non-finite values, which have no update phase and are left out
 */
public record StepPhases(List<Phase> phases, int steps, int skipped) {

  /** One phase: its median seconds over the steps, its share of their time. */
  public record Phase(String name, double medianSeconds, double share) {}

  public static StepPhases of(List<StepMetrics> timed) {
    List<StepMetrics> applied = timed.stream().filter(m -> !m.skipped()).toList();
    List<Phase> phases = new ArrayList<>();
    if (applied.isEmpty()) {
      return new StepPhases(phases, timed.size(), timed.size());
    }
    double total = sum(applied, StepMetrics::seconds);
    boolean retain = applied.get(0).phases().retain() != null;
    phases.add(phase("forget fwd+bwd", applied, m -> m.phases().forget(), total));
    if (retain) {
      phases.add(phase("retain fwd+bwd", applied, m -> m.phases().retain(), total));
    }
    phases.add(phase("exchange", applied, m -> m.phases().exchange(), total));
    phases.add(phase("reduce", applied, m -> m.phases().reduce(), total));
    phases.add(phase("update", applied, m -> m.phases().update(), total));
    phases.add(phase("other", applied, m -> m.seconds() - inPhases(m.phases()), total));
    phases.add(phase("step", applied, StepMetrics::seconds, total));
    return new StepPhases(List.copyOf(phases), timed.size(), timed.size() - applied.size());
  }

  /** The step's median seconds (the "step" row). */
  public double stepMedianSeconds() {
    return phases.get(phases.size() - 1).medianSeconds();
  }

  private static double inPhases(StepTimes t) {
    return t.forget() + (t.retain() == null ? 0 : t.retain()) + t.exchange() + t.reduce() + t.update();
  }

  private static Phase phase(String name, List<StepMetrics> steps, ToDoubleFunction<StepMetrics> seconds,
      double total) {
    return new Phase(name, Median.of(steps.stream().mapToDouble(seconds)), sum(steps, seconds) / total);
  }

  private static double sum(List<StepMetrics> steps, ToDoubleFunction<StepMetrics> seconds) {
    return steps.stream().mapToDouble(seconds).sum();
  }
}
