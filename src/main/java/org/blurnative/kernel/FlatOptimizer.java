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

  /**
   * Takes {@code length} elements of every state tensor of {@code source}, from its element
   * {@code from}, into this optimizer's state at element {@code to}, and its step count: how a
   * checkpoint saved by one world size's shards becomes the state of another's (DESIGN.md §8).
   * {@code source} must come from the same kernel and settings; θ is the caller's.
   */
  void copyStateFrom(FlatOptimizer source, long from, long to, long length);

  /**
   * {@code source} as {@code target}'s own class, for {@link #copyStateFrom}; refused when another
   * kernel or other settings made it, whose state has other tensors.
   */
  static <T extends FlatOptimizer> T sameKind(FlatOptimizer source, T target) {
    if (source.getClass() != target.getClass()) {
      throw new IllegalArgumentException("cannot take the state of " + source.getClass().getSimpleName()
          + " into " + target.getClass().getSimpleName());
    }
    @SuppressWarnings("unchecked")
    T same = (T) source;
    return same;
  }

  /** Releases the optimizer's state; θ stays the caller's. */
  @Override
  void close();
}
