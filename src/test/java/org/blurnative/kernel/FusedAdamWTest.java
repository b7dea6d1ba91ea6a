package org.blurnative.kernel;

import static org.bytedeco.pytorch.global.torch.ScalarType;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fused AdamW of libblur equals LibTorch's own AdamW (torch::optim::AdamW) on identical copies
 * over 10 steps. With c_f = 1, c_r = 0 both optimizers see u = g_f bit for bit, so the comparison
 * isolates the optimizer's arithmetic (moments, bias correction, decoupled decay) at eps = 1e-8.
 */
class FusedAdamWTest {

  @ParameterizedTest(name = "n={0}")
  @ValueSource(longs = {1, 7, 1023, (1 << 20) + 5})
  void fusedAdamWEqualsLibTorchAdamW(long n) {
    try (PointerScope scope = new PointerScope()) {
      Vectors rnd = new Vectors();
      OptimizerSettings.AdamW settings = new OptimizerSettings.AdamW(0.9, 0.999, 1e-8, 0.01);
      Tensor theta = rnd.normal(n, ScalarType.Float);
      Tensor fusedTheta = theta.clone(), torchTheta = theta.clone();
      double formed = Vectors.maxAbs(theta);
      try (FlatOptimizer fused = Backend.CPU.open(0).optimizer(fusedTheta, settings);
          FlatOptimizer libtorch = Backend.TORCH.open(0).optimizer(torchTheta, settings)) {
        for (int step = 1; step <= 10; step++) {
          Tensor gf = rnd.normal(n, ScalarType.Float), gr = rnd.normal(n, ScalarType.Float);
          double lr = 1e-3 * step;  // a changing learning rate, as a schedule would give
          fused.step(gf, gr, 1.0, 0.0, lr);
          libtorch.step(gf, gr, 1.0, 0.0, lr);
          formed += lr * Vectors.largestMove(settings, gf, gr, 1.0, 0.0);
        }
      }
      double err = Vectors.relativeMaxError(Vectors.values(fusedTheta), Vectors.values(torchTheta), formed);
      assertTrue(err <= 1e-6, rnd.context(n, ScalarType.Float) + " max relative diff " + err);
      double moved = Vectors.relativeMaxError(Vectors.values(fusedTheta), Vectors.values(theta));
      assertTrue(moved > 1e-4, "the optimizer must actually move θ, moved " + moved);
    }
  }

  @ParameterizedTest(name = "n={0}")
  @ValueSource(longs = {1, 1023, (1 << 20) + 5})
  void fusedSgdEqualsLibTorchSgd(long n) {
    try (PointerScope scope = new PointerScope()) {
      Vectors rnd = new Vectors();
      OptimizerSettings.Sgd settings = new OptimizerSettings.Sgd(0.1);
      Tensor theta = rnd.normal(n, ScalarType.Float);
      Tensor fusedTheta = theta.clone(), torchTheta = theta.clone();
      double formed = Vectors.maxAbs(theta);
      try (FlatOptimizer fused = Backend.CPU.open(0).optimizer(fusedTheta, settings);
          FlatOptimizer libtorch = Backend.TORCH.open(0).optimizer(torchTheta, settings)) {
        for (int step = 1; step <= 10; step++) {
          Tensor gf = rnd.normal(n, ScalarType.Float), gr = rnd.normal(n, ScalarType.Float);
          fused.step(gf, gr, 1.0, 0.0, 1e-2);
          libtorch.step(gf, gr, 1.0, 0.0, 1e-2);
          formed += 1e-2 * Vectors.largestMove(settings, gf, gr, 1.0, 0.0);
        }
      }
      double err = Vectors.relativeMaxError(Vectors.values(fusedTheta), Vectors.values(torchTheta), formed);
      assertTrue(err <= 1e-6, rnd.context(n, ScalarType.Float) + " max relative diff " + err);
    }
  }
}
