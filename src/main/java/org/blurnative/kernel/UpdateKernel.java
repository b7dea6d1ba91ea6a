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
}
