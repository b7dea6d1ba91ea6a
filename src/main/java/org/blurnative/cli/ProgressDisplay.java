package org.blurnative.cli;

import org.blurnative.train.StepMetrics;

/** What a run shows of its progress as it goes: told where it starts, then every step. */
interface ProgressDisplay extends AutoCloseable {
  /** Shows nothing: ranks other than 0, and --progress off. */
  ProgressDisplay NONE = new ProgressDisplay() {
    @Override
    public void started(long fromStep) {}

    @Override
    public void stepped(StepMetrics m) {}

    @Override
    public void close() {}
  };

  /** The run starts after {@code fromStep} steps (0, or the checkpoint a resumed run continues from). */
  void started(long fromStep);

  void stepped(StepMetrics m);

  @Override
  void close();
}
