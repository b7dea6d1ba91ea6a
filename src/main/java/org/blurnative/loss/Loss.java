package org.blurnative.loss;

import java.util.Set;
import org.bytedeco.pytorch.Tensor;

/**
 * A forget or retain objective, to be minimised: one scalar per micro-batch whose sum over the
 * micro-batches of a batch is the batch's loss (see {@link LossScale}).
 */
public interface Loss {

  /** What the trainer must compute before calling {@link #value}. */
  enum Need {
    LOGITS,
    HIDDEN,
    REFERENCE_LOGITS,
    REFERENCE_HIDDEN,
    /** The trained model's logits on the same prompts with their alternate answers ({@link LossInputs#alternate()}). */
    ALTERNATE_LOGITS,
    /** The frozen model's logits on the alternate answers. */
    REFERENCE_ALTERNATE_LOGITS
  }

  String name();

  Set<Need> needs();

  /** The layer whose activations {@link Need#HIDDEN} refers to; −1 when none. */
  default int hiddenLayer() {
    return -1;
  }

  /** The micro-batch's share of the batch loss, a 0-dim tensor attached to the graph. */
  Tensor value(LossInputs in);
}
