package org.blurnative.api;

import static org.bytedeco.pytorch.global.torch.ScalarType;
import static org.bytedeco.pytorch.global.torch.from_blob;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Objects;
import org.blurnative.kernel.Backend;
import org.blurnative.kernel.FlatOptimizer;
import org.blurnative.kernel.GradientSums;
import org.blurnative.kernel.OptimizerSettings;
import org.blurnative.kernel.UpdateKernel;
import org.blurnative.update.BlurRule;
import org.blurnative.update.ClippedCoefficients;
import org.blurnative.update.Coefficients;
import org.blurnative.update.Diagnostics;
import org.blurnative.update.UpdateRule;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * A fused optimizer over one flat θ whose step takes G_f and G_r: reduce → rule → (clip) → fused
 * SGD or AdamW, reading each buffer once (see the {@linkplain org.blurnative.api package} for an
 * example). Not thread-safe: one trainer thread steps it. Close it to release the optimizer state.
 */
public final class BlurOptimizer implements AutoCloseable {
  private final UpdateKernel kernel;
  private final UpdateRule rule;
  private final double clipNorm;
  private final Tensor theta;
  private final boolean ownsTheta;
  private final FlatOptimizer optimizer;

  private BlurOptimizer(Builder b, Tensor theta, boolean ownsTheta) {
    this.kernel = b.backend.openWithFallback(b.threads, System.err::println);
    this.rule = b.rule;
    this.clipNorm = b.clipNorm;
    this.theta = theta;
    this.ownsTheta = ownsTheta;
    this.optimizer = kernel.optimizer(theta, b.settings);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** One step with learning rate {@code lr} from the accumulated gradients, as tensors. */
  public StepResult step(Tensor gradForget, Tensor gradRetain, double lr) {
    requireRate(lr);
    GradientSums sums = kernel.reduce(gradForget, gradRetain);
    Coefficients c = rule.coefficients(sums);
    if (sums.nonFinite()) {
      return new StepResult(sums, c, Diagnostics.of(sums, c), null, true);
    }
    ClippedCoefficients clipped = ClippedCoefficients.of(c, sums, clipNorm);
    c = clipped.coefficients();
    optimizer.step(gradForget, gradRetain, c.cf(), c.cr(), lr);
    return new StepResult(sums, c, Diagnostics.of(sums, c), clipped.scale(), false);
  }

  /** One step from gradients in direct float32 buffers (their remaining elements). */
  public StepResult step(FloatBuffer gradForget, FloatBuffer gradRetain, double lr) {
    try (PointerScope scope = new PointerScope()) {
      return step(view("gradForget", gradForget, false), view("gradRetain", gradRetain, false), lr);
    }
  }

  /** Steps applied so far (skipped ones not counted). */
  public long steps() {
    return optimizer.steps();
  }

  /** The kernel backend that runs the steps: "cpu", or "torch" after a fallback. */
  public String backend() {
    return kernel.name();
  }

  @Override
  public void close() {
    optimizer.close();
    if (ownsTheta) {
      theta.close();
    }
  }

  /** A float32 tensor over a direct buffer's remaining elements, sharing its memory. */
  static Tensor view(String name, FloatBuffer buffer, boolean writable) {
    if (!buffer.isDirect()) {
      throw new IllegalArgumentException(name + " must be a direct FloatBuffer (ByteBuffer.allocateDirect(...)"
          + ".order(ByteOrder.nativeOrder()).asFloatBuffer()), got a heap buffer");
    }
    if (buffer.order() != ByteOrder.nativeOrder()) {
      throw new IllegalArgumentException(name + " must be in native byte order (" + ByteOrder.nativeOrder() + ")");
    }
    if (writable && buffer.isReadOnly()) {
      throw new IllegalArgumentException(name + " is read-only, but the step writes it");
    }
    long n = buffer.remaining();
    TensorOptions float32 = new TensorOptions(ScalarType.Float);
    if (n == 0) {
      return torch.zeros(new long[] {0}, float32);
    }
    return from_blob(new FloatPointer(buffer.slice()), new long[] {n}, float32);
  }

  private static void requireRate(double lr) {
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("lr must be a finite number >= 0, got " + lr);
    }
  }

  /** What the optimizer runs; every setting has a default but θ, given last by {@code over}. */
  public static final class Builder {
    private UpdateRule rule = new BlurRule(1.0);
    private OptimizerSettings settings = OptimizerSettings.AdamW.defaults();
    private double clipNorm;
    private Backend backend = Backend.CPU;
    private int threads;

    private Builder() {}

    /** The rule (c_f, c_r) = f(d, F, R): BlurRule (default, γ = 1), SwappedBlurRule, ScaleInvariantBlurRule, WeightedSumRule, NormalizedDifferenceRule, PcGradRule, MinNormRule, CaGradRule. */
    public Builder rule(UpdateRule rule) {
      this.rule = Objects.requireNonNull(rule, "rule");
      return this;
    }

    /** AdamW with these settings (default: torch.optim.AdamW's). */
    public Builder adamW(OptimizerSettings.AdamW settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** Plain SGD, the paper's eq. 15, with decoupled weight decay. */
    public Builder sgd(double weightDecay) {
      this.settings = new OptimizerSettings.Sgd(weightDecay);
      return this;
    }

    /** Shortens u to this norm when it is longer; 0 (the default) never clips. */
    public Builder clip(double maxNorm) {
      if (!(maxNorm >= 0) || Double.isInfinite(maxNorm)) {
        throw new IllegalArgumentException("clip must be a finite number >= 0, got " + maxNorm);
      }
      this.clipNorm = maxNorm;
      return this;
    }

    /** The kernel backend (default cpu, with the torch fallback) and its threads (0: all cores). */
    public Builder backend(Backend backend, int threads) {
      if (threads < 0) {
        throw new IllegalArgumentException("threads must be >= 0, got " + threads);
      }
      this.backend = Objects.requireNonNull(backend, "backend");
      this.threads = threads;
      return this;
    }

    /** The optimizer over θ, a flat float32 CPU tensor that the steps update in place. */
    public BlurOptimizer over(Tensor theta) {
      return new BlurOptimizer(this, theta, false);
    }

    /** The optimizer over θ, a direct float32 buffer (its remaining elements) updated in place. */
    public BlurOptimizer over(FloatBuffer theta) {
      return new BlurOptimizer(this, view("theta", theta, true), true);
    }
  }
}
