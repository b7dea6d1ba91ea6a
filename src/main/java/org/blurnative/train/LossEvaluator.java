package org.blurnative.train;

import java.util.List;
import java.util.Set;
import org.blurnative.data.Batch;
import org.blurnative.data.TokenBatch;
import org.blurnative.loss.Loss;
import org.blurnative.loss.Loss.Need;
import org.blurnative.loss.LossInputs;
import org.blurnative.loss.LossScale;
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
 */
final class LossEvaluator {
  private final LlamaModel model;
  private final LlamaModel reference;  // frozen θ₀; null when no loss needs it
  private final int rank;
  private final int worldSize;
  private final Accumulation accumulation;

  LossEvaluator(LlamaModel model, LlamaModel reference, int rank, int worldSize, Accumulation accumulation) {
    this.model = model;
    this.reference = reference;
    this.rank = rank;
    this.worldSize = worldSize;
    this.accumulation = accumulation;
  }

  /**
   * Accumulates this rank's part of ∇loss(batch) into the current gradient buffer; returns its
   * part of the batch's loss.
   */
  double accumulate(Loss loss, TokenBatch batch, int microBatches) {
    List<TokenBatch> all = batch.microBatches(microBatches);
    double total = 0;
    for (int i = rank; i < all.size(); i += worldSize) {
      boolean backward = accumulation.backward(i, all.size());
      try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = backward ? null : new NoGradGuard();
          Batch b = Batch.of(all.get(i), model.device())) {
        Tensor value = loss.value(inputs(loss, b, accumulation.scale(batch, all.get(i), all.size())));
        // a loss that reaches no trained parameter (RMU's layer below every --trainable one) has
        // the zero gradient, which the buffer already holds; LibTorch refuses a graph-less backward
        if (backward && value.requires_grad()) {
          value.backward();
        }
        total += value.item_double();
      }
    }
    return total;
  }

  /** This rank's part of the batch's loss, without gradients, over the micro-batches {@link #accumulate} takes. */
  double evaluate(Loss loss, TokenBatch batch, int microBatches) {
    List<TokenBatch> all = batch.microBatches(microBatches);
    double total = 0;
    try (NoGradGuard noGrad = new NoGradGuard()) {
      for (int i = rank; i < all.size(); i += worldSize) {
        try (PointerScope scope = new PointerScope(); Batch b = Batch.of(all.get(i), model.device())) {
          total += loss.value(inputs(loss, b, accumulation.scale(batch, all.get(i), all.size()))).item_double();
        }
      }
    }
    return total;
  }

  private LossInputs inputs(Loss loss, Batch b, LossScale scale) {
    Set<Need> needs = loss.needs();
    Tensor ids = b.inputIds(), mask = b.attentionMask();
    Tensor logits = needs.contains(Need.LOGITS) ? model.forward(ids, mask) : null;
    Tensor hidden = needs.contains(Need.HIDDEN) ? model.layerOutput(ids, mask, loss.hiddenLayer()) : null;
    Tensor refLogits = needs.contains(Need.REFERENCE_LOGITS) ? reference.forward(ids, mask) : null;
    Tensor refHidden = needs.contains(Need.REFERENCE_HIDDEN)
        ? reference.layerOutput(ids, mask, loss.hiddenLayer()) : null;
    return new LossInputs(logits, b.labels(), mask, hidden, refLogits, refHidden, scale);
  }

  static boolean needsReference(Loss loss) {
    return loss.needs().contains(Need.REFERENCE_LOGITS) || loss.needs().contains(Need.REFERENCE_HIDDEN);
  }
}
