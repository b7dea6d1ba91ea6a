package org.blurnative.train;

/**
 * The hyper-parameters a method may use (paper §5 and Table 1 names).
 *
 * @param gamma BLUR's γ: ⟨g_f, u⟩ = γ‖g_f‖²
 * @param beta NPO/SimNPO inverse temperature
 * @param delta SimNPO margin
 * @param lambda the retain weight of the weighted-sum baselines (RMU's α)
 * @param rmuLayer the decoder layer (0-based) whose output RMU steers
 * @param rmuSteering RMU's steering coefficient c
 * @param seed seeds RMU's random control vector
 * @param retainLoss the retain objective of the QA methods: NLL on D_r, or KL to the original
 *     model on D_r (DESIGN.md §1); RMU methods always use RMU's retain loss
 * @param swapLevels BLUR with the roles swapped (paper Remark 2.1, an ablation): the retain loss
 *     becomes the protected lower level
 */
public record MethodParameters(double gamma, double beta, double delta, double lambda, int rmuLayer,
    double rmuSteering, long seed, RetainLoss retainLoss, boolean swapLevels) {

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
