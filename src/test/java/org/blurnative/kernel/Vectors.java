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
    double diff = 0, scale = 0;
    for (int i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(b[i]));
    }
    return scale == 0 ? diff : diff / scale;
  }

  String context(long n, ScalarType dtype) {
    return "n=" + n + " dtype=" + dtype + " seed=" + seed;
  }
}
