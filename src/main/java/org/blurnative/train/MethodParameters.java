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
 */
public record MethodParameters(
    double gamma, double beta, double delta, double lambda, int rmuLayer, double rmuSteering, long seed) {}
