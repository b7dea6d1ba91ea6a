package org.blurnative.bench;

import static org.bytedeco.pytorch.global.torch.ScalarType;

import org.blurnative.kernel.FlatOptimizer;
import org.blurnative.kernel.GradientSums;
import org.blurnative.kernel.UpdateKernel;
import org.blurnative.update.Coefficients;
import org.bytedeco.pytorch.Tensor;

/**
 * A backend under bf16 mixed precision: bfloat16 g_f and g_r, a float32 master θ with float32
 * AdamW state, and θ's bfloat16 working copy that the model computes with. step-bf16 keeps the
 * copy with the kernel's own optimizer (one pass on cpu and cuda); step-bf16-2pass is what a
 * trainer without it does, the float32 step and then {@code copy ← θ.to(bfloat16)}.
 */
final class MixedPrecisionContender implements Contender {

  private final UpdateKernel kernel;
  private final Tensor gradForget;  // bfloat16
  private final Tensor gradRetain;
  private final Tensor theta;       // master of the fused optimizer
  private final Tensor copy;        // its bf16 working copy
  private final FlatOptimizer fused;
  private final Tensor twoPassTheta;
  private final Tensor twoPassCopy;
  private final FlatOptimizer twoPass;

  MixedPrecisionContender(UpdateKernel kernel, Workload work) {
    this.kernel = kernel;
    this.gradForget = work.gradForget().to(ScalarType.BFloat16);
    this.gradRetain = work.gradRetain().to(ScalarType.BFloat16);
    this.theta = work.theta0().clone();
    this.copy = theta.to(ScalarType.BFloat16);
    this.fused = kernel.optimizer(theta, StepRecipe.ADAMW, copy);
    this.twoPassTheta = work.theta0().clone();
    this.twoPassCopy = twoPassTheta.to(ScalarType.BFloat16);
    this.twoPass = kernel.optimizer(twoPassTheta, StepRecipe.ADAMW);
  }

  @Override
  public void run(Op op) {
    GradientSums sums = kernel.reduce(gradForget, gradRetain);
    if (op == Op.REDUCE_BF16) {
      return;
    }
    Coefficients c = StepRecipe.RULE.coefficients(sums);
    if (op == Op.STEP_BF16) {
      fused.step(gradForget, gradRetain, c.cf(), c.cr(), StepRecipe.LR);
    } else {
      twoPass.step(gradForget, gradRetain, c.cf(), c.cr(), StepRecipe.LR);
      twoPassCopy.copy_(twoPassTheta);
    }
  }

  @Override
  public void close() {
    fused.close();
    twoPass.close();
    for (Tensor t : new Tensor[] {gradForget, gradRetain, theta, copy, twoPassTheta, twoPassCopy}) {
      t.close();
    }
  }
}
