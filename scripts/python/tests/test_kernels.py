"""The ABI wrappers against float64 references, on numpy arrays and CPU tensors, float32 and
bfloat16, at sizes around every kernel boundary."""

import unittest

import numpy as np
import torch

import blur_native as bn
from . import support as s

CF, CR = 0.37 - np.pi, 1.0
LR, WD = 2.0 ** -7, 0.125


def as_torch(x):
    """A numpy gradient as the tensor a trainer would hold: bfloat16 bits become torch.bfloat16."""
    if x.dtype == np.uint16:
        return torch.from_numpy(x.view(np.int16).copy()).view(torch.bfloat16)
    return torch.from_numpy(x.copy())


class KernelsTest(unittest.TestCase):

    def setUp(self):
        self.seed = s.seed()
        self.rng = np.random.default_rng(self.seed)

    def cases(self):
        for bf16 in (False, True):
            for n in s.SIZES:
                for kind in ("numpy", "torch"):
                    yield bf16, n, kind

    def inputs(self, n, bf16, kind):
        gf, gr, f, r = s.gradients(self.rng, n, bf16)
        if kind == "torch":
            gf, gr = as_torch(gf), as_torch(gr)
        return gf, gr, f, r

    def float32(self, values, kind):
        x = np.asarray(values, np.float32).copy()
        return torch.from_numpy(x) if kind == "torch" else x

    def test_reduce_matches_float64(self):
        for bf16, n, kind in self.cases():
            gf, gr, f, r = self.inputs(n, bf16, kind)
            got = bn.reduce(gf, gr)
            msg = f"bf16={bf16} n={n} {kind} seed={self.seed}"
            s.assert_sums_close(self, (got.dot, got.ff, got.rr), s.sums64(f, r), msg=msg)
            self.assertEqual(got.nonfinite, 0, msg)

    def test_combine_sgd_adamw_match_float64(self):
        for bf16, n, kind in self.cases():
            gf, gr, f, r = self.inputs(n, bf16, kind)
            msg = f"bf16={bf16} n={n} {kind} seed={self.seed}"
            u_ref, terms = CF * f + CR * r, abs(CF * f) + abs(CR * r)

            u = self.float32(np.zeros(n), kind)
            bn.combine(gf, gr, CF, CR, u)
            # formed in float64 and rounded once: exactly numpy's float64 → float32 rounding
            np.testing.assert_array_equal(np.asarray(u), u_ref.astype(np.float32), msg)

            theta0 = self.rng.standard_normal(n)
            theta = self.float32(theta0, kind)
            bn.apply_sgd(theta, gf, gr, CF, CR, LR, WD)
            t64 = theta0.astype(np.float32).astype(np.float64)
            want = t64 * (1 - LR * WD) - LR * u_ref
            self.assertLessEqual(s.rel_error(np.asarray(theta), want, abs(t64) + LR * terms),
                                 s.OUTPUT_TOL, msg)

            theta, m, v = (self.float32(x, kind) for x in (theta0, np.zeros(n), np.zeros(n)))
            ref = (t64, np.zeros(n), np.zeros(n))
            for step in (1, 2, 3):
                bn.apply_adamw(theta, m, v, gf, gr, CF, CR, lr=1e-3, step=step, eps=1e-3)
                ref = s.adamw64(*ref, u_ref, lr=1e-3, step=step, eps=1e-3)
            # θ against what formed it (θ0 and three steps of at most lr): where they cancel,
            # θ's own size is below the rounding of the steps
            scales = (abs(t64) + 3 * 1e-3, None, None)
            for name, got, want, terms in zip(("theta", "m", "v"), (theta, m, v), ref, scales):
                self.assertLessEqual(s.rel_error(np.asarray(got), want, terms), 2e-6, f"{name} {msg}")

    def test_combine_in_place_for_float32(self):
        gf, gr, f, r = s.gradients(self.rng, 1023, False)
        bn.combine(gf, gr, CF, CR, gf)  # u is g_f itself
        np.testing.assert_array_equal(gf, (CF * f + CR * r).astype(np.float32))

    def test_torch_bfloat16_and_numpy_bits_agree(self):
        gf, gr, _, _ = s.gradients(self.rng, 4099, True)
        a = bn.reduce(gf, gr)
        b = bn.reduce(as_torch(gf), as_torch(gr))
        self.assertEqual(bytes(a), bytes(b))

    def test_results_do_not_depend_on_the_thread_count(self):
        gf, gr, _, _ = s.gradients(self.rng, 3 * 65_536 + 11, False)
        before = bn.get_num_threads()
        try:
            bn.set_num_threads(1)
            one = bn.reduce(gf, gr)
            bn.set_num_threads(3)
            three = bn.reduce(gf, gr)
        finally:
            bn.set_num_threads(0)
        self.assertEqual(bytes(one), bytes(three))
        self.assertGreaterEqual(before, 1)

    def test_sums_add_is_rank_order_addition(self):
        a, b = bn.Sums(1.0, 2.0, 3.0, 0, 0), bn.Sums(0.5, 0.25, 0.125, 1, 0)
        total = bn.sums_add(a, b)
        self.assertEqual((total.dot, total.ff, total.rr, total.nonfinite), (1.5, 2.25, 3.125, 1))
        self.assertEqual(a.nonfinite, 0, "the inputs are left alone")

    def test_nonfinite_gradients_raise_the_flag(self):
        for value in (np.nan, np.inf, -np.inf):
            gf, gr, _, _ = s.gradients(self.rng, 1000, False)
            gr[777] = value
            self.assertEqual(bn.reduce(gf, gr).nonfinite, 1, value)


if __name__ == "__main__":
    unittest.main()
