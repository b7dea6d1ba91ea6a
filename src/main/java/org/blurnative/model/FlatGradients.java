package org.blurnative.model;

import org.bytedeco.pytorch.Tensor;

/**
 * Gradients accumulated in place into one flat buffer: each trainable parameter's .grad is a view
 * of its slice (LIBTORCH_NOTES, "Gradients as views"), so backward writes g_f or g_r directly
 * where the fused kernels read them. Re-pointing switches between G_f and G_r without copying.
 *
 * <p>Never call Module.zero_grad or Optimizer.zero_grad: they set the grads to none and drop the
 * views. Zero the flat buffer instead.
 */
public final class FlatGradients {
  private final ParameterLayout layout;
  private Tensor current;

  public FlatGradients(ParameterLayout layout) {
    this.layout = layout;
  }

  /** Over the model's trainable parameters. */
  public static FlatGradients of(LlamaModel model) {
    return new FlatGradients(ParameterLayout.trainable(model));
  }

  public ParameterLayout layout() {
    return layout;
  }

  /** A zeroed buffer in the parameters' dtype and device (float32 for a float32 model). */
  public Tensor allocate() {
    return layout.allocate(layout.dtype());
  }

  /**
   * A zeroed buffer of {@code capacity} elements, padded past the parameters' for collectives that
   * cut it into equal shards; {@link #pointAt} takes its first {@code layout().numel()}.
   */
  public Tensor allocate(long capacity) {
    return layout.allocate(layout.dtype(), capacity);
  }

  /** Makes every parameter's .grad the view of its slice of {@code flat}; backward adds there. */
  public void pointAt(Tensor flat) {
    layout.requireFlat("the gradient buffer", flat, layout.dtype());
    for (ParameterLayout.Slice s : layout.slices()) {
      Tensor p = layout.parameters().get(s.name());
      p.mutable_grad().put(layout.view(flat, s));  // put copies the handle
    }
    current = flat;
  }

  /** The buffer the grads point at now; null before the first {@link #pointAt}. */
  public Tensor current() {
    return current;
  }
}
