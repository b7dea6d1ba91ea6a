package org.blurnative.train;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where one optimizer step's time went, in seconds (metrics.jsonl's "phase_seconds"): so that a
 * run says what share of a step is the model (forward and backward of each objective), the ranks
 * talking, and the fused update, which is this project's part.
 *
 * @param forget forward and backward of the forget objective over this rank's micro-batches
 * @param retain the same for the retain objective (null: none)
 * @param exchange summing gradients, (d, F, R) and the losses over the ranks (0 for one process)
 * @param reduce the fused reduce over this rank's shard
 * @param update the rule, the fused apply, gathering θ and publishing it to the model (null when the step was skipped)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepTimes(double forget, Double retain, double exchange, double reduce, Double update) {

  /** A clock that hands out the time since its last reading. */
  static final class Lap {
    private long last = System.nanoTime();

    double seconds() {
      long now = System.nanoTime();
      double s = (now - last) / 1e9;
      last = now;
      return s;
    }
  }
}
