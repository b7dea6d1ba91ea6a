package org.blurnative.bench;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;

/**
 * Times one op: warm-up runs first (page faults, lazy initialisation, JIT), then timed runs until
 * there are at least {@code runs} of them and they add up to {@code minTimeMs}. On two shared cores
 * a sub-millisecond op is now and then delayed by milliseconds (a JIT or GC thread, another
 * process, a descheduled OpenMP worker); many runs keep such delays out of the median.
 *
 * <p>Each run has its own PointerScope, so the temporaries of one run are freed before the next
 * and nothing grows across runs; freeing them is inside the time, as it is in training.
 */
final class Timer {

  /** A cap for ops of a few microseconds, so that a run of the bench stays short. */
  static final int MAX_RUNS = 1000;

  private final int warmup;
  private final int runs;
  private final double minTimeMs;

  Timer(int warmup, int runs, double minTimeMs) {
    if (warmup < 0 || runs < 1 || !(minTimeMs >= 0)) {
      throw new IllegalArgumentException("need warmup >= 0, runs >= 1 and min time >= 0, got "
          + warmup + ", " + runs + " and " + minTimeMs);
    }
    this.warmup = warmup;
    this.runs = runs;
    this.minTimeMs = minTimeMs;
  }

  /** Wall times of the timed runs in milliseconds; the device is synchronised before each stop. */
  List<Double> time(Contender contender, Op op, BenchDevice device) {
    for (int i = 0; i < warmup; i++) {
      once(contender, op, device);
    }
    List<Double> timed = new ArrayList<>(runs);
    double total = 0;
    while (timed.size() < runs || (total < minTimeMs && timed.size() < MAX_RUNS)) {
      double ms = once(contender, op, device);
      timed.add(ms);
      total += ms;
    }
    return timed;
  }

  private static double once(Contender contender, Op op, BenchDevice device) {
    long start = System.nanoTime();
    try (PointerScope scope = new PointerScope()) {
      contender.run(op);
      device.synchronize();
    }
    return (System.nanoTime() - start) / 1e6;
  }
}
