package org.blurnative.train;

import org.blurnative.data.TokenBatch;
import org.blurnative.model.FlatParameters;
import org.blurnative.update.Coefficients;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * The adaptive learning rate's measurement (NGDiff's, via GeN): after a step θ → θ + Δ, three
 * forward passes over the step's own batches give the probe loss at θ − Δ, θ and θ + Δ, and
 * {@link GeneralizedNewtonStep} turns them into the next learning-rate scale.
 *
 * <p>The probe loss is c_f·f + c_r·r with the step's coefficients: the scalarisation whose
 * gradient at θ is the step's u. For NGDiff that is f/‖g_f‖ + r/‖g_r‖, the objective its
 * normalised direction descends; for a weighted sum it is the sum itself. The step moved along
 * AdamW's or SGD's preconditioned u, which is what the parabola is fitted along, as GeN does.
 *
 * <p>θ is restored bit for bit afterwards (from a copy, not by arithmetic), so a probe changes
 * nothing but the learning rate of later steps. It holds two extra copies of θ while it runs.
 */
final class StepSizeProbe {
  private final LossEvaluator evaluator;
  private final FlatParameters parameters;
  private final int microBatches;

  StepSizeProbe(LossEvaluator evaluator, FlatParameters parameters, int microBatches) {
    this.evaluator = evaluator;
    this.parameters = parameters;
    this.microBatches = microBatches;
  }

  /** One side of the step: an objective and the batch the step used for it. */
  record Side(Objective objective, TokenBatch batch) {}

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
      return new Result(minus, zero, plus, GeneralizedNewtonStep.optimalRatio(minus, zero, plus),
          GeneralizedNewtonStep.nextScale(scale, minus, zero, plus));
    }
  }

  private double loss(Coefficients c, Side forget, Side retain) {
    double value = c.cf() * evaluator.evaluate(forget.objective().loss(), forget.batch(), microBatches);
    if (retain != null && c.cr() != 0) {
      value += c.cr() * evaluator.evaluate(retain.objective().loss(), retain.batch(), microBatches);
    }
    return value;
  }
}
