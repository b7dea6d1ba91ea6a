package org.blurnative.cli;

import org.blurnative.train.StepMetrics;

/** A step in a few words for the progress display: the losses and cos(∇f, ∇r). */
final class StepSummary {
  private StepSummary() {}

  static String of(StepMetrics m) {
    String s = m.skipped() ? "skipped" : String.format("f=%.4f", m.forgetLoss());
    if (m.retainLoss() != null) {
      s += String.format(" r=%.4f", m.retainLoss());
    }
    if (m.cos() != null) {
      s += String.format(" cos=%+.2f", m.cos());
    }
    return s;
  }
}
