package org.blurnative.kernel;

/** The optimizer a {@link FlatOptimizer} runs, with u = c_f·g_f + c_r·g_r as its gradient. */
public sealed interface OptimizerSettings {

  double weightDecay();

  /** θ ← θ·(1 − lr·wd) − lr·u: the paper's eq. 15 (decoupled and L2 decay coincide for SGD). */
  record Sgd(double weightDecay) implements OptimizerSettings {
    public Sgd {
      requireNonNegative("weight decay", weightDecay);
    }
  }

  /** torch.optim.AdamW: decoupled weight decay, bias correction, float32 moments. */
  record AdamW(double beta1, double beta2, double eps, double weightDecay)
      implements OptimizerSettings {
    public AdamW {
      if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
        throw new IllegalArgumentException(
            "AdamW betas must lie in [0, 1), got (" + beta1 + ", " + beta2 + ")");
      }
      requireNonNegative("AdamW eps", eps);
      requireNonNegative("weight decay", weightDecay);
    }

    /** torch.optim.AdamW's defaults. */
    public static AdamW defaults() {
      return new AdamW(0.9, 0.999, 1e-8, 0.01);
    }
  }

  private static void requireNonNegative(String what, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(what + " must be a finite number >= 0, got " + value);
    }
  }
}
