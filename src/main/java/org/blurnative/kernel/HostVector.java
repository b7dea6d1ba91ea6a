package org.blurnative.kernel;

import static org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.pytorch.Tensor;

/**
 * A flat CPU tensor read and written element by element from Java, for the float64 reference.
 * The tensor's memory is viewed through a direct buffer, never copied.
 */
final class HostVector {
  private final FloatBuffer floats;  // float32 tensors
  private final ShortBuffer halves;  // bfloat16 tensors: the upper 16 bits of a float32
  private final int length;

  private HostVector(FloatBuffer floats, ShortBuffer halves, int length) {
    this.floats = floats;
    this.halves = halves;
    this.length = length;
  }

  static HostVector of(String name, Tensor t) {
    FlatBuffer flat = FlatBuffer.gradient(name, t, false);
    if (flat.length() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "backend java handles at most 2^31-1 elements; " + name + " has " + flat.length());
    }
    int n = (int) flat.length();
    if (n == 0) {
      return new HostVector(FloatBuffer.allocate(0), null, 0);
    }
    if (t.scalar_type().intern() == ScalarType.BFloat16) {
      ShortPointer p = new ShortPointer(t.data_ptr());
      return new HostVector(null, p.capacity(n).limit(n).asBuffer(), n);
    }
    FloatPointer p = new FloatPointer(t.data_ptr());
    return new HostVector(p.capacity(n).limit(n).asBuffer(), null, n);
  }

  int length() {
    return length;
  }

  double get(int i) {
    if (floats != null) {
      return floats.get(i);
    }
    return Float.intBitsToFloat((halves.get(i) & 0xFFFF) << 16);
  }

  void set(int i, double value) {
    if (floats == null) {
      throw new IllegalStateException("only float32 tensors are written");
    }
    floats.put(i, (float) value);
  }
}
