"""Update rules: (d, F, R) → (c_f, c_r), and the diagnostics the paper plots.

Each rule is the Java one of src/main/java/org/blurnative/update/ formula for formula, edge cases
included (DESIGN.md §1), so a Python run logs the numbers a blur-native run would:

    name           c_f                 c_r                 paper
    blur           γ − d/F (0: F = 0)  1                   eq. 14, ⟨g_f,u⟩ = γF
    swapped-blur   1                   γ − d/R (0: R = 0)  Remark 2.1
    weighted-sum   1                   λ                   eq. 1, 6 (GradDiff, NPO, SimNPO, RMU)
    ga             1                   0                   eq. 3
    ngdiff         1/√F (0: F = 0)     1/√R (0: R = 0)     Bu et al. 2024
    pcgrad         1 − d/F (d < 0)     1 − d/R (d < 0)     Yu et al. 2020 (else 1, 1)
    mgda           α                   1 − α               min-norm point, α = clip((R−d)/(F+R−2d))
    cagrad         ½ + λw              ½ + λ(1−w)          Liu et al. 2021, the dual's w in closed form
    siblur         (γ − cos)/√F        1/√R                ours: eq. 14 on ĝ = g/‖g‖

A coefficient that finite sums push beyond float32's range (the gradient underflowed float32) is
0 and flagged, as the kernels scale float32 gradients by it; non-finite sums pass through, so
the step is seen to be poisoned and skipped.
"""

import math
from dataclasses import dataclass

FLOAT32_MAX = 3.4028234663852886e38

__all__ = ["Coefficients", "Diagnostics", "Rule", "BlurRule", "SwappedBlurRule",
           "WeightedSumRule", "NormalizedDifferenceRule", "PcGradRule", "MinNormRule", "CaGradRule",
           "ScaleInvariantBlurRule", "rule", "RULES"]


@dataclass(frozen=True)
class Coefficients:
    cf: float
    cr: float
    forget_underflowed: bool = False
    retain_underflowed: bool = False

    def scaled(self, factor):
        """(c_f, c_r)·factor, flags kept: how clipping shortens u without turning it."""
        return Coefficients(self.cf * factor, self.cr * factor, self.forget_underflowed,
                            self.retain_underflowed)


def _finite_sums(d, f, r):
    return math.isfinite(d) and math.isfinite(f) and math.isfinite(r)


def _within_float_range(cf, cr, d, f, r):
    if not _finite_sums(d, f, r):
        return Coefficients(cf, cr)
    forget, retain = abs(cf) > FLOAT32_MAX, abs(cr) > FLOAT32_MAX
    return Coefficients(0.0 if forget else cf, 0.0 if retain else cr, forget, retain)


def _protected_level(gamma, dot, squared_norm):
    # == 0 rather than > 0: a NaN norm must stay visible in the coefficient
    return 0.0 if squared_norm == 0 else gamma - dot / squared_norm


def _require_finite(name, x):
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {x}")
    return x


class Rule:
    """A pure function of (d, F, R) to Coefficients."""
    name = None

    def coefficients(self, d, f, r):
        raise NotImplementedError

    def __repr__(self):
        params = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({params})"


class BlurRule(Rule):
    name = "blur"

    def __init__(self, gamma=1.0):
        self.gamma = _require_finite("gamma", gamma)

    def coefficients(self, d, f, r):
        return _within_float_range(_protected_level(self.gamma, d, f), 1.0, d, f, r)


class SwappedBlurRule(Rule):
    name = "swapped-blur"

    def __init__(self, gamma=1.0):
        self.gamma = _require_finite("gamma", gamma)

    def coefficients(self, d, f, r):
        return _within_float_range(1.0, _protected_level(self.gamma, d, r), d, f, r)


class WeightedSumRule(Rule):
    name = "weighted-sum"

    def __init__(self, lam=1.0):
        self.lam = _require_finite("lam", lam)

    def coefficients(self, d, f, r):
        return Coefficients(1.0, self.lam)


class NormalizedDifferenceRule(Rule):
    name = "ngdiff"

    def coefficients(self, d, f, r):
        return _within_float_range(_inverse_norm(f), _inverse_norm(r), d, f, r)


def _inverse_norm(squared_norm):
    if not math.isfinite(squared_norm):
        return math.nan  # a poisoned gradient must not read as a zero one (1/√∞ = 0)
    return 0.0 if squared_norm == 0 else 1.0 / math.sqrt(squared_norm)


class PcGradRule(Rule):
    """PCGrad for two objectives (update/PcGradRule.java): when they conflict (d < 0) each gradient
    loses its component along the other."""
    name = "pcgrad"

    def coefficients(self, d, f, r):
        if not d < 0:
            return Coefficients(d, d) if math.isnan(d) else Coefficients(1.0, 1.0)
        return _within_float_range(1 - d / f, 1 - d / r, d, f, r)


class MinNormRule(Rule):
    """MGDA's minimum-norm point of the hull of g_f and g_r (update/MinNormRule.java)."""
    name = "mgda"

    def coefficients(self, d, f, r):
        distance_sq = f + r - 2 * d  # ‖g_f − g_r‖²
        alpha = 0.5 if distance_sq == 0 else min(1.0, max(0.0, (r - d) / distance_sq))
        return Coefficients(alpha, 1 - alpha)


