package org.blurnative.kernel;

import static org.bytedeco.pytorch.global.torch.ScalarType;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** A 50M-element run of `cpu` against the float64 reference: reduce, combine, one AdamW step. */
class LargeVectorTest {
  static final long N = 50_000_000;

  @Test
  void fiftyMillionElementsMatchTheReference() {
    try (PointerScope scope = new PointerScope()) {
      Vectors rnd = new Vectors();
      String ctx = rnd.context(N, ScalarType.Float);
      Tensor gf = rnd.normal(N, ScalarType.Float), gr = rnd.normal(N, ScalarType.Float);
      UpdateKernel cpu = Backend.CPU.open(0), java = Backend.JAVA.open(0);

      BackendAgreementTest.assertSumsClose(java.reduce(gf, gr), cpu.reduce(gf, gr), 1e-12, ctx);

      Tensor expected = Vectors.zeros(N), actual = Vectors.zeros(N);
      java.combine(gf, gr, -0.3, 1.0, expected);
      cpu.combine(gf, gr, -0.3, 1.0, actual);
      double combineErr = Vectors.relativeMaxError(Vectors.values(actual), Vectors.values(expected));
      assertTrue(combineErr <= 1e-6, ctx + " combine error " + combineErr);

      OptimizerSettings.AdamW adamW = new OptimizerSettings.AdamW(0.9, 0.999, 1e-3, 0.01);
      Tensor theta = rnd.normal(N, ScalarType.Float);
      Tensor thetaRef = theta.clone();
      try (FlatOptimizer fused = cpu.optimizer(theta, adamW);
          FlatOptimizer ref = java.optimizer(thetaRef, adamW)) {
        fused.step(gf, gr, -0.3, 1.0, 1e-2);
        ref.step(gf, gr, -0.3, 1.0, 1e-2);
      }
      double adamErr = Vectors.relativeMaxError(Vectors.values(theta), Vectors.values(thetaRef));
      assertTrue(adamErr <= 1e-6, ctx + " AdamW error " + adamErr);
    }
  }
}
