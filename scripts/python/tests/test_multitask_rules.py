"""PCGrad, MGDA, CAGrad and scale-invariant BLUR, as update/{PcGrad,MinNorm,CaGrad,ScaleInvariantBlur}Rule.java
compute them: exact values at one point, and each rule's defining property on random (d, F, R)."""

import math
import random
import unittest

import blur_native as bn


def random_sums(rng):
    """(d, F, R) of two gradients: F, R over eight orders of magnitude, |d| ≤ √(FR)."""
    f, r = 10 ** rng.uniform(-4, 4), 10 ** rng.uniform(-4, 4)
    return rng.uniform(-1, 1) * math.sqrt(f * r), f, r


def norm_sq(cf, cr, d, f, r):
    return cf * cf * f + cr * cr * r + 2 * cf * cr * d


class MultiTaskRulesTest(unittest.TestCase):
    d, F, R = -0.75, 2.0, 3.0

    def test_exact_values(self):
        d, F, R = self.d, self.F, self.R
        c = bn.rule("pcgrad").coefficients(d, F, R)
        self.assertEqual((c.cf, c.cr), (1 - d / F, 1 - d / R))
        c = bn.rule("mgda").coefficients(d, F, R)
        self.assertEqual((c.cf, c.cr), ((R - d) / (F + R - 2 * d), 1 - (R - d) / (F + R - 2 * d)))
        c = bn.rule("siblur", gamma=1.0).coefficients(d, F, R)
        cos = d / math.sqrt(F) / math.sqrt(R)
        self.assertEqual((c.cf, c.cr), ((1 - cos) / math.sqrt(F), 1 / math.sqrt(R)))
        self.assertEqual(bn.rule("pcgrad").coefficients(0.5, F, R).cf, 1.0, "no conflict: the plain sum")

    def test_properties_on_random_sums(self):
        rng = random.Random(7)
        grid = [i / 5000 for i in range(5001)]
        for _ in range(100):
            d, f, r = random_sums(rng)
            c = bn.PcGradRule().coefficients(d, f, r)
            if d < 0:  # neither objective's first-order change is negative
                scale = max(f, r)
                self.assertGreaterEqual(c.cf * f + c.cr * d, -1e-9 * scale)
                self.assertGreaterEqual(c.cf * d + c.cr * r, -1e-9 * scale)
            c = bn.MinNormRule().coefficients(d, f, r)
            best = min(norm_sq(a, 1 - a, d, f, r) for a in grid)
            self.assertLessEqual(norm_sq(c.cf, c.cr, d, f, r), best * (1 + 1e-9) + 1e-15)
            for gamma in (0.5, 1.0, 2.0):
                c = bn.ScaleInvariantBlurRule(gamma).coefficients(d, f, r)
                a_f = (c.cf * f + c.cr * d) / math.sqrt(f)  # ⟨ĝ_f, u⟩
                self.assertAlmostEqual(a_f, gamma, delta=1e-9 * max(1.0, gamma))

    def test_cagrad_minimises_its_dual_and_stays_in_the_ball(self):
        rng = random.Random(11)
        grid = [i / 5000 for i in range(5001)]
        for c_param in (0.1, 0.5, 1.0):
            rule = bn.CaGradRule(c_param)
            for _ in range(40):
                d, f, r = random_sums(rng)
                kappa = c_param * math.sqrt(max(0.0, f + 2 * d + r)) / 2

                def h(w):
                    return (w * (f + d) / 2 + (1 - w) * (d + r) / 2
                            + kappa * math.sqrt(max(0.0, norm_sq(w, 1 - w, d, f, r))))

                w = rule._weight(d, f, r)
                self.assertLessEqual(h(w), min(h(x) for x in grid) + 1e-9 * max(f, r))
                c = rule.coefficients(d, f, r)
                # u − g_0 = λ g_w has norm κ: u lies on CAGrad's ball around the mean gradient
                dist = math.sqrt(max(0.0, norm_sq(c.cf - 0.5, c.cr - 0.5, d, f, r)))
                if norm_sq(w, 1 - w, d, f, r) > 1e-10 * max(f, r):
                    self.assertAlmostEqual(dist, kappa, delta=1e-7 * math.sqrt(max(f, r)))

    def test_bad_parameters_raise(self):
        with self.assertRaises(ValueError):
            bn.CaGradRule(-1.0)
        with self.assertRaises(ValueError):
            bn.rule("siblur", gamma=math.nan)


if __name__ == "__main__":
    unittest.main()
