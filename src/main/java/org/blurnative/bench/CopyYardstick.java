package org.blurnative.bench;

import static org.bytedeco.pytorch.global.torch.empty;

import org.blurnative.kernel.jni.BlurNative;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * The bandwidth yardstick: a copy of 5n floats (5n read, 5n written), the same byte volume as a
 * full step. On the host it is libblur's blur_copy, parallel over the same threads as the kernels.
 * On a GPU it is LibTorch's device-to-device copy_, because the Java binding has no
 * blur_cuda_copy.
 */
final class CopyYardstick implements Contender {

  private final BenchDevice device;
  private final Tensor src;
  private final Tensor dst;
  private final long bytes;

  CopyYardstick(Workload work) {
    this.device = work.device();
    long floats = Op.COPY_FLOATS_PER_ELEMENT * work.n();
    this.src = device.moveHere(filled(floats, 1));
    this.dst = device.moveHere(filled(floats, 0));
    this.bytes = floats * Op.FLOAT_BYTES;
  }

  /** Written memory, so that the first touch of fresh pages is not what the warm-up times. */
  private static Tensor filled(long floats, float value) {
    Tensor t = empty(floats);
    t.fill_(new Scalar(value));
    return t;
  }

  @Override
  public void run(Op op) {
    if (device == BenchDevice.CPU) {
      int status = BlurNative.blur_copy(dst.data_ptr().address(), src.data_ptr().address(), bytes);
      if (status != BlurNative.BLUR_OK) {
        throw new IllegalStateException(BlurNative.blur_last_error().getString());
      }
    } else {
      dst.copy_(src);
    }
  }

  @Override
  public void close() {
    src.close();
    dst.close();
  }
}
