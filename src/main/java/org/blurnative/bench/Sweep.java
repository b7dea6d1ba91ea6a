package org.blurnative.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bytedeco.javacpp.PointerScope;

/**
 * Runs every lane's ops at every n, smallest n first. Memory is held one n and one contender at a
 * time: the workload and each contender live in their own PointerScope, so everything of an n is
 * freed before the next, larger one is allocated.
 */
public final class Sweep {

  /** Told before and after each timed op, for a progress bar. */
  public interface Progress {
    void starting(String what);

    void finished();
  }

  private final List<Lane> lanes;
  private final Timer timer;
  private Double otherProcessesCpuShare;

  /** See {@link Timer} for warmup, runs and minTimeMs. */
  public Sweep(LaneSelection selection, int warmup, int runs, double minTimeMs) {
    this.lanes = selection.lanes();
    this.timer = new Timer(warmup, runs, minTimeMs);
  }

  /** How many ops {@link #run} times: the progress bar's length. */
  public int opCount(List<Long> sizes) {
    return sizes.size() * lanes.stream().mapToInt(l -> l.ops().size()).sum();
  }

  /** Every lane's ops at every distinct n, in increasing n. */
  public List<Measurement> run(List<Long> sizes, Progress progress) {
    CpuContention contention = CpuContention.start();
    List<Measurement> out = new ArrayList<>();
    Set<BenchDevice> devices = new LinkedHashSet<>();
    lanes.forEach(l -> devices.add(l.device()));
    for (long n : sizes.stream().distinct().sorted().toList()) {
      for (BenchDevice device : devices) {
        try (PointerScope sizeScope = new PointerScope(); Workload work = Workload.create(n, device)) {
          for (Lane lane : lanes) {
            if (lane.device() == device) {
              out.addAll(measure(lane, work, progress));
            }
          }
        }
      }
    }
    otherProcessesCpuShare = contention.othersShare();
    return out;
  }

  /** Of the last run: see {@link BenchReport#otherProcessesCpuShare()}. */
  public Double otherProcessesCpuShare() {
    return otherProcessesCpuShare;
  }

  private List<Measurement> measure(Lane lane, Workload work, Progress progress) {
    List<Measurement> out = new ArrayList<>();
    try (PointerScope laneScope = new PointerScope(); Contender contender = lane.contender().apply(work)) {
      for (Op op : lane.ops()) {
        progress.starting(Sizes.format(work.n()) + " " + lane.device().label() + "/" + lane.backend()
            + " " + op.label());
        out.add(new Measurement(work.n(), lane.device().label(), lane.backend(), op,
            timer.time(contender, op, lane.device())));
        progress.finished();
      }
    }
    return out;
  }
}
