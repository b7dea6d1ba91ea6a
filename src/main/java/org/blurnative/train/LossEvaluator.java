package org.blurnative.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.blurnative.data.Batch;
import org.blurnative.data.TokenBatch;
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

  LossEvaluator(LlamaModel model, LlamaModel reference, int rank, int worldSize, Activations activations) {
    this.model = model;
    this.reference = reference;
    this.rank = rank;
    this.worldSize = worldSize;
    this.activations = activations;
  }

  /**
   * Accumulates this rank's part of ∇loss(batch) into the current gradient buffer; returns its
   * part of the batch's loss.
   */
  double accumulate(Loss loss, TokenBatch batch, int microBatches) {
    LossScale scale = new LossScale(batch.rows(), batch.answerTokens(), attended(batch), batch.answeredSamples());
    double total = 0;
    for (TokenBatch micro : mine(batch.microBatches(microBatches))) {
      try (PointerScope scope = new PointerScope(); Batch b = Batch.of(micro, model.device())) {
        ForwardPass pass = activations.forward(model, b.inputIds(), b.attentionMask());
        Tensor value = loss.value(inputs(loss, b, scale, pass));
        pass.backward(value);
        total += value.item_double();
      }
    }
    return total;
  }

  /** This rank's part of the batch's loss, without gradients, over the micro-batches {@link #accumulate} takes. */
  double evaluate(Loss loss, TokenBatch batch, int microBatches) {
    LossScale scale = new LossScale(batch.rows(), batch.answerTokens(), attended(batch), batch.answeredSamples());
    double total = 0;
    try (NoGradGuard noGrad = new NoGradGuard()) {
      for (TokenBatch micro : mine(batch.microBatches(microBatches))) {
        try (PointerScope scope = new PointerScope(); Batch b = Batch.of(micro, model.device())) {
          // without a graph there is nothing to recompute: the plain forward
          ForwardPass pass = Activations.STORED.forward(model, b.inputIds(), b.attentionMask());
          total += loss.value(inputs(loss, b, scale, pass)).item_double();
        }
      }
    }
    return total;
  }

  private List<TokenBatch> mine(List<TokenBatch> all) {
    List<TokenBatch> mine = new ArrayList<>();
    for (int i = rank; i < all.size(); i += worldSize) {
      mine.add(all.get(i));
    }
    return mine;
  }

  /** What {@code loss} reads: the trained model's outputs from {@code pass}, the reference model's directly. */
  private LossInputs inputs(Loss loss, Batch b, LossScale scale, ForwardPass pass) {
    Set<Need> needs = loss.needs();
    Tensor ids = b.inputIds(), mask = b.attentionMask();
    Tensor logits = needs.contains(Need.LOGITS) ? pass.logits() : null;
    Tensor hidden = needs.contains(Need.HIDDEN) ? pass.layerOutput(loss.hiddenLayer()) : null;
    Tensor refLogits = needs.contains(Need.REFERENCE_LOGITS) ? reference.forward(ids, mask) : null;
    Tensor refHidden = needs.contains(Need.REFERENCE_HIDDEN)
        ? reference.layerOutput(ids, mask, loss.hiddenLayer()) : null;
    return new LossInputs(logits, b.labels(), mask, hidden, refLogits, refHidden, scale);
  }

  private static long attended(TokenBatch batch) {
    return Arrays.stream(batch.attentionMask()).flatMapToInt(Arrays::stream).sum();
  }

  static boolean needsReference(Loss loss) {
    return loss.needs().contains(Need.REFERENCE_LOGITS) || loss.needs().contains(Need.REFERENCE_HIDDEN);
  }
}
