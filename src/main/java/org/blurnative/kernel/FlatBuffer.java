package org.blurnative.kernel;

import static org.bytedeco.pytorch.global.torch.ScalarType;

import org.blurnative.kernel.jni.BlurNative;
import org.bytedeco.pytorch.Tensor;

/**
 * A flat tensor seen as native memory: the address, length and blur.h dtype code that the kernels
 * take. Creating one checks what the kernels trust, and says in one sentence what is wrong.
 */
record FlatBuffer(long address, long length, int dtype) {

  /** g_f or g_r: float32 or bfloat16. */
  static FlatBuffer gradient(String name, Tensor t, boolean onGpu) {
    ScalarType type = t.scalar_type().intern();  // JavaCPP returns enum copies: intern before ==
    int dtype;
    if (type == ScalarType.Float) {
      dtype = BlurNative.BLUR_F32;
    } else if (type == ScalarType.BFloat16) {
      dtype = BlurNative.BLUR_BF16;
    } else {
      throw new IllegalArgumentException(name + " must be float32 or bfloat16, got " + type);
    }
    return of(name, t, dtype, onGpu);
  }

  /** θ, u or optimizer state: float32 only. */
  static FlatBuffer float32(String name, Tensor t, boolean onGpu) {
    if (t.scalar_type().intern() != ScalarType.Float) {
      throw new IllegalArgumentException(name + " must be float32, got " + t.scalar_type().intern());
    }
    return of(name, t, BlurNative.BLUR_F32, onGpu);
  }

  /** θ's working copy for bf16 mixed precision: bfloat16 only. */
  static FlatBuffer bfloat16(String name, Tensor t, boolean onGpu) {
    if (t.scalar_type().intern() != ScalarType.BFloat16) {
      throw new IllegalArgumentException(name + " must be bfloat16, got " + t.scalar_type().intern());
    }
    return of(name, t, BlurNative.BLUR_BF16, onGpu);
  }

  private static FlatBuffer of(String name, Tensor t, int dtype, boolean onGpu) {
    if (!t.is_contiguous()) {
      throw new IllegalArgumentException(name + " must be contiguous");
    }
    if (onGpu ? !t.is_cuda() : !t.is_cpu()) {
      throw new IllegalArgumentException(name + " must be a " + (onGpu ? "CUDA" : "CPU") + " tensor");
    }
    long n = t.numel();
    return new FlatBuffer(n == 0 ? 0 : t.data_ptr().address(), n, dtype);
  }

  /** Checks that every buffer has this one's length and, for gradients, its dtype. */
  FlatBuffer sameLengthAs(String name, FlatBuffer other, String otherName) {
    if (other.length != length) {
      throw new IllegalArgumentException(
          otherName + " has " + other.length + " elements but " + name + " has " + length);
    }
    return this;
  }

  /** Refuses two buffers whose bytes overlap: one is written while the other is still read. */
  static void requireDisjoint(String name, FlatBuffer a, String otherName, FlatBuffer b) {
    if (a.length > 0 && b.length > 0 && a.address < b.address + b.bytes() && b.address < a.address + a.bytes()) {
      throw new IllegalArgumentException(name + " and " + otherName + " overlap; each needs its own memory");
    }
  }

  private long bytes() {
    return length * (dtype == BlurNative.BLUR_BF16 ? 2 : 4);
  }

  static void requireSameDtype(FlatBuffer gf, FlatBuffer gr) {
    if (gf.dtype != gr.dtype) {
      throw new IllegalArgumentException("g_f and g_r must have the same dtype");
    }
    gf.sameLengthAs("g_f", gr, "g_r");
  }
}
