package org.blurnative.bench;

import java.util.Arrays;
import java.util.List;

/**
 * One timed operation: what ran where, how many bytes it had to move, and every timed run.
 *
 * @param n elements per vector
 * @param device where the tensors lived: cpu or cuda
 * @param backend cpu, torch, per-tensor, java, cuda, or copy for the yardstick
 * @param runsMs wall time of each timed run after the warm-up, in order
 */
public record Measurement(long n, String device, String backend, Op op, List<Double> runsMs) {

  public Measurement {
    if (runsMs.isEmpty()) {
      throw new IllegalArgumentException("a measurement needs at least one timed run");
    }
    runsMs = List.copyOf(runsMs);
  }

  /** The median run: robust to the odd run slowed by the OS or another process. */
  public double medianMs() {
    return Median.of(runsMs.stream().mapToDouble(Double::doubleValue));
  }

  public long bytes() {
    return op.bytes(n);
  }

  /** Bytes per nanosecond is GB/s (10^9 bytes per second). */
  public double gbPerSecond() {
    return bytes() / (medianMs() * 1e6);
  }

  @Override
  public String toString() {
    return device + "/" + backend + "/" + op.label() + " n=" + n + " " + Arrays.toString(runsMs.toArray());
  }
}
