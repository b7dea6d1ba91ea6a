package org.blurnative.model;

import org.bytedeco.pytorch.Tensor;

/** Autograd's own way: each output is a full forward whose graph keeps every activation until backward. */
final class StoredForwardPass implements ForwardPass {
  private final LlamaModel model;
  private final Tensor inputIds;
  private final Tensor attentionMask;

  StoredForwardPass(LlamaModel model, Tensor inputIds, Tensor attentionMask) {
    this.model = model;
    this.inputIds = inputIds;
    this.attentionMask = attentionMask;
  }

  @Override
  public Tensor logits() {
    return model.forward(inputIds, attentionMask);
  }

  @Override
  public Tensor layerOutput(int layer) {
    return model.layerOutput(inputIds, attentionMask, layer);
  }

  /** The loss's backward went through every stored activation to the parameters: nothing is left. */
  @Override
  public void propagate() {}
}
