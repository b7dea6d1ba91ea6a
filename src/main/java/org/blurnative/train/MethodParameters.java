package org.blurnative.train;

/**
 * The hyper-parameters a method may use (paper §5 and Table 1 names), refused by flag when the
 * float32 losses and kernels could not form what they scale: a γ of 1e300 would otherwise make
 * every c_f leave float32's range, be treated as an underflowed gradient's and set to 0, and the
 * run would forget nothing while exiting 0.
 *
 * @param gamma BLUR's γ: ⟨g_f, u⟩ = γ‖g_f‖²
 * @param beta NPO/SimNPO/DPO inverse temperature
 * @param delta SimNPO margin
 * @param lambda the retain weight of the weighted-sum baselines (RMU's α)
 * @param rmuLayer the decoder layer (0-based) whose output RMU steers
 * @param rmuSteering RMU's steering coefficient c
 * @param seed seeds RMU's random control vector
 * @param retainLoss the retain objective of the QA methods: NLL on D_r, or KL to the original
 *     model on D_r (DESIGN.md §1); RMU methods always use RMU's retain loss
 * @param swapLevels BLUR with the roles swapped (paper Remark 2.1, an ablation): the retain loss
 *     becomes the protected lower level
 * @param cagradC CAGrad's c: u stays within c·‖g_0‖ of the average gradient g_0
 * @param wgaBeta WGA's β, the exponent of the token weight π^β (open-unlearning's default 1)
 * @param undialStrength UNDIAL's β, how far the answer token's reference logit is lowered (default 10)
 * @param satImpBeta1 SatImp's β₁, the exponent of π (default 5)
 * @param satImpBeta2 SatImp's β₂, the exponent of 1 − π (default 1)
 */
public record MethodParameters(double gamma, double beta, double delta, double lambda, int rmuLayer,
    double rmuSteering, long seed, RetainLoss retainLoss, boolean swapLevels, double cagradC, double wgaBeta,
    double undialStrength, double satImpBeta1, double satImpBeta2) {

  public MethodParameters {
    requireFloat32("--gamma", gamma);
    requireFloat32("--wga-beta", wgaBeta);
    requireFloat32("--undial-strength", undialStrength);
    requireFloat32("--satimp-beta1", satImpBeta1);
    requireFloat32("--satimp-beta2", satImpBeta2);
    // c·‖g_0‖ is a length: c < 0 has no meaning
    if (!(cagradC >= 0 && cagradC <= Float.MAX_VALUE)) {
      throw new IllegalArgumentException("--cagrad-c must be a number >= 0 and at most 3.4e38, got " + cagradC);
    }
    requireFloat32("--lambda", lambda);
    requireFloat32("--delta", delta);
    // NPO, SimNPO and DPO scale log-probabilities by β and the loss by 2/β, both in float32
    if (!(beta >= 2 / Float.MAX_VALUE && beta <= Float.MAX_VALUE)) {
      throw new IllegalArgumentException("--beta must be between 5.9e-39 and 3.4e38, so that β and 2/β"
          + " fit float32, got " + beta);
    }
    // the control vector c·u is float32
    if (!(rmuSteering > 0 && rmuSteering <= Float.MAX_VALUE)) {
      throw new IllegalArgumentException("--rmu-steering must be a number > 0 and at most 3.4e38"
          + " (float32's largest), got " + rmuSteering);
    }
  }

  /** These parameters with another γ. */
  public MethodParameters withGamma(double gamma) {
    return new MethodParameters(gamma, beta, delta, lambda, rmuLayer, rmuSteering, seed, retainLoss, swapLevels,
        cagradC, wgaBeta, undialStrength, satImpBeta1, satImpBeta2);
  }

  /**
   * train's defaults (TrainCommand's option defaults: γ 1, β 0.1, δ 0, λ 1, RMU's steering 6.5 at
   * {@code rmuLayer}, NLL retain, CAGrad's c 0.5, WGA's β 1, UNDIAL's 10, SatImp's 5 and 1), for
   * runs with no method flags of their own (bench --whole-step).
   */
  public static MethodParameters defaults(int rmuLayer, long seed) {
    return new MethodParameters(1, 0.1, 0, 1, rmuLayer, 6.5, seed, RetainLoss.NLL, false, 0.5, 1, 10, 5, 1);
  }

  private static void requireFloat32(String flag, double value) {
    if (!(Math.abs(value) <= Float.MAX_VALUE)) {
      throw new IllegalArgumentException(flag + " must be a finite number within float32's range"
          + " (|value| <= 3.4e38), in which it is used, got " + value);
    }
  }

  /** The retain objectives a QA method can use. */
  public enum RetainLoss {
    NLL, KL;

    public static RetainLoss parse(String name) {
      for (RetainLoss r : values()) {
        if (r.name().equalsIgnoreCase(name)) {
          return r;
        }
      }
      throw new IllegalArgumentException("--retain-loss must be nll or kl, got '" + name + "'");
    }
  }
}
