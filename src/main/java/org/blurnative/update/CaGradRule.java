package org.blurnative.update;

import org.blurnative.kernel.GradientSums;

/**
 * CAGrad (Liu et al. 2021, "Conflict-Averse Gradient Descent for Multi-task Learning": its
 * objective and the dual of Algorithm 1, as the official code's cagrad() solves it): among u
 * with ‖u − g_0‖ ≤ c·‖g_0‖, g_0 = (g_f + g_r)/2 the average gradient, maximise the worse of the
 * two first-order improvements min(⟨g_f, u⟩, ⟨g_r, u⟩). Its dual minimises
 * h(w) = ⟨g_w, g_0⟩ + c‖g_0‖·‖g_w‖ over g_w = w·g_f + (1−w)·g_r, w ∈ [0, 1], and then
 * u = g_0 + (c‖g_0‖/‖g_w‖)·g_w, so c_f = ½ + λw, c_r = ½ + λ(1−w). c = 0 is the average step
 * (GradDiff's direction at half its length); larger c moves toward MGDA's min-norm point.
 *
 * <p>With two tasks h is a convex function of one variable built from (d, F, R) alone, so we
 * minimise it in closed form rather than with the official code's SLSQP call: writing
 * ‖g_w‖² = qw² + 2pw + R (q = F + R − 2d, p = d − R, and Δ = qR − p² = FR − d² ≥ 0), the
 * stationary point of h has s = qw + p = −a·√(Δ/(κ²q − a²)) with a = (F − R)/2 and κ = c‖g_0‖,
 * when κ²q > a². Since h is convex its minimum over [0, 1] is that point when it lies inside, or an
 * endpoint; we evaluate h at the three candidates and keep the least, which also covers q = 0
 * (g_f = g_r) and Δ = 0 (parallel gradients, where the point is h's kink). The official code's
 * default rescaling of u by 1/(1 + c²) is not applied (the paper's u).
 *
 * <p>g_w = 0 at the optimum only when 0 lies in the hull, where the official code's
 * λ = c/(‖g_w‖ + 1e-8) is arbitrary. With a zero gradient every u with ⟨g, u⟩ ≥ 0 for the other is
 * optimal and we take λ = 0, u = g_0. With opposite gradients (then c ≥ 1, so the ball holds 0) the
 * best worst-case change is 0, reached nearest g_0 by u = 0. "Zero" means ‖g_w‖ below 1e-5 of the
 * longer gradient: (d, F, R) from float32 gradients cannot resolve a shorter g_w, and λ = κ/‖g_w‖
 * would scale rounding noise into u.
 */
public record CaGradRule(double c) implements UpdateRule {

  public CaGradRule {
    if (!(c >= 0) || Double.isInfinite(c)) {
      throw new IllegalArgumentException("CAGrad's c must be a finite number >= 0, got " + c);
    }
  }

  @Override
  public Coefficients coefficients(GradientSums s) {
    double d = s.dot(), f = s.ff(), r = s.rr();
    if (!(Double.isFinite(d) && Double.isFinite(f) && Double.isFinite(r))) {
      return new Coefficients(Double.NaN, Double.NaN);  // poisoned gradients stay visible
    }
    double w = weight(d, f, r);
    double gwNormSq = normSq(w, d, f, r);
    if (!(gwNormSq > 1e-10 * Math.max(f, r))) {
      return f > 0 && r > 0 ? new Coefficients(0, 0) : new Coefficients(0.5, 0.5);
    }
    double lambda = kappa(d, f, r) / Math.sqrt(gwNormSq);
    return Coefficients.withinFloatRange(0.5 + lambda * w, 0.5 + lambda * (1 - w), s);
  }

  /** The dual's minimiser w* ∈ [0, 1]. */
  double weight(double d, double f, double r) {
    double q = f + r - 2 * d, p = d - r, a = (f - r) / 2, kappa = kappa(d, f, r);
    double best = 0, bestH = h(0, d, f, r, kappa);
    double hOne = h(1, d, f, r, kappa);
    if (hOne < bestH) {
      best = 1;
      bestH = hOne;
    }
    double denominator = kappa * kappa * q - a * a;
    if (q > 0 && denominator > 0) {
      double delta = Math.max(0, f * r - d * d);  // rounding can make FR − d² slightly negative
      double w = (-a * Math.sqrt(delta / denominator) - p) / q;
      if (w > 0 && w < 1 && h(w, d, f, r, kappa) < bestH) {
        best = w;
      }
    }
    return best;
  }

  /** κ = c·‖g_0‖ with ‖g_0‖² = (F + 2d + R)/4. */
  private double kappa(double d, double f, double r) {
    return c * Math.sqrt(Math.max(0, f + 2 * d + r)) / 2;
  }

  /** h(w) = ⟨g_w, g_0⟩ + κ‖g_w‖, with ⟨g_f, g_0⟩ = (F + d)/2 and ⟨g_r, g_0⟩ = (d + R)/2. */
  private static double h(double w, double d, double f, double r, double kappa) {
    return w * (f + d) / 2 + (1 - w) * (d + r) / 2 + kappa * Math.sqrt(normSq(w, d, f, r));
  }

  /** ‖w·g_f + (1−w)·g_r‖², at least 0 against rounding. */
  private static double normSq(double w, double d, double f, double r) {
    return Math.max(0, w * w * f + (1 - w) * (1 - w) * r + 2 * w * (1 - w) * d);
  }
}
