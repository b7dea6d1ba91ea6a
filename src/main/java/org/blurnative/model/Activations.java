package org.blurnative.model;

import org.bytedeco.pytorch.Tensor;

/**
 * Where backward finds a trained model's activations: stored by the forward, as autograd keeps
 * them, or recomputed one decoder layer at a time from each layer's input
 * (--gradient-checkpointing), trading one more forward for memory. The two give the same
 * gradients up to float rounding: the model has no dropout or other randomness to replay.
 */
public enum Activations {
  STORED {
    @Override
    public ForwardPass forward(LlamaModel model, Tensor inputIds, Tensor attentionMask) {
      return new StoredForwardPass(model, inputIds, attentionMask);
    }
  },
  RECOMPUTED {
    @Override
    public ForwardPass forward(LlamaModel model, Tensor inputIds, Tensor attentionMask) {
      return new RecomputingForwardPass(model, inputIds, attentionMask);
    }
  };

  /** RECOMPUTED for --gradient-checkpointing, STORED otherwise. */
  public static Activations of(boolean gradientCheckpointing) {
    return gradientCheckpointing ? RECOMPUTED : STORED;
  }

  /**
   * A pass over one micro-batch of the trained (not frozen) {@code model}.
   *
   * @param inputIds (B, T) int64
   * @param attentionMask (B, T), nonzero for real tokens; null when nothing is padded
   */
  public abstract ForwardPass forward(LlamaModel model, Tensor inputIds, Tensor attentionMask);
}
