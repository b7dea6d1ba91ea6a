package org.blurnative.bench;

import static org.bytedeco.pytorch.global.torch.randn;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The inputs every contender of one n shares: flat float32 g_f and g_r, and the starting θ that
 * each contender clones (its AdamW writes θ, so they must not share one).
 *
 * @param gradForget g_f, n random normal floats
 * @param gradRetain g_r, n random normal floats
 * @param theta0 θ before the first step, small like trained weights
 */
record Workload(long n, BenchDevice device, Tensor gradForget, Tensor gradRetain, Tensor theta0)
    implements AutoCloseable {

  /** A seeded draw: every run of the bench times the same numbers. */
  static Workload create(long n, BenchDevice device) {
    torch.manual_seed(20250101L + n);
    Tensor gf = device.moveHere(randn(n));
    Tensor gr = device.moveHere(randn(n));
    Tensor theta = randn(n);
    theta.mul_(new Scalar(0.02));
    theta = device.moveHere(theta);
    return new Workload(n, device, gf, gr, theta);
  }

  @Override
  public void close() {
    gradForget.close();
    gradRetain.close();
    theta0.close();
  }
}
