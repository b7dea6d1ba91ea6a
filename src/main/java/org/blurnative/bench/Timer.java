package org.blurnative.bench;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;

/**
 * Times one op: warm-up runs first (page faults, lazy initialisation, caches), then timed runs.
 * Each run has its own PointerScope, so the temporaries of one run are freed before the next and
 * nothing grows across runs; freeing them is inside the time, as it is in training.
 */
final class Timer {

  private final int warmup;
  private final int runs;

  Timer(int warmup, int runs) {
    if (warmup < 0 || runs < 1) {
      throw new IllegalArgumentException("need warmup >= 0 and runs >= 1, got " + warmup + " and " + runs);
    }
    this.warmup = warmup;
    this.runs = runs;
  }

  int totalRuns() {
    return warmup + runs;
  }

  /** Wall times of the timed runs in milliseconds; the device is synchronised before each stop. */
  List<Double> time(Contender contender, Op op, BenchDevice device) {
    List<Double> timed = new ArrayList<>(runs);
    for (int i = 0; i < warmup + runs; i++) {
      long start = System.nanoTime();
      try (PointerScope scope = new PointerScope()) {
        contender.run(op);
        device.synchronize();
      }
      long elapsed = System.nanoTime() - start;
      if (i >= warmup) {
        timed.add(elapsed / 1e6);
      }
    }
    return timed;
  }
}
