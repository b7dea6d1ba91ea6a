package org.blurnative.kernel;

/**
 * The three reductions every update rule needs (DESIGN.md §1), over one shard or all of them.
 *
 * @param dot d = ⟨g_f, g_r⟩
 * @param ff F = ‖g_f‖²
 * @param rr R = ‖g_r‖²
 * @param nonFinite some element of g_f or g_r is NaN or infinite; the step must be skipped
 */
public record GradientSums(double dot, double ff, double rr, boolean nonFinite) {

  /** Sums of this shard and the next: call in rank order so every rank gets the same bits. */
  public GradientSums plus(GradientSums next) {
    return new GradientSums(
        dot + next.dot, ff + next.ff, rr + next.rr, nonFinite || next.nonFinite);
  }

  /** Builds sums from raw values, flagging a non-finite one the way the native reduce does. */
  public static GradientSums of(double dot, double ff, double rr) {
    boolean finite = Double.isFinite(dot) && Double.isFinite(ff) && Double.isFinite(rr);
    return new GradientSums(dot, ff, rr, !finite);
  }
}
