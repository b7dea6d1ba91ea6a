package org.blurnative.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.blurnative.data.BatchOptions;
import org.blurnative.data.Collator;
import org.blurnative.data.DataOrder;
import org.blurnative.data.TokenBatch;
import org.blurnative.data.TokenizedExample;
import org.blurnative.kernel.FlatOptimizer;
import org.blurnative.kernel.GradientSums;
import org.blurnative.kernel.UpdateKernel;
import org.blurnative.model.FlatGradients;
import org.blurnative.model.FlatParameters;
import org.blurnative.model.LlamaModel;
import org.blurnative.update.Coefficients;
import org.blurnative.update.Diagnostics;
import org.blurnative.update.UpdateRule;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * The loop of DESIGN.md §2: per optimizer step, the forget gradient into G_f and the retain
 * gradient into G_r (each accumulated over micro-batches through the parameters' .grad views),
 * one reduce, the rule's (c_f, c_r), one fused apply. Without a retain objective it is plain
 * training (finetune): u = g with (c_f, c_r) = (1, 0).
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

  public Trainer(LlamaModel model, UpdateKernel kernel, Objective forget, Objective retain,
      UpdateRule rule, TrainingSettings settings, int padId, Path runDir) {
    this.model = model;
    this.kernel = kernel;
    this.forget = forget;
    this.retain = retain;
    this.rule = rule;
    this.settings = settings;
    this.collator = new Collator(padId, BatchOptions.training(settings.maxLength()));
    this.runDir = runDir;
  }

  /**
   * Trains to {@code settings.steps()}, from the newest checkpoint under the run directory when
   * {@code resume} is set, writing metrics.jsonl and checkpoints as it goes.
   *
   * @return the metrics of the steps this call ran
   */
  public List<StepMetrics> run(boolean resume, Consumer<StepMetrics> onStep) throws IOException {
    boolean needsReference = LossEvaluator.needsReference(forget.loss())
        || (retain != null && LossEvaluator.needsReference(retain.loss()));
    LlamaModel reference = needsReference ? model.frozenCopy() : null;
    try {
      return loop(new LossEvaluator(model, reference), resume, onStep);
    } finally {
      if (reference != null) {
        reference.close();
      }
    }
  }

  private List<StepMetrics> loop(LossEvaluator evaluator, boolean resume, Consumer<StepMetrics> onStep)
      throws IOException {
    Files.createDirectories(runDir);
    FlatParameters parameters = FlatParameters.adopt(model);
    Tensor theta = parameters.theta();
    FlatGradients grads = FlatGradients.of(model);
    Tensor gradForget = grads.allocate();
    Tensor gradRetain = retain == null ? gradForget : grads.allocate();
    Checkpoints checkpoints = new Checkpoints(runDir.resolve("checkpoints"), settings.keep());
    List<StepMetrics> ran = new ArrayList<>();

    try (FlatOptimizer optimizer = kernel.optimizer(theta, settings.optimizer())) {
      TrainerState state = new TrainerState(0,
          DataOrder.shuffled(forget.examples().size(), settings.seed()).state(),
          retain == null ? null : DataOrder.shuffled(retain.examples().size(), settings.seed() + 1).state(),
          0);
      if (resume) {
        Optional<Path> latest = checkpoints.latest();
        if (latest.isEmpty()) {
          throw new IllegalArgumentException("--resume: no checkpoint under " + runDir.resolve("checkpoints"));
        }
        state = checkpoints.load(latest.get(), theta, optimizer);
        parameters.publish();
      }
      DataOrder forgetOrder = DataOrder.restore(state.forgetOrder());
      DataOrder retainOrder = retain == null ? null : DataOrder.restore(state.retainOrder());
      int skips = state.consecutiveSkips();

      try (MetricsLog log = MetricsLog.continuingAfter(runDir.resolve("metrics.jsonl"), state.step())) {
        for (long step = state.step(); step < settings.steps(); ) {
          long started = System.nanoTime();
          double lr = settings.schedule().at(step);
          StepMetrics metrics;
          try (PointerScope scope = new PointerScope()) {
            double forgetLoss = gradient(evaluator, forget, forgetOrder, grads, gradForget);
            Double retainLoss = retain == null ? null
                : gradient(evaluator, retain, retainOrder, grads, gradRetain);
            GradientSums sums = kernel.reduce(gradForget, gradRetain);
            step++;
            if (sums.nonFinite()) {
              skips++;
              if (skips > settings.maxSkips()) {
                throw new TrainingAbortedException("step " + step + ": non-finite gradients in "
                    + skips + " steps in a row (more than --max-skips " + settings.maxSkips()
                    + "); lower the learning rate or check the data");
              }
            } else {
              skips = 0;
            }
            metrics = sums.nonFinite()
                ? skipped(step, forgetOrder.epoch(), forgetLoss, retainLoss, lr, started)
                : apply(step, forgetOrder.epoch(), forgetLoss, retainLoss, sums, lr, optimizer,
                    gradForget, gradRetain, started);
            parameters.publish();
          }
          log.append(metrics);
          ran.add(metrics);
          onStep.accept(metrics);
          boolean due = settings.checkpointEvery() > 0 && step % settings.checkpointEvery() == 0;
          if (due || step == settings.steps()) {
            checkpoints.save(new TrainerState(step, forgetOrder.state(),
                retainOrder == null ? null : retainOrder.state(), skips), theta, optimizer);
          }
        }
      }
    } finally {
      gradForget.close();
      if (gradRetain != gradForget) {
        gradRetain.close();
      }
    }
    return ran;
  }

  /** Zeroes {@code into}, points the grads at it, and accumulates the objective's next batch. */
  private double gradient(LossEvaluator evaluator, Objective objective, DataOrder order,
      FlatGradients grads, Tensor into) {
    List<TokenizedExample> examples = new ArrayList<>();
    for (int i : order.nextFull(settings.batchSize())) {
      examples.add(objective.examples().get(i));
    }
    TokenBatch batch = collator.collate(examples);
    into.zero_();
    grads.pointAt(into);
    return evaluator.accumulate(objective.loss(), batch, settings.microBatches());
  }

  private StepMetrics apply(long step, int epoch, double forgetLoss, Double retainLoss,
      GradientSums sums, double lr, FlatOptimizer optimizer, Tensor gradForget, Tensor gradRetain,
      long started) {
    Coefficients c = retain == null ? new Coefficients(1, 0) : rule.coefficients(sums);
    Diagnostics before = Diagnostics.of(sums, c);
    if (settings.clipNorm() > 0 && before.updateNorm() > settings.clipNorm()) {
      double scale = settings.clipNorm() / before.updateNorm();
      c = new Coefficients(c.cf() * scale, c.cr() * scale);
    }
    optimizer.step(gradForget, gradRetain, c.cf(), c.cr(), lr);
    double seconds = (System.nanoTime() - started) / 1e9;
    if (retain == null) {
      return new StepMetrics(step, epoch, forgetLoss, null, null, sums.ff(), null, null, null, null,
          null, null, StepMetrics.finite(Math.sqrt(sums.ff()) * c.cf()), lr, seconds, false);
    }
    Diagnostics dg = Diagnostics.of(sums, c);
    return new StepMetrics(step, epoch, forgetLoss, retainLoss, sums.dot(), sums.ff(), sums.rr(),
        c.cf(), c.cr(), StepMetrics.finite(dg.cos()), StepMetrics.finite(dg.forgetAlignment()),
        StepMetrics.finite(dg.retainAlignment()), StepMetrics.finite(dg.updateNorm()), lr, seconds,
        false);
  }

  private static StepMetrics skipped(long step, int epoch, double forgetLoss, Double retainLoss,
      double lr, long started) {
    return new StepMetrics(step, epoch, StepMetrics.finite(forgetLoss),
        retainLoss == null ? null : StepMetrics.finite(retainLoss), null, null, null, null, null,
        null, null, null, null, lr, (System.nanoTime() - started) / 1e9, true);
  }
}
