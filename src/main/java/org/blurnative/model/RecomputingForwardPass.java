package org.blurnative.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;

/**
 * Activation recomputation (Chen et al. 2016, "Training Deep Nets with Sublinear Memory Cost"),
 * one checkpoint per decoder layer where transformers puts them (huggingface/transformers,
 * src/transformers/models/llama/modeling_llama.py at 5dd4a63548857797727ae73eeb6a6e886ea02a3e,
 * LlamaModel.forward: each decoder_layer.__call__ through _gradient_checkpointing_func):
 * the forward runs every layer without a graph and keeps only each layer's input; the loss reads
 * leaves detached from those hidden states; backward then walks down from the top, running each
 * layer again from its kept input with a graph and back-propagating the gradient that reached its
 * output, which adds the layer's weight gradients into .grad and yields the gradient at its input.
 * Autograd's own checkpoint function is Python; this is the same computation segment by segment.
 *
 * <p>Memory: the kept hidden states (L + 1 of (B, T, D)), one layer's activations while it is
 * recomputed, and whatever the loss built on the leaves. Each layer runs in a PointerScope of its
 * own, so that its intermediate tensors are freed once it is done; what outlives it is assigned
 * into a handle of the caller's scope.
 */
final class RecomputingForwardPass implements ForwardPass {
  private final LlamaModel model;
  private final LlamaModel.Context context;
  // i: the input of layer i, without a graph; i = L: the last layer's output; as deep as asked for
  private final List<Tensor> hidden = new ArrayList<>();
  private final Map<Integer, Tensor> leaves = new HashMap<>();  // index into hidden → the leaf a loss read
  private final int lowestTrained;  // LlamaModel.lowestTrainedSegment, read once per pass

  RecomputingForwardPass(LlamaModel model, Tensor inputIds, Tensor attentionMask) {
    if (model.frozen()) {
      throw new IllegalArgumentException("a frozen model has no gradients to recompute activations for");
    }
    this.model = model;
    this.lowestTrained = model.lowestTrainedSegment();
    try (NoGradGuard noGrad = new NoGradGuard()) {
      this.context = model.context(inputIds, attentionMask, null, null);
      hidden.add(model.embed(context));
    }
  }

  @Override
  public Tensor logits() {
    return model.head(leaf(model.numLayers()));
  }

  @Override
  public Tensor layerOutput(int layer) {
    if (layer < 0 || layer >= model.numLayers()) {
      throw new IllegalArgumentException("layer must lie in [0, " + model.numLayers() + "), got " + layer);
    }
    return leaf(layer + 1);
  }

  /** A leaf that requires grad, on the hidden state {@code i}: where the loss's backward stops. */
  private Tensor leaf(int i) {
    return leaves.computeIfAbsent(i, k -> {
      Tensor leaf = hiddenState(k).detach();
      leaf.requires_grad_(true);
      return leaf;
    });
  }

  /** Hidden state {@code i}, running the layers below it without a graph as far as needed. */
  private Tensor hiddenState(int i) {
    while (hidden.size() <= i) {
      int layer = hidden.size() - 1;
      Tensor output = new Tensor();  // in the caller's scope; the layer's intermediates are not
      try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
        output.put(model.layer(layer, hidden.get(layer), context, null));
      }
      hidden.add(output);
    }
    return hidden.get(i);
  }

  /**
   * The loss's own backward stopped at the leaves; from the top, the gradient at hidden state i
   * (what the layers above sent down plus what the loss read there directly) goes through the
   * segment below it: layer i − 1 recomputed, or for i = 0 the embedding. Stops where nothing below
   * is trained.
   */
  @Override
  public void propagate() {
    Tensor carried = new Tensor();  // ∂loss/∂hidden[i]; undefined while nothing above i reads the model
    for (int i = hidden.size() - 1; i >= 0; i--) {
      Tensor leaf = leaves.get(i);
      try (PointerScope scope = new PointerScope()) {
        Tensor direct = leaf == null ? null : leaf.grad();
        if (direct != null && direct.defined()) {
          carried.put(carried.defined() ? carried.add(direct) : direct);
        }
      }
      if (!carried.defined()) {
        continue;
      }
      if (i < lowestTrained) {
        break;
      }
      try (PointerScope scope = new PointerScope()) {
        if (i == 0) {
          model.embed(context).backward(carried, new BoolOptional(), false, new TensorArrayRefOptional());
        } else {
          Tensor input = hidden.get(i - 1).detach();
          input.requires_grad_(true);
          Tensor output = model.layer(i - 1, input, context, null);
          output.backward(carried, new BoolOptional(), false, new TensorArrayRefOptional());
          carried.put(input.grad());
        }
      }
    }
  }
}
