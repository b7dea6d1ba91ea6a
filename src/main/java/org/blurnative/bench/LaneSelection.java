package org.blurnative.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.blurnative.kernel.Backend;
import org.blurnative.kernel.KernelUnavailableException;
import org.blurnative.kernel.UpdateKernel;

/**
 * Which lanes run: the requested backends, opened once, in a fixed order per device. Each device
 * gets its copy yardstick. `cuda` brings its own device: when it opens, the torch and per-tensor
 * baselines that were asked for are timed on the GPU too, so its speedups compare like with like.
 *
 * @param skipped requested backends that cannot run here, with the reason
 */
public record LaneSelection(List<Lane> lanes, List<Skipped> skipped) {

  /** The names --backends accepts, in the order lanes run. */
  public static final List<String> KNOWN = List.of("cpu", "torch", BenchResult.PER_TENSOR, "java", "cuda");

  /** Everything but `java`, which is the slow float64 reference and runs only when asked for. */
  public static final String DEFAULT = "cpu,torch,per-tensor,cuda";

  public LaneSelection {
    lanes = List.copyOf(lanes);
    skipped = List.copyOf(skipped);
  }

  /** The comma-separated backend list of {@code flag}; an unknown name fails in one line. */
  public static Set<String> parse(String flag, String text) {
    Set<String> names = new LinkedHashSet<>();
    for (String raw : text.split(",", -1)) {
      String name = raw.trim();
      if (!KNOWN.contains(name)) {
        throw new IllegalArgumentException(flag + ": unknown backend '" + name + "' (expected a"
            + " comma-separated list of " + String.join(", ", KNOWN) + ")");
      }
      names.add(name);
    }
    return names;
  }

  /** Opens the requested backends with {@code threads} threads, on the CPU and, with `cuda`, the GPU. */
  public static LaneSelection open(Set<String> requested, int threads) {
    return open(requested, threads, true);
  }

  /**
   * As {@link #open(Set, int)}; without {@code cpuLanes} only the GPU's lanes run (bench --device
   * cuda), and a GPU that cannot run is the error rather than a skipped lane.
   */
  public static LaneSelection open(Set<String> requested, int threads, boolean cpuLanes) {
    List<Lane> lanes = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    if (cpuLanes) {
      lanes.add(copyLane(BenchDevice.CPU));
    }
    for (String name : KNOWN) {
      if (!cpuLanes || !requested.contains(name) || name.equals("cuda")) {
        continue;
      }
      if (name.equals(BenchResult.PER_TENSOR)) {
        lanes.add(perTensorLane(BenchDevice.CPU));
      } else {
        lanes.addAll(kernelLanes(BenchDevice.CPU, Backend.parse(name).open(threads)));
      }
    }
    if (requested.contains("cuda")) {
      try {
        UpdateKernel cuda = Backend.CUDA.open(threads);
        lanes.add(copyLane(BenchDevice.CUDA));
        lanes.addAll(kernelLanes(BenchDevice.CUDA, cuda));
        if (requested.contains("torch")) {
          lanes.addAll(kernelLanes(BenchDevice.CUDA, Backend.TORCH.open(threads)));
        }
        if (requested.contains(BenchResult.PER_TENSOR)) {
          lanes.add(perTensorLane(BenchDevice.CUDA));
        }
      } catch (KernelUnavailableException e) {
        if (!cpuLanes) {
          throw new IllegalArgumentException("--device cuda: " + e.getMessage());
        }
        skipped.add(new Skipped("cuda", e.getMessage()));
      }
    }
    return new LaneSelection(lanes, skipped);
  }

  private static Lane copyLane(BenchDevice device) {
    return new Lane(device, BenchResult.COPY, List.of(Op.COPY), CopyYardstick::new);
  }

  /** A kernel's float32 lane and its bf16 mixed-precision lane (own contenders, so own memory). */
  private static List<Lane> kernelLanes(BenchDevice device, UpdateKernel kernel) {
    return List.of(
        new Lane(device, kernel.name(), Lane.UPDATE_OPS, work -> new FusedContender(kernel, work)),
        new Lane(device, kernel.name(), Lane.MIXED_OPS, work -> new MixedPrecisionContender(kernel, work)));
  }

  private static Lane perTensorLane(BenchDevice device) {
    return new Lane(device, BenchResult.PER_TENSOR, Lane.UPDATE_OPS, PerTensorBaseline::new);
  }

  @Override
  public String toString() {
    return Arrays.toString(lanes.stream().map(l -> l.device().label() + "/" + l.backend()).toArray());
  }
}
