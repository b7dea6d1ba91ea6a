package org.blurnative.cli;

import java.io.PrintWriter;
import java.util.function.LongSupplier;
import org.blurnative.train.StepMetrics;

/**
 * Progress for a log file or a pipe: one plain line at the first step, every --progress-every,
 * and at the last step; no carriage returns, no colour codes, no width limit, so nothing is cut
 * and grep finds every field.
 */
final class ProgressLines implements ProgressDisplay {
  private final PrintWriter out;
  private final String task;
  private final long steps;
  private final ProgressInterval every;
  private final LongSupplier nanoTime;
  private long fromStep;
  private long startedAt;
  private long lastLineAt;
  private boolean firstWritten;

  ProgressLines(PrintWriter out, String task, long steps, ProgressInterval every, LongSupplier nanoTime) {
    this.out = out;
    this.task = task;
    this.steps = steps;
    this.every = every;
    this.nanoTime = nanoTime;
  }

  @Override
  public void started(long fromStep) {
    this.fromStep = fromStep;
    this.startedAt = nanoTime.getAsLong();
  }

  @Override
  public void stepped(StepMetrics m) {
    long now = nanoTime.getAsLong();
    boolean due = every.steps() > 0 ? m.step() % every.steps() == 0
        : now - lastLineAt >= every.seconds() * 1_000_000_000L;
    if (!firstWritten || due || m.step() == steps) {
      out.println(line(m, now));
      out.flush();
      firstWritten = true;
      lastLineAt = now;
    }
  }

  /** "train blur-npo: step 40/120 (33%), 00:01:12 elapsed, ETA 00:02:24, f=0.6931 r=2.3026 cos=-0.20". */
  private String line(StepMetrics m, long now) {
    long elapsed = now - startedAt;
    long done = m.step() - fromStep;  // this process's steps: a resumed run's rate excludes the earlier ones
    long eta = done > 0 ? elapsed / done * (steps - m.step()) : 0;
    return String.format("%s: step %d/%d (%d%%), %s elapsed, ETA %s, %s", task, m.step(), steps,
        steps > 0 ? 100 * m.step() / steps : 100, clock(elapsed), clock(eta), StepSummary.of(m));
  }

  /** hh:mm:ss, as the bar shows time. */
  private static String clock(long nanos) {
    long s = nanos / 1_000_000_000L;
    return String.format("%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }

  @Override
  public void close() {}
}
