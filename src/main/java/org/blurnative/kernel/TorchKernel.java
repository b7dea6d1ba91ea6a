package org.blurnative.kernel;

import static org.bytedeco.pytorch.global.torch.ScalarType;
import static org.bytedeco.pytorch.global.torch.vdot;
import static org.bytedeco.pytorch.global.torch.zeros_like;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.SGD;
import org.bytedeco.pytorch.SGDOptions;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/**
 * The `torch` backend: the step as a user would write it from LibTorch ops — three dot products,
 * an add, and LibTorch's own AdamW or SGD. It is the baseline of `bench` and the fallback when
 * the native library cannot load, so its dot products follow DESIGN.md §3 (products and sums in
 * float64, a chunk of the vector at a time) rather than LibTorch's float32 accumulation, which
 * loses about 1e-4 of √(FR) at 50M elements and with it BLUR's ⟨g_f, u⟩ = γF.
 */
final class TorchKernel implements UpdateKernel {
  /**
   * Elements converted to float64 at once: 2 MB per buffer, small enough to stay in cache between
   * the conversion and the three products (`bench` times the result: docs/benchmarks.md).
   */
  private static final long CHUNK = 1 << 18;

  @Override
  public String name() {
    return "torch";
  }

  @Override
  public GradientSums reduce(Tensor gradForget, Tensor gradRetain) {
    try (Tensor gf = asFloat("g_f", gradForget); Tensor gr = asFloat("g_r", gradRetain)) {
      requireSameLength(gf, gr);
      double dot = 0, ff = 0, rr = 0;
      for (long start = 0; start < gf.numel(); start += CHUNK) {
        long length = Math.min(CHUNK, gf.numel() - start);
        try (PointerScope scope = new PointerScope()) {
          Tensor f = gf.narrow(0, start, length).to(ScalarType.Double);
          Tensor r = gr.narrow(0, start, length).to(ScalarType.Double);
          dot += vdot(f, r).item_double();
          ff += vdot(f, f).item_double();
          rr += vdot(r, r).item_double();
        }
      }
      return GradientSums.of(dot, ff, rr);
    }
  }

  @Override
  public void combine(Tensor gradForget, Tensor gradRetain, double cf, double cr, Tensor u) {
    try (Tensor gf = asFloat("g_f", gradForget); Tensor gr = asFloat("g_r", gradRetain)) {
      requireSameLength(gf, gr);
      requireSameLength(gf, u);
      u.copy_(gf).mul_(new Scalar(cf)).add_(gr, new Scalar(cr));
    }
  }

  @Override
  public FlatOptimizer optimizer(Tensor theta, OptimizerSettings settings) {
    if (theta.scalar_type().intern() != ScalarType.Float || !theta.is_contiguous()) {
      throw new IllegalArgumentException("θ must be a contiguous float32 tensor");
    }
    Tensor u = zeros_like(theta);  // LibTorch's optimizers read θ's .grad: u lives there
    theta.mutable_grad().put(u);
    TensorVector params = new TensorVector(theta);
    Optimizer optimizer;
    if (settings instanceof OptimizerSettings.AdamW a) {
      AdamWOptions options = new AdamWOptions(1e-3);
      // betas() points at a std::tuple<double, double>, which libstdc++ stores last element first
      options.betas().put(0, a.beta2()).put(1, a.beta1());
      options.eps().put(a.eps());
      options.weight_decay().put(a.weightDecay());
      optimizer = new org.bytedeco.pytorch.AdamW(params, options);
    } else {
      SGDOptions options = new SGDOptions(1e-3);
      options.weight_decay().put(settings.weightDecay());
      optimizer = new SGD(params, options);
    }
    return new LibTorchOptimizer(this, optimizer, u);
  }

  /** g as float32: bfloat16 is widened (exactly), as a user would before a dot product. */
  private static Tensor asFloat(String name, Tensor g) {
    FlatBuffer.gradient(name, g, g.is_cuda());
    return g.scalar_type().intern() == ScalarType.Float ? g.view(-1) : g.to(ScalarType.Float);
  }

  private static void requireSameLength(Tensor a, Tensor b) {
    if (a.numel() != b.numel()) {
      throw new IllegalArgumentException(
          "flat buffers differ in length: " + a.numel() + " and " + b.numel());
    }
  }

  /** u is written into θ's .grad, then LibTorch's optimizer steps. */
  private static final class LibTorchOptimizer implements FlatOptimizer {
    private final TorchKernel kernel;
    private final Optimizer optimizer;
    private final Tensor u;
    private long steps;

    LibTorchOptimizer(TorchKernel kernel, Optimizer optimizer, Tensor u) {
      this.kernel = kernel;
      this.optimizer = optimizer;
      this.u = u;
    }

    @Override
    public void step(Tensor gradForget, Tensor gradRetain, double cf, double cr, double lr) {
      kernel.combine(gradForget, gradRetain, cf, cr, u);
      optimizer.param_groups().get(0).options().set_lr(lr);
      optimizer.step();
      steps++;
    }

    @Override
    public long steps() {
      return steps;
    }

    @Override
    public void save(Path file) throws IOException {
      try (OutputArchive archive = new OutputArchive()) {
        optimizer.save(archive);
        OptimizerArchive.save(file, steps, Map.of(), archive);
      }
    }

    @Override
    public void load(Path file) {
      try (InputArchive archive = new InputArchive()) {
        steps = OptimizerArchive.load(file, Map.of(), archive);
        optimizer.load(archive);
      }
    }

    /** LibTorch's optimizer keeps its state per parameter, in its own archive: nothing to slice. */
    @Override
    public void copyStateFrom(FlatOptimizer source, long from, long to, long length) {
      throw new IllegalArgumentException("--backend torch keeps LibTorch's own optimizer state, which cannot be"
          + " resharded: resume with the world size and --dist-mode the checkpoint was saved with, or train with"
          + " --backend cpu");
    }

    @Override
    public void close() {
      optimizer.close();
      u.close();
    }
  }
}
