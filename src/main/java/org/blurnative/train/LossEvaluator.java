package org.blurnative.train;

import java.util.List;
import java.util.Set;
import org.blurnative.data.AlignedBatch;
import org.blurnative.data.Batch;
import org.blurnative.loss.Loss;
import org.blurnative.loss.Loss.Need;
import org.blurnative.loss.LossInputs;
import org.blurnative.loss.LossScale;
import org.blurnative.model.Activations;
import org.blurnative.model.ForwardPass;
import org.blurnative.model.LlamaModel;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * Forward and backward of one loss over the micro-batches of a batch: gradients accumulate in
 * place into whatever flat buffer the parameters' .grad point at (DESIGN.md §2, steps 2–3).
 *
 * <p>Rank k of W takes micro-batches k, k+W, … of each batch (DESIGN.md §8); losses still divide
 * by the whole batch's totals, so the ranks' gradients and losses add up to the one-process ones.
 *
 * <p>{@link Activations} says how backward gets the trained model's activations: stored, or
 * recomputed layer by layer (--gradient-checkpointing); the frozen reference model keeps none.
 */
final class LossEvaluator {
  private final LlamaModel model;
  private final LlamaModel reference;  // frozen θ₀; null when no loss needs it
  private final int rank;
  private final int worldSize;
  private final Activations activations;
  private final Accumulation accumulation;

  LossEvaluator(LlamaModel model, LlamaModel reference, int rank, int worldSize, Activations activations,
      Accumulation accumulation) {
    this.model = model;
    this.reference = reference;
    this.rank = rank;
    this.worldSize = worldSize;
    this.activations = activations;
    this.accumulation = accumulation;
  }

  /**
   * Accumulates this rank's part of ∇loss(batch) into the current gradient buffer; returns its
   * part of the batch's loss.
   */
  double accumulate(Loss loss, AlignedBatch batch, int microBatches) {
    List<AlignedBatch> all = batch.microBatches(microBatches);
    LossScale whole = Accumulation.totals(batch.batch(), 1);
    double total = 0;
    for (int i = rank; i < all.size(); i += worldSize) {
      AlignedBatch micro = all.get(i);
      boolean backward = accumulation.backward(i, all.size());
      // without a graph there is nothing to recompute: the plain forward
      try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = backward ? null : new NoGradGuard();
          Forward forward = new Forward(micro, backward ? activations : Activations.STORED)) {
        Tensor value = loss.value(forward.inputs(loss, accumulation.scale(whole, micro.batch(), all.size())));
        // a loss that reaches no trained parameter (RMU's layer below every --trainable one) has
        // the zero gradient, which the buffer already holds; LibTorch refuses a graph-less backward
        if (backward && value.requires_grad()) {
          forward.backward(value);
        }
        total += value.item_double();
      }
    }
    return total;
  }

  /** This rank's part of the batch's loss, without gradients, over the micro-batches {@link #accumulate} takes. */
  double evaluate(Loss loss, AlignedBatch batch, int microBatches) {
    List<AlignedBatch> all = batch.microBatches(microBatches);
    LossScale whole = Accumulation.totals(batch.batch(), 1);
    double total = 0;
    try (NoGradGuard noGrad = new NoGradGuard()) {
      for (int i = rank; i < all.size(); i += worldSize) {
        AlignedBatch micro = all.get(i);
        try (PointerScope scope = new PointerScope(); Forward forward = new Forward(micro, Activations.STORED)) {
          total += loss.value(forward.inputs(loss, accumulation.scale(whole, micro.batch(), all.size()))).item_double();
        }
      }
    }
    return total;
  }

  /**
   * A micro-batch on the model's device with the trained model's passes over its answers and, for
   * the preference losses, over their alternate answers: both recomputed under
   * --gradient-checkpointing, and one backward through both.
   */
  private final class Forward implements AutoCloseable {
    private final Batch answers;
    private final ForwardPass pass;
    private final Batch alternates;  // null when the objective has none
    private final ForwardPass alternatePass;

    Forward(AlignedBatch micro, Activations activations) {
      answers = Batch.of(micro.batch(), model.device());
      pass = activations.forward(model, answers.inputIds(), answers.attentionMask());
      alternates = micro.alternate() == null ? null : Batch.of(micro.alternate(), model.device());
      alternatePass = alternates == null ? null
          : activations.forward(model, alternates.inputIds(), alternates.attentionMask());
    }

    /**
     * What {@code loss} reads: the trained model's outputs from the passes, the reference model's
     * directly (it keeps no graph), on the answers and on the alternate answers, which are scaled
     * by the batch's totals like the answers they pair with.
     */
    LossInputs inputs(Loss loss, LossScale scale) {
      Set<Need> needs = loss.needs();
      Tensor ids = answers.inputIds(), mask = answers.attentionMask();
      Tensor logits = needs.contains(Need.LOGITS) ? pass.logits() : null;
      Tensor hidden = needs.contains(Need.HIDDEN) ? pass.layerOutput(loss.hiddenLayer()) : null;
      Tensor refLogits = needs.contains(Need.REFERENCE_LOGITS) ? reference.forward(ids, mask) : null;
      Tensor refHidden = needs.contains(Need.REFERENCE_HIDDEN)
          ? reference.layerOutput(ids, mask, loss.hiddenLayer()) : null;
      return new LossInputs(logits, answers.labels(), mask, hidden, refLogits, refHidden, scale,
          alternates == null ? null : alternateInputs(needs, scale));
    }

    private LossInputs alternateInputs(Set<Need> needs, LossScale scale) {
      Tensor ids = alternates.inputIds(), mask = alternates.attentionMask();
      Tensor logits = needs.contains(Need.ALTERNATE_LOGITS) ? alternatePass.logits() : null;
      Tensor refLogits = needs.contains(Need.REFERENCE_ALTERNATE_LOGITS) ? reference.forward(ids, mask) : null;
      return new LossInputs(logits, alternates.labels(), mask, null, refLogits, null, scale);
    }

    void backward(Tensor value) {
      if (alternatePass == null) {
        ForwardPass.backward(value, pass);
      } else {
        ForwardPass.backward(value, pass, alternatePass);
      }
    }

    @Override
    public void close() {
      answers.close();
      if (alternates != null) {
        alternates.close();
      }
    }
  }

  static boolean needsReference(Loss loss) {
    Set<Need> needs = loss.needs();
    return needs.contains(Need.REFERENCE_LOGITS) || needs.contains(Need.REFERENCE_HIDDEN)
        || needs.contains(Need.REFERENCE_ALTERNATE_LOGITS);
  }
}
