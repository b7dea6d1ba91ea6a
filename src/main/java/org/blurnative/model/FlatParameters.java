package org.blurnative.model;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * θ as one flat float32 vector that the fused optimizer kernels update in place.
 *
 * <p>float32 model: every trainable parameter becomes a view of its slice of θ (its storage is
 * swapped with {@code set_data}, so it stays an autograd leaf and the module keeps the same
 * tensor); a kernel writing θ changes the model, with no copy. bfloat16/float16 model: θ is a
 * float32 master copy, the parameters become views of one flat buffer of their own dtype, and
 * {@link #publish} rounds θ into it after each step.
 *
 * <p>Writes into θ bypass autograd's version counters: update θ only between a backward and the
 * next forward, as an optimizer step does.
 */
public final class FlatParameters {
  private final ParameterLayout layout;
  private final Tensor padded;       // (capacity) float32: θ and the zeros past it
  private final Tensor theta;        // (n) float32, the start of padded
  private final Tensor modelFlat;    // (n) in the model dtype: the parameters' storage
  private final boolean aliased;

  private FlatParameters(ParameterLayout layout, long capacity) {
    this.layout = layout;
    this.aliased = layout.dtype() == Dtype.FLOAT32;
    this.padded = layout.allocate(Dtype.FLOAT32, capacity);
    this.theta = Lifetime.keep(padded.narrow(0, 0, layout.numel()));
    this.modelFlat = aliased ? theta : layout.allocate(layout.dtype());
    try (NoGradGuard guard = new NoGradGuard()) {
      for (ParameterLayout.Slice s : layout.slices()) {
        Tensor p = layout.parameters().get(s.name());
        Tensor slot = layout.view(modelFlat, s);
        slot.copy_(p);
        if (!aliased) {
          layout.view(theta, s).copy_(p);  // exact: bf16 and f16 widen to f32 without rounding
        }
        p.set_data(slot);  // p keeps its identity and autograd meta; its storage is now θ's
      }
    }
  }

  /** Moves the model's trainable parameters into one flat buffer (see the class comment). */
  public static FlatParameters adopt(LlamaModel model) {
    ParameterLayout layout = ParameterLayout.trainable(model);
    return new FlatParameters(layout, layout.numel());
  }

  /**
   * As {@link #adopt(LlamaModel)}, with θ the start of a zero-padded buffer of {@code capacity}
   * elements that collectives cutting it into equal shards take ({@link #padded}).
   */
  public static FlatParameters adopt(LlamaModel model, long capacity) {
    return new FlatParameters(ParameterLayout.trainable(model), capacity);
  }

  public static FlatParameters adopt(ParameterLayout layout) {
    return new FlatParameters(layout, layout.numel());
  }

  public ParameterLayout layout() {
    return layout;
  }

  /** θ (n) float32: the vector the optimizer updates. */
  public Tensor theta() {
    return theta;
  }

  /** θ and the zeros past it ({@link #adopt(LlamaModel, long)}'s capacity): what an all-gather fills. */
  public Tensor padded() {
    return padded;
  }

  /** True when the parameters are views of θ itself (float32 models). */
  public boolean aliased() {
    return aliased;
  }

  /** After an update of θ: copies θ into the parameters when they are not views of it. */
  public void publish() {
    publishExcept(0, 0);
  }

  /**
   * The bfloat16 flat buffer the parameters are views of, for an optimizer that writes it in the
   * same pass as θ (the fused kernels' bf16copy entry points); null unless the model computes in
   * bfloat16.
   */
  public Tensor bf16WorkingCopy() {
    return layout.dtype() == Dtype.BFLOAT16 ? modelFlat : null;
  }

  /**
   * As {@link #publish}, but for θ[offset, offset + length), whose copy the optimizer already
   * wrote (the rest came from other ranks' shards, or nowhere else wrote it).
   */
  public void publishExcept(long offset, long length) {
    if (aliased) {
      return;
    }
    long n = layout.numel();
    try (NoGradGuard guard = new NoGradGuard()) {
      if (offset > 0) {
        modelFlat.narrow(0, 0, offset).copy_(theta.narrow(0, 0, offset));  // rounds to nearest even
      }
      if (offset + length < n) {
        modelFlat.narrow(0, offset + length, n - offset - length).copy_(theta.narrow(0, offset + length, n - offset - length));
      }
    }
  }
}
