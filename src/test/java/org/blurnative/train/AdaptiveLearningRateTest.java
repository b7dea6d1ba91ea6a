package org.blurnative.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.blurnative.data.AlignedBatch;
import org.blurnative.data.BatchOptions;
import org.blurnative.data.Collator;
import org.blurnative.dist.Collective;
import org.blurnative.kernel.Backend;
import org.blurnative.kernel.OptimizerSettings;
import org.blurnative.loss.GradientAscentLoss;
import org.blurnative.loss.NllLoss;
import org.blurnative.model.Activations;
import org.blurnative.model.FlatParameters;
import org.blurnative.model.HostArrays;
import org.blurnative.model.LlamaModel;
import org.blurnative.update.Coefficients;
import org.blurnative.update.NormalizedDifferenceRule;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** NGDiff's adaptive learning rate: what the probe measures, what it leaves alone, and resume. */
class AdaptiveLearningRateTest {
  static final long STEPS = 7;
  static final double LR = 0.05;

  static Objective forget() {
    return new Objective("forget", new GradientAscentLoss(), TinyRun.examples(TinyRun.records(0, 8)));
  }

  static Objective retain() {
    return new Objective("retain", new NllLoss(), TinyRun.examples(TinyRun.records(40, 10)));
  }

  static TrainingSettings settings(long steps, int probeEvery, ProbeLoss probeLoss) {
    // SGD, so that the step is along u, which descends both probe losses to first order on this
    // random model (AdamW's sign-like step raises its retain loss: no minimum ahead to find)
    TrainingSettings base = TinyRun.settings(4, 2, steps, LR, 2);
    return new TrainingSettings(base.batchSize(), base.microBatches(), base.steps(), base.maxLength(),
        base.schedule(), new OptimizerSettings.Sgd(0), base.clipNorm(), base.maxSkips(),
        base.checkpointEvery(), base.checkpointSeconds(), base.keep(), base.seed(), probeEvery, probeLoss,
        base.gradientCheckpointing(), base.accumulation());
  }

  /** NGDiff on the tiny model; returns θ at the end. */
  static float[] ngdiff(Path run, long steps, int probeEvery, ProbeLoss probeLoss, boolean resume,
      Consumer<StepMetrics> onStep) throws Exception {
    try (LlamaModel model = TinyRun.model(32, 2, 5)) {
      new Trainer(model, Backend.CPU.open(0), forget(), retain(), new NormalizedDifferenceRule(),
          settings(steps, probeEvery, probeLoss), TinyRun.TOKENIZER.padId(), run).run(resume, onStep);
      return HostArrays.toFloats(FlatParameters.adopt(model).theta());
    }
  }

  @Test
  void probeMeasuresTheProbeLossAtThreePointsAndRestoresTheta() {
    try (LlamaModel model = TinyRun.model(32, 2, 9); PointerScope scope = new PointerScope()) {
      FlatParameters parameters = FlatParameters.adopt(model);
      Tensor theta = parameters.theta();
      Collator collator = new Collator(TinyRun.TOKENIZER.padId(), BatchOptions.training(64));
      AlignedBatch forgetBatch = AlignedBatch.of(collator.collate(TinyRun.examples(TinyRun.records(0, 4))));
      AlignedBatch retainBatch = AlignedBatch.of(collator.collate(TinyRun.examples(TinyRun.records(40, 4))));
      LossEvaluator evaluator = new LossEvaluator(model, null, 0, 1, Activations.STORED, Accumulation.EVERY_MICRO_BATCH);
      Coefficients c = new Coefficients(0.7, 1.3);
      Objective f = forget();
      Objective r = retain();
      java.util.function.DoubleSupplier probeLoss = () ->
          c.cf() * evaluator.evaluate(f.loss(), forgetBatch, 1) + c.cr() * evaluator.evaluate(r.loss(), retainBatch, 1);

      Tensor before = theta.clone();
      torch.manual_seed(11);
      Tensor step = torch.randn_like(theta).mul_(new Scalar(0.02));
      double atZero = probeLoss.getAsDouble();
      try (NoGradGuard g = new NoGradGuard()) {
        theta.sub_(step);
      }
      double atMinus = probeLoss.getAsDouble();
      try (NoGradGuard g = new NoGradGuard()) {
        theta.copy_(before).add_(step);
      }
      double atPlus = probeLoss.getAsDouble();
      float[] stepped = HostArrays.toFloats(theta);

      StepSizeProbe.Result result = new StepSizeProbe(evaluator, parameters, 2, ProbeLoss.COMBINED, Collective.single()).probe(before, 0.5, c,
          new StepSizeProbe.Side(f, forgetBatch), new StepSizeProbe.Side(r, retainBatch));

      assertArrayEquals(stepped, HostArrays.toFloats(theta), "θ + Δ restored bit for bit");
      // two micro-batches against one, and θ − Δ formed as 2θ − (θ + Δ): float32 rounding only
      assertEquals(atPlus, result.plus(), 1e-5 * Math.abs(atPlus));
      assertEquals(atZero, result.zero(), 1e-5 * Math.abs(atZero));
      assertEquals(atMinus, result.minus(), 1e-5 * Math.abs(atMinus));
      assertNotEquals(result.minus(), result.plus(), "a step of 0.02 per weight moves the loss");
      assertEquals(GeneralizedNewtonStep.nextScale(0.5, result.minus(), result.zero(), result.plus()),
          result.nextScale());
    }
  }

