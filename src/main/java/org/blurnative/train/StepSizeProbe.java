package org.blurnative.train;

import org.blurnative.data.AlignedBatch;
import org.blurnative.dist.Collective;
import org.blurnative.model.FlatParameters;
import org.blurnative.update.Coefficients;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * The adaptive learning rate's measurement (NGDiff's, via GeN): after a step θ → θ + Δ, forward
 * passes over the step's own batches give a {@link ProbeLoss} at θ − Δ, θ and θ + Δ, and {@link
 * GeneralizedNewtonStep} turns them into the next learning-rate scale. The step moved along
 * AdamW's or SGD's preconditioned u, which is what the parabola is fitted along, as GeN does.
 *
 * <p>With more than one rank each measures its share of the batches, and the three losses are
 * summed over the ranks, so every rank fits the same parabola.
 *
 * <p>θ is restored bit for bit afterwards (from a copy, not by arithmetic), so a probe changes
 * nothing but the learning rate of later steps. It holds two extra copies of θ while it runs.
 */
final class StepSizeProbe {
  private final LossEvaluator evaluator;
  private final FlatParameters parameters;
  private final int microBatches;
  private final ProbeLoss probeLoss;
  private final Collective collective;

  StepSizeProbe(LossEvaluator evaluator, FlatParameters parameters, int microBatches,
      ProbeLoss probeLoss, Collective collective) {
    this.evaluator = evaluator;
    this.parameters = parameters;
    this.microBatches = microBatches;
    this.probeLoss = probeLoss;
    this.collective = collective;
  }

  /** One side of the step: an objective and the batch the step used for it. */
  record Side(Objective objective, AlignedBatch batch) {}

  /**
   * What a probe measured: the probe loss at θ − Δ, θ and θ + Δ, GeN's r* (NaN when undefined)
   * and the scale for later steps.
   */
  record Result(double minus, double zero, double plus, double ratio, double nextScale) {}

  /** Measures around the step just taken from {@code before} (θ now holds θ + Δ). */
  Result probe(Tensor before, double scale, Coefficients c, Side forget, Side retain) {
    Tensor theta = parameters.theta();
    try (NoGradGuard noGrad = new NoGradGuard(); Tensor after = theta.clone()) {
      double plus = loss(c, forget, retain);
      theta.copy_(before);
      parameters.publish();
      double zero = loss(c, forget, retain);
      theta.mul_(new Scalar(2.0)).sub_(after);  // θ − Δ = 2θ − (θ + Δ)
      parameters.publish();
      double minus = loss(c, forget, retain);
      theta.copy_(after);
      parameters.publish();
      double[] all = collective.sumInRankOrder(minus, zero, plus);  // (θ − Δ, θ, θ + Δ) over every rank
      return new Result(all[0], all[1], all[2], GeneralizedNewtonStep.optimalRatio(all[0], all[1], all[2]),
          GeneralizedNewtonStep.nextScale(scale, all[0], all[1], all[2]));
    }
  }

  private double loss(Coefficients c, Side forget, Side retain) {
    if (probeLoss == ProbeLoss.RETAIN) {
      return value(retain);
    }
    return c.cf() * value(forget) + (retain == null || c.cr() == 0 ? 0 : c.cr() * value(retain));
  }

  private double value(Side side) {
    return evaluator.evaluate(side.objective().loss(), side.batch(), microBatches);
  }
}
