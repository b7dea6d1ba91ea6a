"""The rules and diagnostics, formula for formula with src/main/java/org/blurnative/update/."""

import math
import unittest

import blur_native as bn
from blur_native import rules


class RulesTest(unittest.TestCase):
    d, F, R = -0.75, 2.0, 3.0

    def test_each_rule_gives_its_coefficients(self):
        d, F, R = self.d, self.F, self.R
        expected = {
            ("blur", 0.5): (0.5 - d / F, 1.0),
            ("swapped-blur", 0.5): (1.0, 0.5 - d / R),
            ("weighted-sum", 0.25): (1.0, 0.25),
            ("ga", None): (1.0, 0.0),
            ("ngdiff", None): (1 / math.sqrt(F), 1 / math.sqrt(R)),
        }
        for (name, p), (cf, cr) in expected.items():
            params = {} if p is None else {"lam" if name == "weighted-sum" else "gamma": p}
            c = bn.rule(name, **params).coefficients(d, F, R)
            self.assertEqual((c.cf, c.cr), (cf, cr), name)

    def test_blur_protects_the_forget_level_exactly(self):
        # Lemma A.1(a): A_f = <g_f,u>/F = γ whatever g_r is
        for gamma in (1.0, 0.3):
            c = bn.BlurRule(gamma).coefficients(self.d, self.F, self.R)
            self.assertAlmostEqual(bn.Diagnostics.of(self.d, self.F, self.R, c).A_f, gamma, places=15)

    def test_a_zero_gradient_contributes_nothing(self):
        self.assertEqual(bn.BlurRule(1.0).coefficients(0.0, 0.0, 4.0).cf, 0.0)
        self.assertEqual(bn.SwappedBlurRule(1.0).coefficients(0.0, 4.0, 0.0).cr, 0.0)
        c = bn.NormalizedDifferenceRule().coefficients(0.0, 0.0, 4.0)
        self.assertEqual((c.cf, c.cr), (0.0, 0.5))

    def test_an_underflowed_gradient_is_zeroed_and_flagged(self):
        # F so small that d/F leaves float32: the forget gradient underflowed
        c = bn.BlurRule(1.0).coefficients(1e-30, 1e-80, 1.0)
        self.assertEqual(c.cf, 0.0)
        self.assertTrue(c.forget_underflowed)
        self.assertTrue(bn.Diagnostics.of(1e-30, 1e-80, 1.0, c).underflowed)

    def test_poisoned_sums_stay_visible(self):
        c = bn.BlurRule(1.0).coefficients(math.nan, math.nan, 1.0)
        self.assertTrue(math.isnan(c.cf))
        c = bn.NormalizedDifferenceRule().coefficients(1.0, math.inf, 1.0)
        self.assertTrue(math.isnan(c.cf), "1/√∞ must not read as a zero gradient")

    def test_diagnostics_are_the_papers_quantities(self):
        d, F, R = self.d, self.F, self.R
        c = rules.Coefficients(0.4, 1.0)
        g = bn.Diagnostics.of(d, F, R, c)
        self.assertAlmostEqual(g.cos, d / math.sqrt(F * R), places=15)
        self.assertAlmostEqual(g.A_f, 0.4 + d / F, places=15)
        self.assertAlmostEqual(g.A_r, 0.4 * d / R + 1.0, places=15)
        self.assertAlmostEqual(g.u_norm, math.sqrt(0.16 * F + 2 * 0.4 * d + R), places=15)
        undefined = bn.Diagnostics.of(0.0, 0.0, R, c)
        self.assertTrue(math.isnan(undefined.cos) and math.isnan(undefined.A_f))

    def test_bad_rules_are_refused(self):
        with self.assertRaisesRegex(ValueError, "unknown rule 'blurr'"):
            bn.rule("blurr")
        with self.assertRaisesRegex(ValueError, "gamma must be finite"):
            bn.rule("blur", gamma=math.inf)
        with self.assertRaisesRegex(TypeError, "rule 'ga'"):
            bn.rule("ga", gamma=1.0)


if __name__ == "__main__":
    unittest.main()
