package org.blurnative.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.blurnative.io.Directories;
import org.blurnative.kernel.OptimizerSettings;
import org.blurnative.kernel.UpdateKernel;
import org.blurnative.model.LlamaModel;
import org.blurnative.train.Accumulation;
import org.blurnative.train.LearningRateSchedule;
import org.blurnative.train.Objective;
import org.blurnative.train.ProbeLoss;
import org.blurnative.train.StepMetrics;
import org.blurnative.train.Trainer;
import org.blurnative.train.TrainingSettings;
import org.blurnative.update.UpdateRule;

/**
 * {@code bench --whole-step}: BLUR steps of a real model, timed by the trainer itself. One
 * {@link Trainer} run (the code path `train` takes, into a scratch run directory) goes through the
 * thread splits in turn, {@code warmup + runs} steps each, switching between steps; each split's
 * warm-up steps are dropped and its timed steps summarised by their phases (train.StepTimes).
 */
public final class WholeStep {

  /** What is trained: the model and its kernel, the objectives, the rule, the padding token. */
  public record Run(LlamaModel model, UpdateKernel kernel, Objective forget, Objective retain, UpdateRule rule,
      int padId) {}

  /**
   * A step's shape: {@code batch} sequences on each side in {@code microBatches} passes of at most
   * {@code maxLength} tokens; {@code probeEvery} is the method's adaptive learning rate (0: none).
   */
  public record Shape(int batch, int microBatches, int maxLength, int probeEvery, long seed) {}

  /** One split's timed steps. */
  public record Split(ThreadSplit threads, StepPhases phases) {}

  /** Every split's, and the share of the machine's CPU time other processes took meanwhile (null: unknown). */
  public record Timings(List<Split> splits, Double otherProcessesCpuShare) {}

  private WholeStep() {}

  /**
   * The learning rate is small and constant (AdamW, train's defaults otherwise): the model barely
   * moves, so every split times the same work.
   */
  public static TrainingSettings settings(Shape shape, long steps) {
    return new TrainingSettings(shape.batch(), shape.microBatches(), steps, shape.maxLength(),
        new LearningRateSchedule(LearningRateSchedule.Kind.CONSTANT, 1e-5, 0, steps),
        new OptimizerSettings.AdamW(0.9, 0.999, 1e-8, 0.01), 0, Integer.MAX_VALUE, 0, 0, 1, shape.seed(),
        shape.probeEvery(), ProbeLoss.COMBINED, false, Accumulation.EVERY_MICRO_BATCH);
  }

  /** {@code warmup + runs} steps under each split, in order; the timed ones summarised. */
  public static Timings time(Run run, Shape shape, List<ThreadSplit> splits, int warmup, int runs)
      throws IOException {
    CpuContention contention = CpuContention.start();
    int perSplit = warmup + runs;
    List<List<StepMetrics>> timed = new ArrayList<>();
    splits.forEach(s -> timed.add(new ArrayList<>()));
    Path scratch = Files.createTempDirectory("blur-bench-step");
    try {
      Trainer trainer = new Trainer(run.model(), run.kernel(), run.forget(), run.retain(), run.rule(),
          settings(shape, (long) splits.size() * perSplit), run.padId(), scratch);
      trainer.run(false, from -> splits.get(0).apply(), m -> {
        int split = (int) ((m.step() - 1) / perSplit);  // steps count from 1
        int within = (int) ((m.step() - 1) % perSplit);
        if (within >= warmup) {
          timed.get(split).add(m);
        }
        if (within == perSplit - 1 && split + 1 < splits.size()) {
          splits.get(split + 1).apply();
        }
      });
    } finally {
      Directories.deleteTree(scratch);
    }
    List<Split> out = new ArrayList<>();
    for (int i = 0; i < splits.size(); i++) {
      out.add(new Split(splits.get(i), StepPhases.of(timed.get(i))));
    }
    return new Timings(List.copyOf(out), contention.othersShare());
  }
}
