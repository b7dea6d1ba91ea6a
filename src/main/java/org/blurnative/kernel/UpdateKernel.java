package org.blurnative.kernel;

import org.bytedeco.pytorch.Tensor;

/**
 * How bytes move in one BLUR step: the two kernels every update rule shares (DESIGN.md §1).
 *
 * <p>Every tensor is flat and contiguous; gradients are float32 or bfloat16, θ, u and the
 * optimizer state float32. Backends ({@link Backend}) differ in how, never in what, they compute.
 */
public interface UpdateKernel {

  /** The backend's name as users type it. */
  String name();

  /** (d, F, R) and the non-finite flag over g_f and g_r, read once. */
  GradientSums reduce(Tensor gradForget, Tensor gradRetain);

  /** u ← c_f·g_f + c_r·g_r, for callers that bring their own optimizer. */
  void combine(Tensor gradForget, Tensor gradRetain, double cf, double cr, Tensor u);

  /** A fused optimizer over θ; its state is created here, zeroed. */
  FlatOptimizer optimizer(Tensor theta, OptimizerSettings settings);

  /**
   * As {@link #optimizer(Tensor, OptimizerSettings)} for bf16 mixed precision, where θ is the
   * float32 master and the model computes with {@code workingCopy}, a bfloat16 tensor of θ's length
   * on θ's device in memory of its own: after every step the copy holds the round-to-nearest-even
   * of the new θ. Before the first step it is the caller's to fill ({@code θ.to(bfloat16)}).
   *
   * <p>This default steps, then rounds θ into the copy in a second pass over θ; the native
   * backends write both in the same pass (blur_apply_*_bf16copy). The bits are the same.
   */
  default FlatOptimizer optimizer(Tensor theta, OptimizerSettings settings, Tensor workingCopy) {
    WorkingCopyAfterStep.check(theta, workingCopy);
    return new WorkingCopyAfterStep(optimizer(theta, settings), theta, workingCopy);
  }
}
