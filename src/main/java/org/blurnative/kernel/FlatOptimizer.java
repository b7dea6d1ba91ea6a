package org.blurnative.kernel;

import org.bytedeco.pytorch.Tensor;

/**
 * An optimizer bound to one flat float32 parameter buffer θ, stepping along
 * u = c_f·g_f + c_r·g_r without storing u (DESIGN.md §2, step 7).
 */
public interface FlatOptimizer extends AutoCloseable {

  /** One update with learning rate {@code lr}; g_f and g_r are flat and as long as θ. */
  void step(Tensor gradForget, Tensor gradRetain, double cf, double cr, double lr);

  /** Updates taken so far. */
  long steps();

  /** Releases the optimizer's state; θ stays the caller's. */
  @Override
  void close();
}