  @Test
  void retainProbeMeasuresTheRetainLossAlone() {
    try (LlamaModel model = TinyRun.model(32, 2, 9); PointerScope scope = new PointerScope()) {
      FlatParameters parameters = FlatParameters.adopt(model);
      Collator collator = new Collator(TinyRun.TOKENIZER.padId(), BatchOptions.training(64));
      AlignedBatch forgetBatch = AlignedBatch.of(collator.collate(TinyRun.examples(TinyRun.records(0, 4))));
      AlignedBatch retainBatch = AlignedBatch.of(collator.collate(TinyRun.examples(TinyRun.records(40, 4))));
      LossEvaluator evaluator = new LossEvaluator(model, null, 0, 1, Activations.STORED, Accumulation.EVERY_MICRO_BATCH);
      double retainLoss = evaluator.evaluate(new NllLoss(), retainBatch, 1);
      // Δ = 0 (a step of zero): all three points are θ
      StepSizeProbe.Result result = new StepSizeProbe(evaluator, parameters, 2, ProbeLoss.RETAIN, Collective.single())
          .probe(parameters.theta().clone(), 1.0, new Coefficients(0.7, 1.3),
              new StepSizeProbe.Side(forget(), forgetBatch), new StepSizeProbe.Side(retain(), retainBatch));
      for (double v : new double[] {result.minus(), result.zero(), result.plus()}) {
        assertEquals(retainLoss, v, 1e-6 * retainLoss);
      }
      assertEquals(1.0, result.nextScale(), "no minimum ahead of a zero step: the scale stays");
    }
  }

  @Test
  void retainProbeWithoutARetainSetIsRefused(@TempDir Path dir) {
    try (LlamaModel model = TinyRun.model(32, 1, 5)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(
          model, Backend.CPU.open(0), forget(), null, new NormalizedDifferenceRule(),
          settings(2, 1, ProbeLoss.RETAIN), TinyRun.TOKENIZER.padId(), dir));
      assertEquals("--adaptive-lr-loss retain needs a retain objective, and this method has none (use combined)",
          e.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(ProbeLoss.class)
  void probingChangesOnlyTheRatesOfLaterSteps(ProbeLoss probeLoss, @TempDir Path dir) throws Exception {
    assertArrayEquals(ngdiff(dir.resolve("plain"), 1, 0, probeLoss, false, m -> {}),
        ngdiff(dir.resolve("probed"), 1, 1, probeLoss, false, m -> {}),
        "the probe after step 1 leaves step 1's θ as it was");

    List<StepMetrics> plain = new ArrayList<>();
    ngdiff(dir.resolve("plain7"), STEPS, 0, probeLoss, false, plain::add);
    plain.forEach(m -> assertNull(m.lrScale()));

    List<StepMetrics> probed = new ArrayList<>();
    ngdiff(dir.resolve("probed7"), STEPS, 1, probeLoss, false, probed::add);
    assertEquals(1.0, probed.get(0).lrScale());
    int defined = 0;
    for (int i = 0; i + 1 < probed.size(); i++) {
      StepMetrics m = probed.get(i);
      assertEquals(LR * m.lrScale(), m.lr(), 1e-15, "lr = schedule × scale at step " + m.step());
      double expected = m.genRatio() == null ? m.lrScale()
          : m.lrScale() * (0.9 + 0.1 * Math.max(0.5, Math.min(2, m.genRatio())));
      assertEquals(expected, probed.get(i + 1).lrScale(), 1e-15, "scale after step " + m.step());
      defined += m.genRatio() == null ? 0 : 1;
    }
    assertTrue(defined > 0, "GeN's ratio was defined on at least one step: " + probed);
    assertNotEquals(1.0, probed.get(probed.size() - 1).lrScale(), "the rate adapted");
  }

  static final class Killed extends RuntimeException {}

  @Test
  void resumedRunContinuesWithTheAdaptedRate(@TempDir Path dir) throws Exception {
    float[] uninterrupted = ngdiff(dir.resolve("a"), STEPS, 1, ProbeLoss.RETAIN, false, m -> {});
    Path run = dir.resolve("b");
    assertThrows(Killed.class, () -> ngdiff(run, STEPS, 1, ProbeLoss.RETAIN, false, m -> {
      if (m.step() == 5) {
        throw new Killed();  // checkpoints every 2: resumes from step 4 with step 4's scale
      }
    }));
    assertArrayEquals(uninterrupted, ngdiff(run, STEPS, 1, ProbeLoss.RETAIN, true, m -> {}));
  }
}
