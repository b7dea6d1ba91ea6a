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
      try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = backward ? null : new NoGradGuard();
          Batch b = Batch.of(micro.batch(), model.device()); Batch alternate = alternateOf(micro)) {
        // without a graph there is nothing to recompute: the plain forward
        ForwardPass pass = (backward ? activations : Activations.STORED).forward(model, b.inputIds(), b.attentionMask());
        LossScale scale = accumulation.scale(whole, micro.batch(), all.size());
        Tensor value = loss.value(inputs(loss, b, alternate, scale, pass));
        // a loss that reaches no trained parameter (RMU's layer below every --trainable one) has
        // the zero gradient, which the buffer already holds; LibTorch refuses a graph-less backward
        if (backward && value.requires_grad()) {
          pass.backward(value);
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
        try (PointerScope scope = new PointerScope(); Batch b = Batch.of(micro.batch(), model.device());
            Batch alternate = alternateOf(micro)) {
          ForwardPass pass = Activations.STORED.forward(model, b.inputIds(), b.attentionMask());
          LossScale scale = accumulation.scale(whole, micro.batch(), all.size());
          total += loss.value(inputs(loss, b, alternate, scale, pass)).item_double();
        }
      }
    }
    return total;
  }

  /** The micro-batch's alternate answers on the model's device; null when it has none. */
  private Batch alternateOf(AlignedBatch micro) {
    return micro.alternate() == null ? null : Batch.of(micro.alternate(), model.device());
  }

  /**
   * What {@code loss} reads: the trained model's outputs from {@code pass}, the reference model's
   * directly, and both on the alternate answers ({@code alternate} may be null), whose forward keeps
   * its graph (TrainCommand refuses --gradient-checkpointing for the preference losses).
   */
  private LossInputs inputs(Loss loss, Batch b, Batch alternate, LossScale scale, ForwardPass pass) {
    Set<Need> needs = loss.needs();
    Tensor ids = b.inputIds(), mask = b.attentionMask();
    Tensor logits = needs.contains(Need.LOGITS) ? pass.logits() : null;
    Tensor hidden = needs.contains(Need.HIDDEN) ? pass.layerOutput(loss.hiddenLayer()) : null;
    Tensor refLogits = needs.contains(Need.REFERENCE_LOGITS) ? reference.forward(ids, mask) : null;
    Tensor refHidden = needs.contains(Need.REFERENCE_HIDDEN)
        ? reference.layerOutput(ids, mask, loss.hiddenLayer()) : null;
    return new LossInputs(logits, b.labels(), mask, hidden, refLogits, refHidden, scale,
        alternate == null ? null : alternateInputs(needs, alternate, scale));
  }

  /** The alternate answers' logits, scaled by the batch's totals like the answers they pair with. */
  private LossInputs alternateInputs(Set<Need> needs, Batch alternate, LossScale scale) {
    Tensor ids = alternate.inputIds(), mask = alternate.attentionMask();
    Tensor logits = needs.contains(Need.ALTERNATE_LOGITS) ? model.forward(ids, mask) : null;
    Tensor refLogits = needs.contains(Need.REFERENCE_ALTERNATE_LOGITS) ? reference.forward(ids, mask) : null;
    return new LossInputs(logits, alternate.labels(), mask, null, refLogits, null, scale);
  }

  static boolean needsReference(Loss loss) {
    Set<Need> needs = loss.needs();
    return needs.contains(Need.REFERENCE_LOGITS) || needs.contains(Need.REFERENCE_HIDDEN)
        || needs.contains(Need.REFERENCE_ALTERNATE_LOGITS);
  }
}