class CaGradRule(Rule):
    """CAGrad with its c (update/CaGradRule.java): u = g_0 + (κ/‖g_w‖)·g_w, g_0 the mean gradient,
    κ = c‖g_0‖, w the minimiser over [0, 1] of ⟨g_w, g_0⟩ + κ‖g_w‖, found in closed form."""
    name = "cagrad"

    def __init__(self, c=0.5):
        self.c = _require_finite("c", c)
        if self.c < 0:
            raise ValueError(f"c must be >= 0, got {c}")

    def coefficients(self, d, f, r):
        if not (math.isfinite(d) and math.isfinite(f) and math.isfinite(r)):
            return Coefficients(math.nan, math.nan)  # poisoned gradients stay visible
        w = self._weight(d, f, r)
        gw_norm_sq = _hull_norm_sq(w, d, f, r)
        if not gw_norm_sq > 1e-10 * max(f, r):
            return Coefficients(0.0, 0.0) if f > 0 and r > 0 else Coefficients(0.5, 0.5)
        lam = self._kappa(d, f, r) / math.sqrt(gw_norm_sq)
        return _within_float_range(0.5 + lam * w, 0.5 + lam * (1 - w), d, f, r)

    def _kappa(self, d, f, r):
        return self.c * math.sqrt(max(0.0, f + 2 * d + r)) / 2

    def _weight(self, d, f, r):
        q, p, a, kappa = f + r - 2 * d, d - r, (f - r) / 2, self._kappa(d, f, r)

        def h(w):  # ⟨g_w, g_0⟩ + κ‖g_w‖
            return w * (f + d) / 2 + (1 - w) * (d + r) / 2 + kappa * math.sqrt(_hull_norm_sq(w, d, f, r))

        best, best_h = 0.0, h(0.0)
        if h(1.0) < best_h:
            best, best_h = 1.0, h(1.0)
        denominator = kappa * kappa * q - a * a
        if q > 0 and denominator > 0:
            delta = max(0.0, f * r - d * d)  # rounding can make FR − d² slightly negative
            w = (-a * math.sqrt(delta / denominator) - p) / q
            if 0 < w < 1 and h(w) < best_h:
                best = w
        return best


def _hull_norm_sq(w, d, f, r):
    return max(0.0, w * w * f + (1 - w) * (1 - w) * r + 2 * w * (1 - w) * d)


class ScaleInvariantBlurRule(Rule):
    """Ours (update/ScaleInvariantBlurRule.java): eq. 14 on the normalised gradients, so that
    ⟨ĝ_f, u⟩ = γ whatever the gradients' scales."""
    name = "siblur"

    def __init__(self, gamma=1.0):
        self.gamma = _require_finite("gamma", gamma)

    def coefficients(self, d, f, r):
        inv_f, inv_r = _inverse_norm(f), _inverse_norm(r)
        cos = d * inv_f * inv_r  # 0 when either gradient is zero; NaN stays NaN
        return _within_float_range((self.gamma - cos) * inv_f, inv_r, d, f, r)


RULES = {"blur": BlurRule, "swapped-blur": SwappedBlurRule, "weighted-sum": WeightedSumRule,
         "ga": lambda: WeightedSumRule(0.0), "ngdiff": NormalizedDifferenceRule, "pcgrad": PcGradRule,
         "mgda": MinNormRule, "cagrad": CaGradRule, "siblur": ScaleInvariantBlurRule}


def rule(spec, **params):
    """A Rule from a Rule (returned as it is) or a name in RULES with its parameters:
    rule("blur", gamma=1.0), rule("weighted-sum", lam=0.5), rule("ga"), rule("ngdiff")."""
    if isinstance(spec, Rule):
        if params:
            raise TypeError(f"parameters {sorted(params)} given with a ready {spec!r}")
        return spec
    if spec not in RULES:
        raise ValueError(f"unknown rule {spec!r} (expected one of {', '.join(RULES)})")
    try:
        return RULES[spec](**params)
    except TypeError as e:
        raise TypeError(f"rule {spec!r}: {e}") from None


@dataclass(frozen=True)
class Diagnostics:
    """One step's scalars (update/Diagnostics.java and the metrics of a blur-native run). A
    quantity whose denominator is zero is NaN: undefined, not zero. `skipped`: the sums were not
    finite, so nothing was applied; `clip_scale`: the factor clipping shortened u by, else None."""
    d: float
    F: float
    R: float
    c_f: float
    c_r: float
    cos: float
    A_f: float
    A_r: float
    u_norm: float
    clip_scale: float = None
    skipped: bool = False
    underflowed: bool = False

    @staticmethod
    def of(d, f, r, c, clip_scale=None, skipped=False):
        cos = d / math.sqrt(f * r) if f > 0 and r > 0 else math.nan
        a_f = c.cf + c.cr * d / f if f > 0 else math.nan
        a_r = c.cf * d / r + c.cr if r > 0 else math.nan
        # max(0, ·): rounding can push an exactly-zero ‖u‖² slightly negative
        norm_sq = c.cf * c.cf * f + 2 * c.cf * c.cr * d + c.cr * c.cr * r
        u_norm = math.nan if math.isnan(norm_sq) else math.sqrt(max(0.0, norm_sq))
        return Diagnostics(d, f, r, c.cf, c.cr, cos, a_f, a_r, u_norm, clip_scale, skipped,
                           c.forget_underflowed or c.retain_underflowed)
