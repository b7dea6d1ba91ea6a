package org.blurnative.train;

import java.util.ArrayList;
import java.util.List;
import org.blurnative.data.AlignedBatch;
import org.blurnative.data.Collator;
import org.blurnative.data.TokenizedExample;
import org.blurnative.loss.Loss;
import org.blurnative.loss.Loss.Need;

/**
 * One side of the bi-level problem: a loss and the examples it is computed on, with, for the
 * preference losses (DPO), an alternate answer to each example's question at the same index.
 */
public record Objective(String role, Loss loss, List<TokenizedExample> examples, List<TokenizedExample> alternates) {
  public Objective {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("the " + role + " set is empty");
    }
    alternates = List.copyOf(alternates);
    boolean compares = loss.needs().contains(Need.ALTERNATE_LOGITS);
    if (compares != !alternates.isEmpty()) {
      throw new IllegalArgumentException("the " + role + " loss " + loss.name()
          + (compares ? " needs an alternate answer to every example" : " takes no alternate answers"));
    }
    if (compares && alternates.size() != examples.size()) {
      throw new IllegalArgumentException("the " + role + " set has " + examples.size() + " examples but "
          + alternates.size() + " alternate answers");
    }
  }

  /** An objective without alternate answers. */
  public Objective(String role, Loss loss, List<TokenizedExample> examples) {
    this(role, loss, examples, List.of());
  }

  /** Whether its loss compares the model with the frozen reference model (NPO, KL, RMU, DPO). */
  public boolean needsReference() {
    return LossEvaluator.needsReference(loss);
  }

  /**
   * Forward passes whose graphs a micro-batch keeps until its backward (the memory plan's
   * activations): 2 when the loss compares each answer with its alternate, else 1.
   */
  public int graphs() {
    return alternates.isEmpty() ? 1 : 2;
  }

  /** The examples at {@code indices}, collated, beside their alternate answers when it has them. */
  AlignedBatch batch(Collator collator, int[] indices) {
    return new AlignedBatch(collator.collate(pick(examples, indices)),
        alternates.isEmpty() ? null : collator.collate(pick(alternates, indices)));
  }

  private static List<TokenizedExample> pick(List<TokenizedExample> from, int[] indices) {
    List<TokenizedExample> out = new ArrayList<>(indices.length);
    for (int i : indices) {
      out.add(from.get(i));
    }
    return out;
  }
}
