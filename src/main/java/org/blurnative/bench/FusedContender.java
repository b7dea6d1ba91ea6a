package org.blurnative.bench;

import org.blurnative.kernel.FlatOptimizer;
import org.blurnative.kernel.GradientSums;
import org.blurnative.kernel.UpdateKernel;
import org.blurnative.update.Coefficients;
import org.bytedeco.pytorch.Tensor;

/**
 * A backend of the kernel package (cpu, cuda, torch, java) on one flat θ: exactly the calls a
 * training step makes, so what is timed is what training pays.
 */
final class FusedContender implements Contender {

  private final UpdateKernel kernel;
  private final Workload work;
  private final Tensor theta;
  private final FlatOptimizer optimizer;

  FusedContender(UpdateKernel kernel, Workload work) {
    this.kernel = kernel;
    this.work = work;
    this.theta = work.theta0().clone();
    this.optimizer = kernel.optimizer(theta, StepRecipe.ADAMW);
  }

  @Override
  public void run(Op op) {
    GradientSums sums = kernel.reduce(work.gradForget(), work.gradRetain());
    if (op == Op.STEP) {
      Coefficients c = StepRecipe.RULE.coefficients(sums);
      optimizer.step(work.gradForget(), work.gradRetain(), c.cf(), c.cr(), StepRecipe.LR);
    }
  }

  @Override
  public void close() {
    optimizer.close();
    theta.close();
  }
}
