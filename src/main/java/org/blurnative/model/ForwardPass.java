package org.blurnative.model;

import org.bytedeco.pytorch.Tensor;

/**
 * One forward of a trained model on a micro-batch, for a loss to read, and the backward that takes
 * the loss's gradient into the parameters' .grad (accumulating, so into the flat buffers
 * {@link FlatGradients} points them at). {@link Activations} says which kind a run uses. A loss may
 * read several passes (DPO: the answers' and the alternate answers'); one backward serves them all.
 */
public interface ForwardPass {

  /** Logits (B, T, V) in the model's dtype, attached to the graph. */
  Tensor logits();

  /** The residual stream after decoder layer {@code layer}, as {@link LlamaModel#layerOutput}. */
  Tensor layerOutput(int layer);

  /**
   * Once the loss's own backward has run: carries the gradient it left at this pass's outputs into
   * the trained parameters' .grad (stored activations: autograd already has; recomputed: layer by
   * layer from the top).
   */
  void propagate();

  /** Adds ∂loss/∂θ into the trained parameters' .grad; {@code loss} is a 0-dim tensor of these passes' outputs. */
  static void backward(Tensor loss, ForwardPass... passes) {
    loss.backward();
    for (ForwardPass pass : passes) {
      pass.propagate();
    }
  }
}
