"""apply_sgd / apply_adamw with theta_bf16: θ, m, v bit-identical to the plain entry points, and
the working copy bit-equal to the round-to-nearest-even of the new θ, computed here and by torch."""

import hashlib
import os
import subprocess
import sys
import unittest

import numpy as np
import torch

import blur_native as bn
from . import support as s

CF, CR = 0.37 - np.pi, 1.0
SIZES = s.SIZES + (63, 65)


def rne_bits(theta):
    """The expected copy: support.bf16_bits, with NaN as the quiet NaN 0x7FC0 (c10's choice)."""
    theta = np.asarray(theta, np.float32)
    return np.where(np.isnan(theta), np.uint16(0x7FC0), s.bf16_bits(theta)).astype(np.uint16)


def torch_bits(theta):
    return torch.from_numpy(np.array(theta, np.float32)).to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)


def copy_digest(seed):
    """SHA-256 of θ, m, v and the copy after two AdamW steps with the copy, both gradient dtypes,
    over vector bodies, tails and the special values: what the instruction sets must agree on."""
    rng = np.random.default_rng(seed)
    h = hashlib.sha256()
    for bf16 in (False, True):
        n = 65_537
        gf, gr, _, _ = s.gradients(rng, n, bf16)
        theta = rng.standard_normal(n).astype(np.float32)
        theta[:4] = (1.0 + 2.0 ** -8, np.finfo(np.float32).max, np.nan, -0.0)
        m, v, copy = np.zeros(n, np.float32), np.zeros(n, np.float32), np.zeros(n, np.uint16)
        for step in (1, 2):
            bn.apply_adamw(theta, m, v, gf, gr, CF, CR, lr=1e-3, step=step, theta_bf16=copy)
        for x in (theta, m, v, copy):
            h.update(x.tobytes())
    return h.hexdigest()


class WorkingCopyTest(unittest.TestCase):

    def setUp(self):
        self.seed = s.seed()
        self.rng = np.random.default_rng(self.seed)

    def state(self, n):
        theta = self.rng.standard_normal(n).astype(np.float32)
        m = (0.01 * self.rng.standard_normal(n)).astype(np.float32)
        v = (1e-4 * self.rng.random(n)).astype(np.float32)
        return theta, m, v

    def assert_copy_is_rne(self, copy, theta, msg):
        np.testing.assert_array_equal(copy, rne_bits(theta), msg)
        np.testing.assert_array_equal(copy, torch_bits(theta), "torch: " + msg)

    def test_sgd_copy_is_the_rne_of_the_plain_result(self):
        for bf16 in (False, True):
            for n in SIZES:
                gf, gr, _, _ = s.gradients(self.rng, n, bf16)
                theta, _, _ = self.state(n)
                plain, fused = theta.copy(), theta.copy()
                copy = np.full(n, 0xFFFF, np.uint16)
                bn.apply_sgd(plain, gf, gr, CF, CR, 2.0 ** -7, 0.125)
                bn.apply_sgd(fused, gf, gr, CF, CR, 2.0 ** -7, 0.125, theta_bf16=copy)
                msg = f"sgd bf16={bf16} n={n} seed={self.seed}"
                np.testing.assert_array_equal(fused.view(np.uint32), plain.view(np.uint32), msg)
                self.assert_copy_is_rne(copy, fused, msg)

    def test_adamw_copy_is_the_rne_of_the_plain_result(self):
        for bf16 in (False, True):
            for n in SIZES:
                gf, gr, _, _ = s.gradients(self.rng, n, bf16)
                plain, fused = self.state(n), None
                fused = tuple(x.copy() for x in plain)
                copy = np.zeros(n, np.uint16)
                for step in (1, 2):
                    bn.apply_adamw(*plain, gf, gr, CF, CR, lr=1e-3, step=step)
                    bn.apply_adamw(*fused, gf, gr, CF, CR, lr=1e-3, step=step, theta_bf16=copy)
                msg = f"adamw bf16={bf16} n={n} seed={self.seed}"
                for name, a, b in zip(("theta", "m", "v"), fused, plain):
                    np.testing.assert_array_equal(a.view(np.uint32), b.view(np.uint32), f"{name} {msg}")
                self.assert_copy_is_rne(copy, fused[0], msg)

    def test_ties_overflow_and_nan_round_as_torch(self):
        # with lr = 0 and no decay θ comes back unchanged, so the copy is the RNE of these values
        special = np.array([1.0, 1.0 + 2.0 ** -8, 1.0 + 3 * 2.0 ** -8, -(1.0 + 2.0 ** -8),
                            3.3895314e38, np.finfo(np.float32).max, np.inf, -np.inf, -0.0,
                            1e-45, np.nan], np.float32)
        n = len(special)
        gf, gr, _, _ = s.gradients(self.rng, n, False)
        for pad in (0, 16):  # the scalar tail and the vector body
            theta = np.concatenate([np.ones(pad, np.float32), special])
            g = (np.resize(gf, pad + n), np.resize(gr, pad + n))
            copy = np.zeros(pad + n, np.uint16)
            bn.apply_sgd(theta, *g, CF, CR, 0.0, 0.0, theta_bf16=copy)
            np.testing.assert_array_equal(copy, rne_bits(theta), f"pad={pad}")
            finite = ~np.isnan(theta)
            np.testing.assert_array_equal(copy[finite], torch_bits(theta)[finite], f"pad={pad}")
            self.assertEqual(copy[-1], 0x7FC0, "NaN is a quiet NaN")
            self.assertEqual(copy[pad + 1], 0x3F80, "a tie rounds to the even 1.0")
            self.assertEqual(copy[pad + 5], 0x7F80, "float32's largest value rounds up to +Inf")

    def test_portable_kernels_write_the_avx2_bits(self):
        if bn.cpu_isa() != "avx2":
            self.skipTest("this CPU has no AVX2: only the portable kernels run here")
        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        child = subprocess.run(
            [sys.executable, "-c", "import sys; from tests.test_bf16copy import bn, copy_digest; "
             "print(bn.cpu_isa(), copy_digest(int(sys.argv[1])))", str(self.seed)],
            env=dict(os.environ, BLUR_CPU_ISA="portable", PYTHONPATH=package), cwd=package,
            capture_output=True, text=True, timeout=120)
        self.assertEqual(child.returncode, 0, child.stderr)
        self.assertEqual(child.stdout.split(), ["portable", copy_digest(self.seed)],
                         f"seed={self.seed}")

    def test_a_copy_that_is_not_bfloat16_is_refused(self):
        gf, gr, _, _ = s.gradients(self.rng, 9, False)
        theta = np.zeros(9, np.float32)
        with self.assertRaisesRegex(TypeError, "theta_bf16"):
            bn.apply_sgd(theta, gf, gr, CF, CR, 1e-3, theta_bf16=np.zeros(9, np.float32))
        with self.assertRaisesRegex(ValueError, "theta_bf16 has 8 elements"):
            bn.apply_sgd(theta, gf, gr, CF, CR, 1e-3, theta_bf16=np.zeros(8, np.uint16))
        with self.assertRaisesRegex(bn.BlurError, "blur_apply_sgd_bf16copy: .*overlap"):
            bn.apply_sgd(theta, gf, gr, CF, CR, 1e-3, theta_bf16=theta.view(np.uint16)[:9])


if __name__ == "__main__":
    unittest.main()
