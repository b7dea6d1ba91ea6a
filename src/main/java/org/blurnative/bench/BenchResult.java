package org.blurnative.bench;

import java.util.List;
import java.util.Objects;

/**
 * One row of the report: a measurement and how it compares with the copy yardstick and the two
 * LibTorch baselines of the same n on the same device. A ratio is null where its reference was
 * not measured (for example --backends without torch).
 *
 * @param fractionOfCopy GB/s divided by the copy's GB/s: 1.0 is as fast as memory allows
 * @param speedupVsTorch the torch backend's median time over this one's
 * @param speedupVsPerTensor the per-tensor baseline's median time over this one's
 */
public record BenchResult(
    long n,
    String device,
    String backend,
    String op,
    long bytes,
    double medianMs,
    double gbPerSecond,
    Double fractionOfCopy,
    Double speedupVsTorch,
    Double speedupVsPerTensor,
    List<Double> runsMs) {

  static final String COPY = "copy";
  static final String TORCH = "torch";
  static final String PER_TENSOR = "per-tensor";

  /** Rows in measurement order, each compared with its peers of the same n and device. */
  public static List<BenchResult> compare(List<Measurement> all) {
    return all.stream().map(m -> {
      Measurement copy = find(all, m, COPY, Op.COPY);
      Measurement torch = find(all, m, TORCH, m.op());
      Measurement perTensor = find(all, m, PER_TENSOR, m.op());
      return new BenchResult(m.n(), m.device(), m.backend(), m.op().label(), m.bytes(), m.medianMs(),
          m.gbPerSecond(),
          copy == null ? null : m.gbPerSecond() / copy.gbPerSecond(),
          torch == null || m.op() == Op.COPY ? null : torch.medianMs() / m.medianMs(),
          perTensor == null || m.op() == Op.COPY ? null : perTensor.medianMs() / m.medianMs(),
          m.runsMs());
    }).toList();
  }

  private static Measurement find(List<Measurement> all, Measurement like, String backend, Op op) {
    return all.stream()
        .filter(o -> o.n() == like.n() && o.device().equals(like.device())
            && o.backend().equals(backend) && o.op() == op)
        .findFirst().orElse(null);
  }

  public BenchResult {
    Objects.requireNonNull(device);
    Objects.requireNonNull(backend);
    runsMs = List.copyOf(runsMs);
  }
}
