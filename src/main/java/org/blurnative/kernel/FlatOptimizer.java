package org.blurnative.kernel;

import java.io.IOException;
import java.nio.file.Path;
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

  /** Writes the optimizer's state (moments, step count) to {@code file}; θ is the caller's. */
  void save(Path file) throws IOException;

  /** Restores what {@link #save} wrote, for a model of the same size. */
  void load(Path file);

  /** Releases the optimizer's state; θ stays the caller's. */
  @Override
  void close();
}
