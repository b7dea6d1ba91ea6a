package org.blurnative.cli;

import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.blurnative.train.StepMetrics;

/** A bar on stderr redrawn in place, for a terminal (its width is the terminal's). */
final class ProgressBarDisplay implements ProgressDisplay {
  private final String task;
  private final long steps;
  private ProgressBar bar;  // built once the start is known, so a resumed run's rate and ETA count only its own steps

  ProgressBarDisplay(String task, long steps) {
    this.task = task;
    this.steps = steps;
  }

  @Override
  public void started(long fromStep) {
    bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(steps).startsFrom(fromStep, Duration.ZERO)
        .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(500).build();
  }

  @Override
  public void stepped(StepMetrics m) {
    bar.stepTo(m.step());
    bar.setExtraMessage(" " + StepSummary.of(m));
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
