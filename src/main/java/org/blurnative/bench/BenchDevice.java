package org.blurnative.bench;

import java.util.Locale;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Where a lane's tensors live. Host timings need no sync; CUDA kernels return before finishing. */
enum BenchDevice {
  CPU,
  CUDA;

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The tensor moved to this device: a CPU tensor is returned as is, else the host copy is freed. */
  Tensor moveHere(Tensor onHost) {
    if (this == CPU) {
      return onHost;
    }
    Tensor here = onHost.cuda();
    onHost.close();
    return here;
  }

  /** Waits for queued work, so a timing ends when the GPU is done, not when the launch returns. */
  void synchronize() {
    if (this == CUDA) {
      torch.cuda_synchronize();
    }
  }
}
