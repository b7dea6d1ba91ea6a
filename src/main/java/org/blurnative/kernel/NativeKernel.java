package org.blurnative.kernel;

import static org.bytedeco.pytorch.global.torch.zeros_like;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.blurnative.kernel.jni.BlurNative;
import org.blurnative.kernel.jni.BlurNative.AdamWHyper;
import org.blurnative.kernel.jni.BlurNative.Sums;
import org.bytedeco.pytorch.Tensor;

/** The `cpu` and `cuda` backends: our fused kernels, called on the tensors' own memory. */
final class NativeKernel implements UpdateKernel {

  private final NativeCalls calls;

  NativeKernel(NativeCalls calls) {
    this.calls = calls;
  }

  @Override
  public String name() {
    return calls.backendName();
  }

  @Override
  public GradientSums reduce(Tensor gradForget, Tensor gradRetain) {
    FlatBuffer gf = gradient("g_f", gradForget);
    FlatBuffer gr = gradient("g_r", gradRetain);
    FlatBuffer.requireSameDtype(gf, gr);
    try (Sums out = new Sums()) {
      check(calls.reduce(gf.address(), gr.address(), gf.length(), gf.dtype(), out));
      return new GradientSums(out.dot(), out.ff(), out.rr(), out.nonfinite() != 0);
    }
  }

  @Override
  public void combine(Tensor gradForget, Tensor gradRetain, double cf, double cr, Tensor u) {
    FlatBuffer gf = gradient("g_f", gradForget);
    FlatBuffer gr = gradient("g_r", gradRetain);
    FlatBuffer.requireSameDtype(gf, gr);
    FlatBuffer out = FlatBuffer.float32("u", u, calls.onGpu());
    gf.sameLengthAs("g_f", out, "u");
    check(calls.combine(gf.address(), gr.address(), gf.length(), gf.dtype(), cf, cr, out.address()));
  }

  @Override
  public FlatOptimizer optimizer(Tensor theta, OptimizerSettings settings) {
    FlatBuffer.float32("θ", theta, calls.onGpu());
    return stepper(theta, settings, null);
  }

  /** The working copy is written by the fused blur_apply_*_bf16copy, in the step's own pass. */
  @Override
  public FlatOptimizer optimizer(Tensor theta, OptimizerSettings settings, Tensor workingCopy) {
    FlatBuffer.float32("θ", theta, calls.onGpu());
    WorkingCopyAfterStep.check(theta, workingCopy);
    return stepper(theta, settings, workingCopy);
  }

  private Stepper stepper(Tensor theta, OptimizerSettings settings, Tensor workingCopy) {
    if (settings instanceof OptimizerSettings.AdamW adamW) {
      return new AdamW(theta, workingCopy, adamW);
    }
    return new Sgd(theta, workingCopy, (OptimizerSettings.Sgd) settings);
  }

  private FlatBuffer gradient(String name, Tensor t) {
    return FlatBuffer.gradient(name, t, calls.onGpu());
  }

  private void check(int status) {
    if (status != BlurNative.BLUR_OK) {
      throw new IllegalArgumentException(calls.lastError());
    }
  }

  /** Checks g_f and g_r against θ and returns them as buffers, g_f first. */
  private FlatBuffer[] gradientsFor(FlatBuffer theta, Tensor gradForget, Tensor gradRetain) {
    FlatBuffer gf = gradient("g_f", gradForget);
    FlatBuffer gr = gradient("g_r", gradRetain);
    FlatBuffer.requireSameDtype(gf, gr);
    theta.sameLengthAs("θ", gf, "g_f");
    return new FlatBuffer[] {gf, gr};
  }

  /**
   * What both fused optimizers share: θ, its bf16 working copy (null without mixed precision),
   * the step count, the checks, the state file.
   */
  private abstract class Stepper implements FlatOptimizer {
    final Tensor theta;
    final Tensor workingCopy;
    long steps;

