package org.blurnative.bench;

import static org.bytedeco.pytorch.global.torch.zeros_like;

import java.util.ArrayList;
import java.util.List;
import org.blurnative.kernel.GradientSums;
import org.blurnative.update.Coefficients;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/**
 * The `per-tensor` baseline: the shape of the public reference code, which walks the model's
 * parameters one tensor at a time. Here that is LLaMA-7B's 291 tensors shrunk to n elements
 * ({@link Llama7bShapes}), each θ, g_f and g_r its own allocation:
 *
 * <ul>
 *   <li>reduce: per tensor ⟨g_f,g_r⟩, ‖g_f‖², ‖g_r‖², each fetched with .item() (a host sync
 *       each, 3 × 291 per step) and summed in Java;
 *   <li>step: reduce, BLUR's (c_f, c_r), per tensor .grad ← c_f·g_f + c_r·g_r, then LibTorch's
 *       AdamW over the 291 parameters.
 * </ul>
 *
 * <p>.grad is written in place rather than reallocated each step, which favours the baseline.
 */
final class PerTensorBaseline implements Contender {

  private final List<Tensor> params = new ArrayList<>();     // θ_i
  private final List<Tensor> grads = new ArrayList<>();      // θ_i.grad, written by each step
  private final List<Tensor> gradForget = new ArrayList<>(); // g_f of tensor i
  private final List<Tensor> gradRetain = new ArrayList<>(); // g_r of tensor i
  private final AdamW optimizer;

  PerTensorBaseline(Workload work) {
    long offset = 0;
    for (long size : Llama7bShapes.scaledTo(work.n())) {
      // clone(): separate allocations, as a model's parameters and gradients are
      Tensor theta = work.theta0().narrow(0, offset, size).clone();
      Tensor grad = zeros_like(theta);
      theta.mutable_grad().put(grad);
      params.add(theta);
      grads.add(grad);
      gradForget.add(work.gradForget().narrow(0, offset, size).clone());
      gradRetain.add(work.gradRetain().narrow(0, offset, size).clone());
      offset += size;
    }
    optimizer = LibTorchAdamW.over(new TensorVector(params.toArray(new Tensor[0])),
        StepRecipe.ADAMW, StepRecipe.LR);
  }

  @Override
  public void run(Op op) {
    GradientSums sums = reduce();
    if (op == Op.STEP) {
      Coefficients c = StepRecipe.RULE.coefficients(sums);
      Scalar cf = new Scalar(c.cf());
      Scalar cr = new Scalar(c.cr());
      for (int i = 0; i < params.size(); i++) {
        grads.get(i).copy_(gradForget.get(i)).mul_(cf).add_(gradRetain.get(i), cr);
      }
      optimizer.step();
    }
  }

  private GradientSums reduce() {
    double dot = 0, ff = 0, rr = 0;
    for (int i = 0; i < params.size(); i++) {
      Tensor gf = gradForget.get(i);
      Tensor gr = gradRetain.get(i);
      dot += gf.dot(gr).item_double();
      ff += gf.dot(gf).item_double();
      rr += gr.dot(gr).item_double();
    }
    return GradientSums.of(dot, ff, rr);
  }

  @Override
  public void close() {
    optimizer.close();
    for (List<Tensor> list : List.of(params, grads, gradForget, gradRetain)) {
      list.forEach(Tensor::close);
    }
  }
}
