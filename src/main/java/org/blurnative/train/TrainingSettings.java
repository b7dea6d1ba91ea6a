package org.blurnative.train;

import org.blurnative.kernel.OptimizerSettings;

/**
 * How the loop runs.
 *
 * @param batchSize sequences per optimizer step, on each side
 * @param microBatches forward/backward passes the batch is split into (gradient accumulation)
 * @param steps optimizer steps in all
 * @param maxLength tokens per sequence; longer prompts are cut from the left
 * @param clipNorm clip ‖u‖ to this (0: no clipping); u, never g_f or g_r, is clipped (§2)
 * @param maxSkips abort after this many non-finite steps in a row
 * @param checkpointEvery save a checkpoint every this many steps (0: not by steps)
 * @param checkpointSeconds save a checkpoint whenever this long has passed since the last one (0:
 *     not by time); the end of the run is always saved
 * @param keep checkpoints kept, newest first
 * @param seed the data orders' seed
 * @param adaptiveLrEvery probe the step size (NGDiff's adaptive learning rate, {@link
 *     StepSizeProbe}) after every this many steps; 0: the schedule alone sets the rate
 * @param adaptiveLrLoss the loss the probe fits (RETAIN needs a retain objective)
 * @param gradientCheckpointing recompute each decoder layer's activations in backward instead of
 *     keeping them (--gradient-checkpointing): less memory, one more forward, the same gradients
 *     to float rounding
 * @param accumulation which micro-batches give the gradients (all but under --compat last-micro-batch)
 */
public record TrainingSettings(
    int batchSize,
    int microBatches,
    long steps,
    int maxLength,
    LearningRateSchedule schedule,
    OptimizerSettings optimizer,
    double clipNorm,
    int maxSkips,
    int checkpointEvery,
    long checkpointSeconds,
    int keep,
    long seed,
    int adaptiveLrEvery,
    ProbeLoss adaptiveLrLoss,
    boolean gradientCheckpointing,
    Accumulation accumulation) {

  public TrainingSettings {
    requirePositive("--batch", batchSize);
    requirePositive("--micro-batch", microBatches);
    requirePositive("the number of steps", steps);
    requirePositive("--max-length", maxLength);
    if (microBatches > batchSize) {
      throw new IllegalArgumentException(
          "--micro-batch asks for more micro-batches (" + microBatches + ") than --batch has sequences (" + batchSize + ")");
    }
    if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
      throw new IllegalArgumentException("--clip must be a finite number >= 0, got " + clipNorm);
    }
    if (maxSkips < 0 || checkpointEvery < 0 || checkpointSeconds < 0 || adaptiveLrEvery < 0) {
      throw new IllegalArgumentException(
          "--max-skips, --checkpoint-every, --checkpoint-interval and --adaptive-lr-every must be >= 0");
    }
    requirePositive("--keep", keep);
  }

  /** These settings with u clipped to {@code norm} (0: not clipped). */
  public TrainingSettings withClipNorm(double norm) {
    return new TrainingSettings(batchSize, microBatches, steps, maxLength, schedule, optimizer, norm, maxSkips,
        checkpointEvery, checkpointSeconds, keep, seed, adaptiveLrEvery, adaptiveLrLoss, gradientCheckpointing, accumulation);
  }

  /** These settings with another accumulation. */
  public TrainingSettings withAccumulation(Accumulation accumulation) {
    return new TrainingSettings(batchSize, microBatches, steps, maxLength, schedule, optimizer, clipNorm, maxSkips,
        checkpointEvery, checkpointSeconds, keep, seed, adaptiveLrEvery, adaptiveLrLoss, gradientCheckpointing, accumulation);
  }

  private static void requirePositive(String what, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(what + " must be at least 1, got " + value);
    }
  }
}
