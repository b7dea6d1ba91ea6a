"""What the tests share: float64 references, bfloat16 bits, tolerances, random data."""

import math
import os
import time

import numpy as np

# reduce: products are exact in float64, only the additions round (DESIGN.md §3)
REDUCE_TOL = 1e-12
# outputs in float32 against float64 arithmetic, relative to the scale of the terms
OUTPUT_TOL = 1e-6
# AdamW's eps where a test compares θ from gradients summed in another order (ranks, micro-batches,
# float64): near u = 0 a float32 AdamW step m̂/(√v̂ + eps) is a sign, so with eps = 1e-8 a rounding
# difference in u became one of 2.2e-5 of max|θ| (test_distributed, seed 16838: one weight whose u
# passed near 0); with 1e-3 a difference δ in u moves θ by at most about lr·δ/eps
ORDER_EPS = 1e-3
# sizes around the kernels' boundaries: empty, one, the 8-wide vectors, a reduce block, a chunk
SIZES = (0, 1, 7, 8, 9, 1023, 65_537, (1 << 15) + 3)


def seed():
    """A fresh seed per run (printed by the failing assertion's message), or $BLUR_TEST_SEED."""
    return int(os.environ.get("BLUR_TEST_SEED", time.time_ns() % 2**31))


def bf16_bits(x):
    """float32 → bfloat16 bits (uint16), rounding to nearest even."""
    bits = np.asarray(x, np.float32).view(np.uint32).astype(np.uint64)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)


def bf16_values(bits):
    """bfloat16 bits → float64, exact."""
    return (bits.astype(np.uint32) << 16).view(np.float32).astype(np.float64)


def gradients(rng, n, bf16):
    """(g_f, g_r) as the kernels take them (float32, or uint16 bfloat16 bits) and in float64;
    correlated like real forget and retain gradients, so d is far from 0."""
    base = rng.standard_normal(n).astype(np.float32)
    other = (0.5 * base + rng.standard_normal(n)).astype(np.float32)
    if bf16:
        f, r = bf16_bits(base), bf16_bits(other)
        return f, r, bf16_values(f), bf16_values(r)
    return base, other, base.astype(np.float64), other.astype(np.float64)


def sums64(f, r):
    """(d, F, R) in float64 with math.fsum: exact to the last bit of the result."""
    return (math.fsum(f * r), math.fsum(f * f), math.fsum(r * r))


def assert_sums_close(test, got, want, tol=REDUCE_TOL, msg=""):
    d, f, r = want
    scale = math.sqrt(f * r)
    test.assertLessEqual(abs(got[0] - d), tol * scale + 1e-300, f"d {got[0]} vs {d} {msg}")
    test.assertLessEqual(abs(got[1] - f), tol * f + 1e-300, f"F {got[1]} vs {f} {msg}")
    test.assertLessEqual(abs(got[2] - r), tol * r + 1e-300, f"R {got[2]} vs {r} {msg}")


def rel_error(x, ref, terms=None):
    """max|x − ref| / max|terms| (terms bound what was added to form ref; default ref itself)."""
    x, ref = np.asarray(x, np.float64), np.asarray(ref, np.float64)
    scale = np.abs(ref if terms is None else terms).max() if ref.size else 0.0
    err = np.abs(x - ref).max() if ref.size else 0.0
    return err / scale if scale > 0 else err


def adamw64(theta, m, v, u, lr, step, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    """torch.optim.AdamW's step in float64 from the float32 hyper-parameters the kernels get."""
    lr, beta1, beta2, eps, wd = (float(np.float32(x)) for x in (lr, beta1, beta2, eps, weight_decay))
    theta = theta * (1 - lr * wd)
    m = beta1 * m + (1 - beta1) * u
    v = beta2 * v + (1 - beta2) * u * u
    bc1, bc2 = 1 - beta1 ** step, 1 - beta2 ** step
    theta = theta - (lr / bc1) * m / (np.sqrt(v) / math.sqrt(bc2) + eps)
    return theta, m, v