    Stepper(Tensor theta, Tensor workingCopy) {
      this.theta = theta;
      this.workingCopy = workingCopy;
    }

    @Override
    public final void step(Tensor gradForget, Tensor gradRetain, double cf, double cr, double lr) {
      FlatBuffer t = FlatBuffer.float32("θ", theta, calls.onGpu());
      FlatBuffer[] g = gradientsFor(t, gradForget, gradRetain);
      FlatBuffer copy = workingCopy == null ? null
          : FlatBuffer.bfloat16("the working copy", workingCopy, calls.onGpu());
      check(apply(t, copy, g[0], g[1], cf, cr, lr));
      steps++;
    }

    /** One native update, writing {@code copy} too unless it is null; returns its status. */
    abstract int apply(FlatBuffer theta, FlatBuffer copy, FlatBuffer gf, FlatBuffer gr, double cf,
        double cr, double lr);

    /** The state tensors by name (none for SGD). */
    abstract Map<String, Tensor> state();

    @Override
    public final long steps() {
      return steps;
    }

    @Override
    public final void save(Path file) throws IOException {
      OptimizerArchive.save(file, steps, state());
    }

    @Override
    public final void load(Path file) {
      steps = OptimizerArchive.load(file, state());
    }

    @Override
    public final void copyStateFrom(FlatOptimizer source, long from, long to, long length) {
      Map<String, Tensor> theirs = FlatOptimizer.sameKind(source, this).state();
      state().forEach((name, mine) -> mine.narrow(0, to, length).copy_(theirs.get(name).narrow(0, from, length)));
      steps = source.steps();
    }
  }

  private final class Sgd extends Stepper {
    private final float weightDecay;

    Sgd(Tensor theta, Tensor workingCopy, OptimizerSettings.Sgd settings) {
      super(theta, workingCopy);
      this.weightDecay = (float) settings.weightDecay();
    }

    @Override
    int apply(FlatBuffer t, FlatBuffer copy, FlatBuffer gf, FlatBuffer gr, double cf, double cr,
        double lr) {
      if (copy == null) {
        return calls.sgd(t.address(), gf.address(), gr.address(), t.length(), gf.dtype(), cf, cr,
            (float) lr, weightDecay);
      }
      return calls.sgdWithCopy(t.address(), copy.address(), gf.address(), gr.address(), t.length(),
          gf.dtype(), cf, cr, (float) lr, weightDecay);
    }

    @Override
    Map<String, Tensor> state() {
      return Map.of();
    }

    @Override
    public void close() {}
  }

  private final class AdamW extends Stepper {
    private final Tensor m;  // first moment, float32, like θ
    private final Tensor v;  // second moment
    private final AdamWHyper hyper = new AdamWHyper();

    AdamW(Tensor theta, Tensor workingCopy, OptimizerSettings.AdamW settings) {
      super(theta, workingCopy);
      this.m = zeros_like(theta);
      this.v = zeros_like(theta);
      hyper.beta1((float) settings.beta1()).beta2((float) settings.beta2())
          .eps((float) settings.eps()).weight_decay((float) settings.weightDecay());
    }

    @Override
    int apply(FlatBuffer t, FlatBuffer copy, FlatBuffer gf, FlatBuffer gr, double cf, double cr,
        double lr) {
      hyper.lr((float) lr).step(steps + 1);
      long first = FlatBuffer.float32("m", m, calls.onGpu()).address();
      long second = FlatBuffer.float32("v", v, calls.onGpu()).address();
      if (copy == null) {
        return calls.adamw(t.address(), first, second, gf.address(), gr.address(), t.length(),
            gf.dtype(), cf, cr, hyper);
      }
      return calls.adamwWithCopy(t.address(), copy.address(), first, second, gf.address(),
          gr.address(), t.length(), gf.dtype(), cf, cr, hyper);
    }

    @Override
    Map<String, Tensor> state() {
      return Map.of("m", m, "v", v);
    }

    @Override
    public void close() {
      m.close();
      v.close();
      hyper.close();
    }
  }
}
