package org.blurnative.bench;

import java.util.ArrayList;
import java.util.List;
import org.blurnative.kernel.jni.BlurNative;
import org.bytedeco.openblas.global.openblas_full;
import org.bytedeco.pytorch.global.torch;

/**
 * How a CPU training step's threads are split between LibTorch's two pools (kernel.ComputeThreads
 * says why it matters): {@code blas} threads for OpenBLAS's matrix products (and libblur's fused
 * kernels), {@code intraOp} for LibTorch's OpenMP elementwise ops. Training runs {@code cores:1}.
 */
public record ThreadSplit(int blas, int intraOp) {
  private static final int MOST = 1024;  // libblur's own limit

  /** The split training uses (ComputeThreads.configure). */
  public static ThreadSplit training(int cores) {
    return new ThreadSplit(cores, 1);
  }

  /** "2:1" or "2:2,1:2,2:1"; each count 1…1024. */
  public static List<ThreadSplit> parse(String flag, String text) {
    List<ThreadSplit> splits = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      String[] counts = part.trim().split(":", -1);
      if (counts.length != 2) {
        throw new IllegalArgumentException(flag + " takes BLAS:INTRA_OP thread counts such as 2:1, got '" + part + "'");
      }
      splits.add(new ThreadSplit(count(flag, part, counts[0]), count(flag, part, counts[1])));
    }
    if (splits.stream().distinct().count() != splits.size()) {
      throw new IllegalArgumentException(flag + " names a split twice: " + text);
    }
    return List.copyOf(splits);
  }

  private static int count(String flag, String part, String text) {
    int n;
    try {
      n = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      n = 0;
    }
    if (n < 1 || n > MOST) {
      throw new IllegalArgumentException(flag + ": thread counts are whole numbers 1 to " + MOST + ", got '" + part + "'");
    }
    return n;
  }

  /** Puts this split in force for the steps that follow. */
  public void apply() {
    openblas_full.openblas_set_num_threads(blas);
    torch.set_num_threads(intraOp);
    BlurNative.blur_set_num_threads(blas);
  }

  public String label() {
    return blas + ":" + intraOp;
  }
}
