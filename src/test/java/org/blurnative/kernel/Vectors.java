package org.blurnative.kernel;

import static org.bytedeco.pytorch.global.torch.ScalarType;

import org.blurnative.model.HostArrays;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/** Fresh random flat tensors for the kernel tests; the seed goes into every failure message. */
final class Vectors {
  final long seed = System.nanoTime();

  Vectors() {
    torch.manual_seed(seed);
  }

  /** n standard-normal values, rounded to dtype (float32 or bfloat16). */
  Tensor normal(long n, ScalarType dtype) {
    Tensor t = torch.randn(new long[] {n}, new TensorOptions(ScalarType.Float));
    return dtype == ScalarType.Float ? t : t.to(dtype);
  }

  static Tensor zeros(long n) {
    return torch.zeros(new long[] {n}, new TensorOptions(ScalarType.Float));
  }

  /** The tensor's values as float64 (exact for float32 and bfloat16). */
  static double[] values(Tensor t) {
    return HostArrays.toDoubles(t);
  }

  /** max_i |a_i − b_i| / max_i |b_i|: an error measured against the vector's own scale. */
  static double relativeMaxError(double[] a, double[] b) {
    return relativeMaxError(a, b, 0);
  }

  /**
   * max_i |a_i − b_i| / max(max_i |b_i|, floor). θ after optimizer steps takes as floor the size
   * of what formed it, max|θ0| plus each step's {@link #largestMove}: where the steps cancel θ0
   * (likely at n = 1), θ's own size is far below the rounding of the steps, and measuring
   * against it fails correct kernels.
   */
  static double relativeMaxError(double[] a, double[] b, double floor) {
    double diff = 0, scale = floor;
    for (int i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(b[i]));
    }
    return scale == 0 ? diff : diff / scale;
  }

  /** max|t|, 0 when t is empty. */
  static double maxAbs(Tensor t) {
    return t.numel() == 0 ? 0 : t.abs().max().item_double();
  }

  /**
   * At most how far one step moves an element, over lr: |c_f|·max|g_f| + |c_r|·max|g_r| for SGD;
   * 1 for AdamW, whose normalised step m̂/(√v̂ + eps) is of order one.
   */
  static double largestMove(OptimizerSettings settings, Tensor gf, Tensor gr, double cf, double cr) {
    return settings instanceof OptimizerSettings.Sgd
        ? Math.abs(cf) * maxAbs(gf) + Math.abs(cr) * maxAbs(gr)
        : 1;
  }

  String context(long n, ScalarType dtype) {
    return "n=" + n + " dtype=" + dtype + " seed=" + seed;
  }
}
