package org.blurnative.train;

import org.blurnative.data.DataOrder;

/**
 * Everything besides θ and the optimizer that a resumed run needs to continue bit for bit. The
 * trainer draws no random numbers besides the data orders', so their states are its RNG state.
 *
 * @param step optimizer steps completed
 * @param forgetOrder where the forget (or training) set's shuffled order stands
 * @param retainOrder the retain set's; null for a single-objective run
 * @param consecutiveSkips non-finite steps in a row just before this point
 * @param learningRateScale the adaptive learning rate's factor on the schedule (1 without it;
 *     also when a checkpoint predates it)
 */
public record TrainerState(long step, DataOrder.State forgetOrder, DataOrder.State retainOrder,
    int consecutiveSkips, Double learningRateScale) {

  public TrainerState {
    learningRateScale = learningRateScale == null ? 1.0 : learningRateScale;
  }
}
