package org.blurnative.kernel;

import java.io.IOException;
import java.nio.file.Path;
import org.bytedeco.pytorch.Tensor;

/**
 * The plain path of {@link UpdateKernel#optimizer(Tensor, OptimizerSettings, Tensor)}: the
 * optimizer's step, then θ rounded into the bfloat16 working copy by LibTorch's conversion (round
 * to nearest even, as the fused kernels round) in a second pass over θ.
 */
final class WorkingCopyAfterStep implements FlatOptimizer {
  private final FlatOptimizer optimizer;
  private final Tensor theta;
  private final Tensor workingCopy;

  WorkingCopyAfterStep(FlatOptimizer optimizer, Tensor theta, Tensor workingCopy) {
    this.optimizer = optimizer;
    this.theta = theta;
    this.workingCopy = workingCopy;
  }

  /** What every backend asks of the copy: bfloat16, θ's device and length, memory of its own. */
  static void check(Tensor theta, Tensor workingCopy) {
    FlatBuffer t = FlatBuffer.float32("θ", theta, theta.is_cuda());
    FlatBuffer copy = FlatBuffer.bfloat16("the working copy", workingCopy, theta.is_cuda());
    t.sameLengthAs("θ", copy, "the working copy");
    FlatBuffer.requireDisjoint("θ", t, "the working copy", copy);
  }

  @Override
  public void step(Tensor gradForget, Tensor gradRetain, double cf, double cr, double lr) {
    optimizer.step(gradForget, gradRetain, cf, cr, lr);
    workingCopy.copy_(theta);
  }

  @Override
  public long steps() {
    return optimizer.steps();
  }

  @Override
  public void save(Path file) throws IOException {
    optimizer.save(file);
  }

  @Override
  public void load(Path file) {
    optimizer.load(file);
  }

  @Override
  public void copyStateFrom(FlatOptimizer source, long from, long to, long length) {
    FlatOptimizer inner = source instanceof WorkingCopyAfterStep w ? w.optimizer : source;
    optimizer.copyStateFrom(inner, from, to, length);
  }

  /** Releases the optimizer's state; θ and the copy stay the caller's. */
  @Override
  public void close() {
    optimizer.close();
  }
}
