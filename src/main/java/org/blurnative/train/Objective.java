package org.blurnative.train;

import java.util.List;
import org.blurnative.data.TokenizedExample;
import org.blurnative.loss.Loss;

/** One side of the bi-level problem: a loss and the examples it is computed on. */
public record Objective(String role, Loss loss, List<TokenizedExample> examples) {
  public Objective {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("the " + role + " set is empty");
    }
  }

  /** Whether its loss compares the model with the frozen reference model (NPO, KL, RMU). */
  public boolean needsReference() {
    return LossEvaluator.needsReference(loss);
  }
}
