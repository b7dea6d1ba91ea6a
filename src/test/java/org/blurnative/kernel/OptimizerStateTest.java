package org.blurnative.kernel;

import static org.bytedeco.pytorch.global.torch.ScalarType;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Saving an optimizer mid-run and loading it into a fresh one continues bit for bit. */
class OptimizerStateTest {

  @ParameterizedTest
  @EnumSource(value = Backend.class, names = {"JAVA", "TORCH", "CPU"})
  void saveAndLoadContinueBitIdentically(Backend backend, @TempDir Path dir) throws Exception {
    for (OptimizerSettings settings :
        List.of(OptimizerSettings.AdamW.defaults(), new OptimizerSettings.Sgd(0.01))) {
      try (PointerScope scope = new PointerScope()) {
        long n = 1029;
        Vectors rnd = new Vectors();
        List<Tensor[]> grads = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          grads.add(new Tensor[] {rnd.normal(n, ScalarType.Float), rnd.normal(n, ScalarType.Float)});
        }
        UpdateKernel kernel = backend.open(0);
        Tensor uninterrupted = rnd.normal(n, ScalarType.Float);
        Tensor resumed = uninterrupted.clone();
        Path file = dir.resolve(backend + "-" + settings.getClass().getSimpleName() + ".pt");
        try (FlatOptimizer first = kernel.optimizer(uninterrupted, settings)) {
          for (int i = 0; i < 3; i++) {
            first.step(grads.get(i)[0], grads.get(i)[1], -0.5, 1, 1e-2);
          }
          first.save(file);
          resumed.copy_(uninterrupted);
          for (int i = 3; i < 6; i++) {
            first.step(grads.get(i)[0], grads.get(i)[1], -0.5, 1, 1e-2);
          }
        }
        try (FlatOptimizer second = kernel.optimizer(resumed, settings)) {
          second.load(file);
          assertEquals(3, second.steps());
          for (int i = 3; i < 6; i++) {
            second.step(grads.get(i)[0], grads.get(i)[1], -0.5, 1, 1e-2);
          }
        }
        assertArrayEquals(Vectors.values(uninterrupted), Vectors.values(resumed),
            backend + " " + settings + " " + rnd.context(n, ScalarType.Float));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Backend.class, names = {"JAVA", "CPU"})
  void stateOfAnotherSizeIsRefused(Backend backend, @TempDir Path dir) throws Exception {
    try (PointerScope scope = new PointerScope()) {
      Path file = dir.resolve("state.pt");
      try (FlatOptimizer small = backend.open(0).optimizer(Vectors.zeros(5), OptimizerSettings.AdamW.defaults())) {
        small.save(file);
      }
      try (FlatOptimizer big = backend.open(0).optimizer(Vectors.zeros(6), OptimizerSettings.AdamW.defaults())) {
        assertThrows(IllegalArgumentException.class, () -> big.load(file));
      }
      try (FlatOptimizer any = backend.open(0).optimizer(Vectors.zeros(5), OptimizerSettings.AdamW.defaults())) {
        assertThrows(IllegalArgumentException.class, () -> any.load(dir.resolve("missing.pt")));
      }
    }
  }

  /**
   * Resharding copies state between optimizers of one kernel and settings: a slice of AdamW's
   * moments lands where it is asked to with the step count; another optimizer's state is refused.
   */
  @ParameterizedTest
  @EnumSource(value = Backend.class, names = {"JAVA", "CPU"})
  void stateIsCopiedOnlyBetweenOptimizersOfOneKind(Backend backend) {
    try (PointerScope scope = new PointerScope()) {
      Vectors rnd = new Vectors();
      UpdateKernel kernel = backend.open(0);
      Tensor whole = rnd.normal(10, ScalarType.Float);
      Tensor slice = Vectors.zeros(4);
      try (FlatOptimizer source = kernel.optimizer(whole, OptimizerSettings.AdamW.defaults());
          FlatOptimizer sliced = kernel.optimizer(slice, OptimizerSettings.AdamW.defaults());
          FlatOptimizer sgd = kernel.optimizer(Vectors.zeros(4), new OptimizerSettings.Sgd(0.01));
          FlatOptimizer torch = Backend.TORCH.open(0).optimizer(Vectors.zeros(4), OptimizerSettings.AdamW.defaults())) {
        Tensor gf = rnd.normal(10, ScalarType.Float), gr = rnd.normal(10, ScalarType.Float);
        source.step(gf, gr, -0.5, 1, 1e-2);
        source.step(gf, gr, -0.5, 1, 1e-2);
        sliced.copyStateFrom(source, 6, 1, 3);
        assertEquals(2, sliced.steps());
        // one more step from the copied state moves θ[1..3] as the source's moves its θ[6..8]
        slice.narrow(0, 1, 3).copy_(whole.narrow(0, 6, 3));
        Tensor sliceGf = Vectors.zeros(4), sliceGr = Vectors.zeros(4);
        sliceGf.narrow(0, 1, 3).copy_(gf.narrow(0, 6, 3));
        sliceGr.narrow(0, 1, 3).copy_(gr.narrow(0, 6, 3));
        source.step(gf, gr, -0.5, 1, 1e-2);
        sliced.step(sliceGf, sliceGr, -0.5, 1, 1e-2);
        assertArrayEquals(Vectors.values(whole.narrow(0, 6, 3)), Vectors.values(slice.narrow(0, 1, 3)),
            rnd.context(10, ScalarType.Float));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> sgd.copyStateFrom(source, 0, 0, 4));
        assertTrue(e.getMessage().startsWith("cannot take the state of "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> sliced.copyStateFrom(torch, 0, 0, 4));
      }
    }
  }
}
