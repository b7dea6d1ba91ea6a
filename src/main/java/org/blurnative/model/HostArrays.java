package org.blurnative.model;

import static org.bytedeco.pytorch.global.torch.ScalarType;
import static org.bytedeco.pytorch.global.torch.from_blob;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;

/** Java arrays to and from CPU tensors (copies; the tensors own their memory). */
public final class HostArrays {
  private HostArrays() {}

  /** An int64 tensor of {@code shape} holding {@code data} (row-major). */
  public static Tensor longs(long[] data, long... shape) {
    requireSize(data.length, shape);
    try (LongPointer p = new LongPointer(data)) {
      return from_blob(p, shape, new TensorOptions(ScalarType.Long)).clone();
    }
  }

  /** A float32 tensor of {@code shape} holding {@code data} (row-major). */
  public static Tensor floats(float[] data, long... shape) {
    requireSize(data.length, shape);
    try (FloatPointer p = new FloatPointer(data)) {
      return from_blob(p, shape, new TensorOptions(ScalarType.Float)).clone();
    }
  }

  /** A float64 tensor of {@code shape} holding {@code data} (row-major). */
  public static Tensor doubles(double[] data, long... shape) {
    requireSize(data.length, shape);
    try (DoublePointer p = new DoublePointer(data)) {
      return from_blob(p, shape, new TensorOptions(ScalarType.Double)).clone();
    }
  }

  /** Every element as int64, row-major, from any device and integer or floating dtype. */
  public static long[] toLongs(Tensor t) {
    try (Tensor host = t.detach().to(new org.bytedeco.pytorch.Device("cpu"), ScalarType.Long)
        .contiguous()) {
      long[] out = new long[Math.toIntExact(host.numel())];
      if (out.length > 0) {
        host.data_ptr_long().get(out);
      }
      return out;
    }
  }

  /** Every element as float32, row-major. */
  public static float[] toFloats(Tensor t) {
    try (Tensor host = t.detach().to(new org.bytedeco.pytorch.Device("cpu"), ScalarType.Float)
        .contiguous()) {
      float[] out = new float[Math.toIntExact(host.numel())];
      if (out.length > 0) {
        host.data_ptr_float().get(out);
      }
      return out;
    }
  }

  /** Every element as float64, row-major. */
  public static double[] toDoubles(Tensor t) {
    try (Tensor host = t.detach().to(new org.bytedeco.pytorch.Device("cpu"), ScalarType.Double)
        .contiguous()) {
      double[] out = new double[Math.toIntExact(host.numel())];
      if (out.length > 0) {
        host.data_ptr_double().get(out);
      }
      return out;
    }
  }

  private static void requireSize(int length, long[] shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    if (n != length) {
      throw new IllegalArgumentException(length + " values cannot fill shape "
          + java.util.Arrays.toString(shape));
    }
  }
}
