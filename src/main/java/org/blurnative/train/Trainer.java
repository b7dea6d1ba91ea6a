package org.blurnative.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.blurnative.data.AlignedBatch;
import org.blurnative.data.BatchOptions;
import org.blurnative.data.Collator;
import org.blurnative.data.DataOrder;
import org.blurnative.dist.Collective;
import org.blurnative.dist.Shard;
import org.blurnative.kernel.FlatOptimizer;
import org.blurnative.kernel.GradientSums;
import org.blurnative.kernel.UpdateKernel;
import org.blurnative.model.Activations;
import org.blurnative.model.FlatGradients;
import org.blurnative.model.FlatParameters;
import org.blurnative.model.LlamaModel;
import org.blurnative.update.ClippedCoefficients;
import org.blurnative.update.Coefficients;
import org.blurnative.update.Diagnostics;
import org.blurnative.update.UpdateRule;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * The loop of DESIGN.md §2: per optimizer step, the forget gradient into G_f and the retain
 * gradient into G_r (each accumulated over micro-batches through the parameters' .grad views),
 * one reduce, the rule's (c_f, c_r), one fused apply. Without a retain objective it is plain
 * training (finetune): u = g with (c_f, c_r) = (1, 0). With an adaptive learning rate (NGDiff's),
 * every N-th step is followed by a {@link StepSizeProbe} that rescales the schedule's rate.
 *
 * <p>With more than one rank, each accumulates only its share of every batch's micro-batches,
 * and the {@link Collective} sums the gradients (step 4), the (d, F, R) of the ranks' shards (step
 * 5) and the losses; every rank then applies the same step. Rank 0 (the only rank of a
 * one-process run) writes metrics.jsonl and the checkpoints; the others read the checkpoints to
 * resume.
 */
public final class Trainer {
  private final LlamaModel model;
  private final UpdateKernel kernel;
  private final Objective forget;
  private final Objective retain;  // null: single objective
  private final UpdateRule rule;
  private final TrainingSettings settings;
  private final Collator collator;
  private final Path runDir;
  private final Collective collective;
  private final boolean writesRunDirectory;

  /** A trainer of one process. */
  public Trainer(LlamaModel model, UpdateKernel kernel, Objective forget, Objective retain,
      UpdateRule rule, TrainingSettings settings, int padId, Path runDir) {
    this(model, kernel, forget, retain, rule, settings, padId, runDir, Collective.single());
  }

  /** A trainer that is one rank of {@code collective}. */
  public Trainer(LlamaModel model, UpdateKernel kernel, Objective forget, Objective retain,
      UpdateRule rule, TrainingSettings settings, int padId, Path runDir, Collective collective) {
    checkAdaptiveLr(settings, retain != null);
    checkWorldSize(settings, collective.worldSize());
    this.model = model;
    this.kernel = kernel;
    this.forget = forget;
    this.retain = retain;
    this.rule = rule;
    this.settings = settings;
    this.collator = new Collator(padId, BatchOptions.training(settings.maxLength()));
    this.runDir = runDir;
    this.collective = collective;
    this.writesRunDirectory = collective.rank() == 0;
  }

  /**
   * Rank k takes micro-batches k, k+W, … of every batch, so a world larger than --micro-batch
   * would leave ranks with nothing to do; says so in one line.
   */
  public static void checkWorldSize(TrainingSettings settings, int worldSize) {
    if (worldSize > settings.microBatches()) {
      throw new IllegalArgumentException("a world of " + worldSize + " ranks needs --micro-batch " + worldSize
          + " or more (rank k takes micro-batches k, k+" + worldSize + ", ... of each batch), got "
          + settings.microBatches());
    }
  }

  /** The adaptive learning rate's retain probe needs a retain objective; says so in one line. */
  public static void checkAdaptiveLr(TrainingSettings settings, boolean hasRetain) {
    if (!hasRetain && settings.adaptiveLrEvery() > 0 && settings.adaptiveLrLoss() == ProbeLoss.RETAIN) {
      throw new IllegalArgumentException(
          "--adaptive-lr-loss retain needs a retain objective, and this method has none (use combined)");
    }
  }

  /** {@link #run(boolean, LongConsumer, Consumer)} without a start notice. */
  public List<StepMetrics> run(boolean resume, Consumer<StepMetrics> onStep) throws IOException {
    return run(resume, from -> {}, onStep);
  }

  /**
   * Trains to {@code settings.steps()}, from the newest checkpoint under the run directory when
   * {@code resume} is set (from step 0 if the run was stopped before its first checkpoint),
   * writing metrics.jsonl and checkpoints as it goes.
   *
   * @param onStart told the step the run starts from, once θ and the optimizer are restored
   * @return the metrics of the steps this call ran
   */
  public List<StepMetrics> run(boolean resume, LongConsumer onStart, Consumer<StepMetrics> onStep)
      throws IOException {
    boolean needsReference = forget.needsReference() || (retain != null && retain.needsReference());
    LlamaModel reference = needsReference ? model.frozenCopy() : null;
    try {
      LossEvaluator evaluator = new LossEvaluator(model, reference, collective.rank(), collective.worldSize(),
          Activations.of(settings.gradientCheckpointing()), settings.accumulation());
      return loop(evaluator, resume, onStart, onStep);
    } finally {
      if (reference != null) {
        reference.close();
      }
    }
  }

  private List<StepMetrics> loop(LossEvaluator evaluator, boolean resume, LongConsumer onStart,
      Consumer<StepMetrics> onStep) throws IOException {
    if (writesRunDirectory) {
      Files.createDirectories(runDir);
    }
    // the collective may cut θ and the gradients into equal shards: they are padded to its length
    FlatGradients grads = FlatGradients.of(model);
    long n = grads.layout().numel();
    long padded = collective.paddedLength(n);
    FlatParameters parameters = FlatParameters.adopt(model, padded);
    Tensor theta = parameters.theta();
    Shard shard = collective.shard(n);
    Shard owned = collective.owned(n);
    Tensor paddedForget = grads.allocate(padded);
    Tensor paddedRetain = retain == null ? paddedForget : grads.allocate(padded);
    Tensor gradForget = paddedForget.narrow(0, 0, n);
    Tensor gradRetain = paddedRetain.narrow(0, 0, n);
    Checkpoints checkpoints = Checkpoints.open(runDir.resolve("checkpoints"), settings.keep(), collective);
    StepSizeProbe probe = new StepSizeProbe(evaluator, parameters, settings.microBatches(),
        settings.adaptiveLrLoss(), collective);
    boolean adaptive = settings.adaptiveLrEvery() > 0;
    List<StepMetrics> ran = new ArrayList<>();

    // a bf16 model's working copy of the owned range is written by the fused step itself
    Tensor workingCopy = parameters.bf16WorkingCopy();
    Shard copiedByStep = workingCopy == null ? new Shard(0, 0) : owned;
    try (FlatOptimizer optimizer = workingCopy == null ? kernel.optimizer(owned.of(theta), settings.optimizer())
        : kernel.optimizer(owned.of(theta), settings.optimizer(), owned.of(workingCopy))) {
      TrainerState state = new TrainerState(0,
          DataOrder.shuffled(forget.examples().size(), settings.seed()).state(),
          retain == null ? null : DataOrder.shuffled(retain.examples().size(), settings.seed() + 1).state(),
          0, 1.0);
      Optional<Path> latest = resume ? checkpoints.latest() : Optional.empty();
      if (latest.isPresent()) {
        state = checkpoints.load(latest.get(), theta, optimizer, t -> kernel.optimizer(t, settings.optimizer()));
        parameters.publish();
      }
      requireSameStart(state.step());
      onStart.accept(state.step());
      DataOrder forgetOrder = DataOrder.restore(state.forgetOrder());
      DataOrder retainOrder = retain == null ? null : DataOrder.restore(state.retainOrder());
      int skips = state.consecutiveSkips();
      double lrScale = state.learningRateScale();
      CheckpointPolicy policy = new CheckpointPolicy(settings.checkpointEvery(),
          settings.checkpointSeconds(), System::nanoTime);
      boolean checkpointDue = false;

      try (MetricsLog log = writesRunDirectory
          ? MetricsLog.continuingAfter(runDir.resolve("metrics.jsonl"), state.step()) : MetricsLog.none()) {
        for (long step = state.step(); step < settings.steps(); ) {
          long started = System.nanoTime();
          TrainerState atStart = state(step, forgetOrder, retainOrder, skips, lrScale);
          double lr = settings.schedule().at(step) * lrScale;
          StepMetrics metrics;
          try (PointerScope scope = new PointerScope()) {
            // an epoch is one pass over the forget set, its last batch short; the retain set is
            // drawn alongside, as many examples as the forget batch has
            AlignedBatch forgetBatch = forget.batch(collator, forgetOrder.next(settings.batchSize()));
            StepSizeProbe.Side forgetSide = new StepSizeProbe.Side(forget, forgetBatch);
            StepSizeProbe.Side retainSide = retain == null ? null
                : new StepSizeProbe.Side(retain, retain.batch(collator, retainOrder.nextFull(forgetBatch.rows())));
            StepTimes.Lap lap = new StepTimes.Lap();
            double forgetLocal = gradient(evaluator, forgetSide, grads, paddedForget);
            double forgetSeconds = lap.seconds();
            double retainLocal = retain == null ? 0 : gradient(evaluator, retainSide, grads, paddedRetain);
            Double retainSeconds = retain == null ? null : lap.seconds();
            collective.reduceGradients(paddedForget, paddedRetain);
            double exchangeSeconds = lap.seconds();
            GradientSums local = kernel.reduce(shard.of(gradForget), shard.of(gradRetain));
            double reduceSeconds = lap.seconds();
            GradientSums sums = collective.sumShards(local);
            // the losses travel with whether a rank's clock made a checkpoint due, so that every
            // rank decides alike (sharded ranks write one together)
            double[] exchanged = collective.sumInRankOrder(forgetLocal, retainLocal, checkpointDue ? 1 : 0);
            exchangeSeconds += lap.seconds();
            double forgetLoss = exchanged[0];
            Double retainLoss = retain == null ? null : exchanged[1];
            checkpointDue = exchanged[2] > 0;
            step++;
            // an overflowing loss can leave finite (even zero) gradients: skip that step too
            boolean finite = !sums.nonFinite() && Double.isFinite(forgetLoss)
                && (retainLoss == null || Double.isFinite(retainLoss));
            if (checkpointDue && finite) {
              // θ is checkpointed once a step at it came out finite, so a diverging run never
              // replaces its good checkpoints with states that cannot continue
              save(checkpoints, atStart, theta, optimizer);
              policy.saved();
              lap.seconds();  // the save is no part of this step's update
            }
            checkpointDue = false;
            if (!finite) {
              skips++;
              if (skips > settings.maxSkips()) {
                throw new TrainingAbortedException("step " + step + ": non-finite gradients or losses in "
                    + skips + " steps in a row (more than --max-skips " + settings.maxSkips() + "); "
                    + resumeAdvice(checkpoints));
              }
              metrics = skipped(step, forgetOrder.epoch(), forgetLoss, retainLoss, lr,
                  adaptive ? lrScale : null, started,
                  new StepTimes(forgetSeconds, retainSeconds, exchangeSeconds, reduceSeconds, null));
            } else {
              skips = 0;
              ClippedCoefficients combination = combination(sums);
              Coefficients c = combination.coefficients();
              boolean probing = adaptive && step % settings.adaptiveLrEvery() == 0 && lr > 0;
              Tensor before = probing ? theta.clone() : null;
              optimizer.step(owned.of(gradForget), owned.of(gradRetain), c.cf(), c.cr(), lr);
              collective.gatherParameters(parameters.padded());
              parameters.publishExcept(copiedByStep.offset(), copiedByStep.length());
              StepTimes times = new StepTimes(forgetSeconds, retainSeconds, exchangeSeconds, reduceSeconds,
                  lap.seconds());
              StepSizeProbe.Result measured = probing
                  ? probe.probe(before, lrScale, c, forgetSide, retainSide) : null;
              metrics = applied(step, forgetOrder.epoch(), forgetLoss, retainLoss, sums, combination, lr,
                  adaptive ? lrScale : null, measured == null ? null : StepMetrics.finite(measured.ratio()),
                  started, times);
              lrScale = measured == null ? lrScale : measured.nextScale();
            }
          }
          log.append(metrics);
          ran.add(metrics);
          onStep.accept(metrics);
          checkpointDue = policy.dueAfter(step);
          if (step == settings.steps()) {  // the end is checkpointed unless it is unsound
            if (metrics.skipped()) {
              throw new TrainingAbortedException("step " + step + ", the last, had non-finite gradients or"
                  + " losses, so the run's end is not checkpointed; " + resumeAdvice(checkpoints));
            }
            save(checkpoints, state(step, forgetOrder, retainOrder, skips, lrScale), theta, optimizer);
          }
        }
      }
    } finally {
      paddedForget.close();
      if (paddedRetain != paddedForget) {
        paddedRetain.close();
      }
    }
    return ran;
  }

  /**
   * Every rank must start from the step rank 0 starts from; a rank that found another checkpoint
   * (or none) under --out does not see rank 0's directory.
   */
  private void requireSameStart(long step) {
    List<String> starts = collective.exchange("start step", String.valueOf(step));
    for (int r = 1; r < starts.size(); r++) {
      if (!starts.get(r).equals(starts.get(0))) {
        throw new IllegalArgumentException("rank " + r + " would start from step " + starts.get(r) + " but rank 0 from step "
            + starts.get(0) + ": every rank must read the same --out (a shared file system) to resume");
      }
    }
  }

  /** What a checkpoint taken after {@code step} steps holds besides θ and the optimizer. */
  private static TrainerState state(long step, DataOrder forgetOrder, DataOrder retainOrder, int skips,
      double lrScale) {
    return new TrainerState(step, forgetOrder.state(), retainOrder == null ? null : retainOrder.state(),
        skips, lrScale);
  }

  /** Saves a checkpoint, refusing a θ that holds non-finite values (which no later step repairs). */
  private void save(Checkpoints checkpoints, TrainerState state, Tensor theta, FlatOptimizer optimizer)
      throws IOException {
    if (kernel.reduce(theta, theta).nonFinite()) {
      throw new TrainingAbortedException("step " + state.step() + ": the parameters hold non-finite values,"
          + " so they are not checkpointed; " + resumeAdvice(checkpoints));
    }
    checkpoints.save(state, theta, optimizer);
  }

  /** Where --resume would continue from, and the usual cure. */
  private static String resumeAdvice(Checkpoints checkpoints) throws IOException {
    String from = checkpoints.latest().map(p -> "its newest checkpoint, " + p.getFileName()).orElse("step 0");
    return "--resume continues from " + from + " (checkpoints are only written from sound states);"
        + " lower --lr when resuming, or check the data";
  }

  /** Zeroes {@code into} (padding and all), points the grads at its start, and accumulates the side's batch. */
  private double gradient(LossEvaluator evaluator, StepSizeProbe.Side side, FlatGradients grads,
      Tensor into) {
    into.zero_();
    grads.pointAt(into.narrow(0, 0, grads.layout().numel()));
    return evaluator.accumulate(side.objective().loss(), side.batch(), settings.microBatches());
  }

  /** The rule's (c_f, c_r), scaled down when ‖u‖ exceeds --clip; (1, 0) for a single objective. */
  private ClippedCoefficients combination(GradientSums sums) {
    Coefficients c = retain == null ? new Coefficients(1, 0) : rule.coefficients(sums);
    return ClippedCoefficients.of(c, sums, settings.clipNorm());
  }

  private StepMetrics applied(long step, int epoch, double forgetLoss, Double retainLoss,
      GradientSums sums, ClippedCoefficients combination, double lr, Double lrScale, Double ratio, long started,
      StepTimes times) {
    double seconds = (System.nanoTime() - started) / 1e9;
    Coefficients c = combination.coefficients();
    if (retain == null) {
      return new StepMetrics(step, epoch, forgetLoss, null, null, sums.ff(), null, null, null, null,
          null, null, StepMetrics.finite(Math.sqrt(sums.ff()) * c.cf()), combination.scale(), lr,
          lrScale, ratio, seconds, times, false);
    }
    Diagnostics dg = Diagnostics.of(sums, c);
    return new StepMetrics(step, epoch, forgetLoss, retainLoss, sums.dot(), sums.ff(), sums.rr(),
        c.cf(), c.cr(), StepMetrics.finite(dg.cos()), StepMetrics.finite(dg.forgetAlignment()),
        StepMetrics.finite(dg.retainAlignment()), StepMetrics.finite(dg.updateNorm()),
        combination.scale(), lr, lrScale, ratio, seconds, times, false);
  }

  private static StepMetrics skipped(long step, int epoch, double forgetLoss, Double retainLoss,
      double lr, Double lrScale, long started, StepTimes times) {
    return new StepMetrics(step, epoch, StepMetrics.finite(forgetLoss),
        retainLoss == null ? null : StepMetrics.finite(retainLoss), null, null, null, null, null,
        null, null, null, null, null, lr, lrScale, null, (System.nanoTime() - started) / 1e9, times, true);
  }
}
