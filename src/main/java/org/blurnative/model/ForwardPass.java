package org.blurnative.model;

import org.bytedeco.pytorch.Tensor;

/**
 * One forward of a trained model on a micro-batch, for a loss to read, and the backward that takes
 * the loss's gradient into the parameters' .grad (accumulating, so into the flat buffers
 * {@link FlatGradients} points them at). {@link Activations} says which kind a run uses.
 */
public interface ForwardPass {

  /** Logits (B, T, V) in the model's dtype, attached to the graph. */
  Tensor logits();

  /** The residual stream after decoder layer {@code layer}, as {@link LlamaModel#layerOutput}. */
  Tensor layerOutput(int layer);

  /** Adds ∂loss/∂θ into the trained parameters' .grad; {@code loss} is a 0-dim tensor of this pass's outputs. */
  void backward(Tensor loss);
}
