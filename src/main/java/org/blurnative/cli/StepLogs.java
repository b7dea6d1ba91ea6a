package org.blurnative.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import org.blurnative.train.StepMetrics;
import org.blurnative.train.TensorBoardLog;

/**
 * What rank 0 makes of each step besides metrics.jsonl (which the trainer writes): the progress
 * display and the TensorBoard event file. The event file opens once the run knows the step it
 * starts from, so a resumed run first cuts what lies past its checkpoint.
 */
final class StepLogs implements AutoCloseable {
  private final ProgressDisplay progress;
  private final Path tensorboard;  // null: none
  private TensorBoardLog events;

  StepLogs(ProgressDisplay progress, Path tensorboard) {
    this.progress = progress;
    this.tensorboard = tensorboard;
  }

  /** The trainer's start notice (a callback, so file errors travel unchecked to the command's handler). */
  void started(long fromStep) {
    try {
      if (tensorboard != null) {
        events = TensorBoardLog.continuingAfter(tensorboard, fromStep, Clock.systemUTC());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    progress.started(fromStep);
  }

  void stepped(StepMetrics m) {
    try {
      if (events != null) {
        events.append(m);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    progress.stepped(m);
  }

  @Override
  public void close() throws IOException {
    progress.close();
    if (events != null) {
      events.close();
    }
  }
}
