#!/usr/bin/env python3
"""gpu_check: the kernel lab runner for libblur_cuda.so (STYLE.md: llm.c's dev/cuda, apex's tests).

    python3 scripts/gpu_check.py --lib OUT/libblur_cuda.so --out OUT   # NVIDIA GPU + PyTorch
    python3 scripts/gpu_check.py --cpu-lib native/build/libblur.so     # no GPU: numpy + the CPU lib
    python3 scripts/gpu_check.py --cpu-lib native/build/libblur.so --torch   # ... CPU tensors

Correctness, on fresh random data (the seed is printed; --seed replays it): every entry point
against float64 references at sizes 0 … 50M, float32 and bfloat16 gradients, aligned and
misaligned views, with a guard element after or before each output; the bf16-copy applies bit for
bit the plain ones, their copy bit for bit the round-to-nearest-even of θ; bitwise determinism; the BLUR
property <g_f,u> = γF; the non-finite flag; refusal of bad arguments with every buffer untouched;
10 fused AdamW steps against float64 and (with torch) torch.optim.AdamW; on a GPU, blur_cuda_mem_info
against torch.cuda.mem_get_info.

Speed (with torch): the median of CUDA-event (GPU) or wall-clock (CPU) timings, each after a cache
flush, of reduce and of reduce + AdamW, next to the torch ops a user would write, a per-tensor loop
over LLaMA-7B-shaped tensors, and a copy of as many bytes as AdamW moves. Bytes are counted as useful traffic: reduce reads 2n·4,
AdamW reads θ, g_f, g_r, m, v and writes θ, m, v: 8n·4.

Writes OUT/gpu-check.md and OUT/gpu-check.json, prints one summary line, exits 1 when any
correctness check fails. torch and numpy are imported only by the mode that needs them.
"""

import argparse
import ctypes
import json
import math
import os
import statistics
import subprocess
import sys
import time

# the blur_native package from this checkout (scripts/python), unless one is installed
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "python"))
import blur_native  # noqa: E402
from blur_native import BF16, F32, BlurError, Sums  # noqa: E402
from blur_native._abi import ERR_ARGUMENT, ERR_DEVICE, OK, AdamWHyper  # noqa: E402


class AdamW:
    """AdamW's hyper-parameters and step number for one call; the defaults are torch.optim's."""

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2, step=1):
        # float32 as the C struct holds them, so the float64 references use the same values
        self.lr, self.beta1, self.beta2, self.eps, self.weight_decay = (
            float(ctypes.c_float(x).value) for x in (lr, beta1, beta2, eps, weight_decay))
        self.step = step


def blur_coefficients(sums, gamma=1.0):
    """BLUR's (c_f, c_r) as the package's rule gives them (paper eq. 14)."""
    c = blur_native.BlurRule(gamma).coefficients(sums.dot, sums.ff, sums.rr)
    return c.cf, c.cr


class LibraryUnderTest:
    """One library (`path`) driven through the blur_native package, which dispatches by where
    the buffers live: host arrays to libblur.so, CUDA tensors to libblur_cuda.so on torch's
    current stream. `c`, `prefix` and `stream_arg` reach the raw C functions for the refusals."""

    def __init__(self, path, cuda):
        self.path = blur_native.load_library(path, cuda=cuda)
        self._raw = blur_native._abi.load(
            blur_native.CUDA_LIBRARY if cuda else blur_native.CPU_LIBRARY, self.path)
        self.c, self.prefix, self.stream_arg = self._raw.c, self._raw.prefix, cuda
        for name, argtypes in blur_native._abi._KERNELS.items():  # raw calls take None for NULL
            getattr(self.c, self.prefix + name).argtypes = argtypes + ([ctypes.c_void_p] if cuda else [])

    def last_error(self):
        return self._raw.last_error()

    def reduce(self, gf, gr):
        return blur_native.reduce(gf, gr)

    def combine(self, gf, gr, cf, cr, u):
        blur_native.combine(gf, gr, cf, cr, u)

    def apply_sgd(self, theta, gf, gr, cf, cr, lr, weight_decay=0.0, theta_bf16=None):
        blur_native.apply_sgd(theta, gf, gr, cf, cr, lr, weight_decay, theta_bf16=theta_bf16)

    def apply_adamw(self, theta, m, v, gf, gr, cf, cr, hp, theta_bf16=None):
        blur_native.apply_adamw(theta, m, v, gf, gr, cf, cr, lr=hp.lr, step=hp.step,
                                betas=(hp.beta1, hp.beta2), eps=hp.eps,
                                weight_decay=hp.weight_decay, theta_bf16=theta_bf16)

    def copy(self, dst, src):
        blur_native.copy(dst, src)

    def get_num_threads(self):
        return blur_native.get_num_threads()

    def device_count(self):
        return blur_native.cuda_device_count()


def load_cpu(path):
    return LibraryUnderTest(path, cuda=False)


def load_cuda(path):
    return LibraryUnderTest(path or os.environ.get("BLUR_CUDA_LIB") or None, cuda=True)

SIZES = [0, 1, 3, 7, 1023, 2**20 + 5, 50_000_000]
BENCH_SIZES = [1_000_000, 10_000_000, 50_000_000, 200_000_000]
DTYPES = {F32: "f32", BF16: "bf16"}

# name: element offsets of (g_f, g_r, outputs) into buffers of n + 1. Offset 0 keeps the 16-byte
# alignment of a fresh allocation (vector path); any 1 forces the scalar path.
LAYOUTS = {"aligned": (0, 0, 0), "offset1": (1, 1, 1), "gr+1": (0, 1, 0), "out+1": (0, 0, 1)}

# Tolerances. reduce: each product is exact in float64, so only float64 additions round (≈1e-13
# at 50M); 1e-9 of the Cauchy-Schwarz scale √(FR) leaves room for the reference's own rounding and
# still fails any float32 accumulation. Outputs: max|x − ref| / max|ref|, float32 rounding ≈ 1e-7.
REDUCE_TOL = 1e-9
OUTPUT_TOL = 1e-6
# 10 AdamW steps against float64: θ takes two float32 roundings a step (θ·decay, θ − step), so up to
# 20 half-ulps, 1.2e-6 of max|θ|, in the worst case. torch.optim rounds as we do: OUTPUT_TOL there.
STEPS_TOL = 2e-6


# ---- arrays: the same checks over numpy (host, libblur.so) or torch (CUDA, libblur_cuda.so) ----

class NumpyArrays:
    """Host buffers for libblur.so, references in numpy float64. bfloat16 travels as uint16 bits."""
    name = "numpy float64 on the host"

    def __init__(self, seed):
        import numpy as np
        self.np = np
        self.rng = np.random.default_rng(seed)

    def _aligned(self, n, dtype):
        # 16-byte aligned whatever the allocator does, so "aligned" means the vector path
        raw = self.np.empty(n * self.np.dtype(dtype).itemsize + 16, self.np.uint8)
        skip = -raw.ctypes.data % 16
        return raw[skip:skip + n * self.np.dtype(dtype).itemsize].view(dtype)

    def randn(self, n):
        out = self._aligned(n, self.np.float32)
        out[:] = self.rng.standard_normal(n, dtype=self.np.float32)
        return out

    def zeros(self, n):
        out = self._aligned(n, self.np.float32)
        out[:] = 0
        return out

    def to_dtype(self, x, dtype):
        if dtype == F32:
            return self.clone(x)
        bits = x.view(self.np.uint32).astype(self.np.uint64)
        out = self._aligned(x.size, self.np.uint16)
        out[:] = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16  # round to nearest even
        return out

    def clone(self, x):
        out = self._aligned(x.size, x.dtype)
        out[:] = x
        return out

    def bf16_filled(self, n):
        """bfloat16 bits all ones (a NaN no kernel writes), so an element left unwritten shows."""
        out = self._aligned(n, self.np.uint16)
        out[:] = 0xFFFF
        return out

    def rne(self, x):
        """float32 → bfloat16 bits on the integers, NaN as 0x7FC0: blur.h's rounding, written
        out here independently of the kernels."""
        bits = x.view(self.np.uint32).astype(self.np.uint64)
        out = self._aligned(x.size, self.np.uint16)
        out[:] = self.np.where(self.np.isnan(x), 0x7FC0, (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16)
        return out

    def f64(self, x):
        if x.dtype == self.np.uint16:
            return (x.astype(self.np.uint32) << 16).view(self.np.float32).astype(self.np.float64)
        return x.astype(self.np.float64)

    def put(self, x, i, value):
        if x.dtype == self.np.uint16:
            value = self.np.float32(value).view(self.np.uint32) >> 16
        x[i] = value

    def same_bits(self, a, b):
        return bool(self.np.array_equal(a.view(self.np.uint8), b.view(self.np.uint8)))

    def dot(self, a, b):
        return float(a @ b)

    def max_abs(self, x):
        return float(self.np.abs(x).max()) if x.size else 0.0


class TorchArrays:
    """Tensors on `device` (CUDA for libblur_cuda.so, CPU for libblur.so with --torch), references
    in torch float64 on the same device."""

    def __init__(self, seed, device):
        import torch
        self.torch, self.device = torch, device
        self.name = f"torch float64 on {device}"
        self.gen = torch.Generator(device=device).manual_seed(seed)

    def randn(self, n):
        return self.torch.randn(n, generator=self.gen, device=self.device)

    def zeros(self, n):
        return self.torch.zeros(n, device=self.device)

    def to_dtype(self, x, dtype):
        return x.to(self.torch.bfloat16) if dtype == BF16 else x.clone()

    def clone(self, x):
        return x.clone()

    def bf16_filled(self, n):
        return self.torch.full((n,), -1, dtype=self.torch.int16, device=self.device).view(
            self.torch.bfloat16)

    def rne(self, x):
        torch = self.torch
        bits = x.view(torch.int32).to(torch.int64) & 0xFFFFFFFF
        rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
        rounded = torch.where(torch.isnan(x), torch.full_like(rounded, 0x7FC0), rounded)
        return rounded.to(torch.int16).view(torch.bfloat16)  # int64 → int16 keeps the low 16 bits

    def f64(self, x):
        return x.double()

    def put(self, x, i, value):
        x[i] = value

    def same_bits(self, a, b):
        return bool(self.torch.equal(a.view(self.torch.uint8), b.view(self.torch.uint8)))

    def dot(self, a, b):
        return float(a @ b)

    def max_abs(self, x):
        return float(x.abs().max()) if x.numel() else 0.0


# ---- correctness -------------------------------------------------------------------------------

class Checks:
    def __init__(self):
        self.results = []

    def record(self, name, ok, detail=""):
        self.results.append({"name": name, "ok": bool(ok), "detail": detail})
        if not ok:
            print(f"  FAIL {name}: {detail}", flush=True)

    def close(self, name, error, tol):
        self.record(name, error <= tol, f"error {error:.3g}, tolerance {tol:.0e}")

    def expect_ok(self, name, fn):
        """Runs fn; an exception is a failed check rather than the end of the run."""
        try:
            fn()
        except Exception as e:  # a BlurError, a torch error: record and go on
            self.record(name, False, f"{type(e).__name__}: {e}")

    @property
    def failed(self):
        return [r for r in self.results if not r["ok"]]


def rel_error(A, x, ref, terms=None):
    """max|x − ref| / max|terms|, where terms bounds the magnitudes that were added to form ref
    (the float error model: a few roundings of the terms, not of a result they cancel to)."""
    scale = A.max_abs(ref if terms is None else terms)
    err = A.max_abs(x - ref)
    return err / scale if scale > 0 else err


def adamw_reference(theta, m, v, u, hp):
    """torch.optim.AdamW's step in float64, from the float32 hyper-parameters the kernels get."""
    theta = theta * (1 - hp.lr * hp.weight_decay)
    m = hp.beta1 * m + (1 - hp.beta1) * u
    v = hp.beta2 * v + (1 - hp.beta2) * (u * u)
    bc1, bc2 = 1 - hp.beta1 ** hp.step, 1 - hp.beta2 ** hp.step
    theta = theta - (hp.lr / bc1) * m / (v ** 0.5 / math.sqrt(bc2) + hp.eps)
    return theta, m, v


def gradients(A, n, dtype):
    """(g_f, g_r) of n + 1 elements, correlated like real forget/retain gradients so d ≠ 0."""
    base = A.randn(n + 1)
    return A.to_dtype(base, dtype), A.to_dtype(0.5 * base + A.randn(n + 1), dtype)


def run_on_copies(A, templates, offset, n, call):
    """call(*views) on fresh copies of `templates` (each n + 1 long) viewed at [offset, offset + n).
    Returns the views in float64 and whether the element outside each view kept its bits."""
    copies = [A.clone(t) for t in templates]
    views = [c[offset:offset + n] for c in copies]
    call(*views)
    outside = slice(n, n + 1) if offset == 0 else slice(0, 1)
    untouched = all(A.same_bits(c[outside], t[outside]) for c, t in zip(copies, templates))
    return [A.f64(v) for v in views], untouched


def check_entry_points(lib, A, checks, n, dtype):
    """reduce, combine, apply_sgd and apply_adamw at one size and dtype, in every layout."""
    gf_buf, gr_buf = gradients(A, n, dtype)
    theta0, m0, u0 = A.randn(n + 1), 0.1 * A.randn(n + 1), A.randn(n + 1)
    v0 = m0 * m0 + 0.01 * A.randn(n + 1) ** 2  # v ≥ m², as real moments are: |update| ≤ lr/bc1·√bc2
    cf, cr = 0.75, -1.25                    # exact in float32, so the reference uses the same ones
    lr, wd = 2.0 ** -6, 0.125
    hp = AdamW(lr=2.0 ** -7, weight_decay=0.1, step=3)
    for layout, (of, orr, oo) in LAYOUTS.items():
        tag = f"{DTYPES[dtype]} n={n} {layout}"
        gf, gr = gf_buf[of:of + n], gr_buf[orr:orr + n]
        f, r = A.f64(gf), A.f64(gr)
        u_ref, u_terms = cf * f + cr * r, abs(cf * f) + abs(cr * r)

        def reduce():
            s = lib.reduce(gf, gr)
            d, ff, rr = A.dot(f, r), A.dot(f, f), A.dot(r, r)
            checks.close(f"reduce {tag}: d", abs(s.dot - d), REDUCE_TOL * math.sqrt(ff * rr))
            checks.close(f"reduce {tag}: F", abs(s.ff - ff), REDUCE_TOL * ff)
            checks.close(f"reduce {tag}: R", abs(s.rr - rr), REDUCE_TOL * rr)
            checks.record(f"reduce {tag}: finite", s.nonfinite == 0, f"nonfinite = {s.nonfinite}")

        def combine():
            (u,), untouched = run_on_copies(A, [u0], oo, n,
                                            lambda u: lib.combine(gf, gr, cf, cr, u))
            checks.close(f"combine {tag}", rel_error(A, u, u_ref, u_terms), OUTPUT_TOL)
            checks.record(f"combine {tag}: guard", untouched, "wrote outside u")

        def sgd():
            (theta,), untouched = run_on_copies(
                A, [theta0], oo, n, lambda t: lib.apply_sgd(t, gf, gr, cf, cr, lr, wd))
            decayed = A.f64(theta0[oo:oo + n]) * (1 - lr * wd)
            ref, terms = decayed - lr * u_ref, abs(decayed) + lr * u_terms
            checks.close(f"apply_sgd {tag}", rel_error(A, theta, ref, terms), OUTPUT_TOL)
            checks.record(f"apply_sgd {tag}: guard", untouched, "wrote outside theta")

        def adamw():
            (theta, m, v), untouched = run_on_copies(
                A, [theta0, m0, v0], oo, n,
                lambda t, m, v: lib.apply_adamw(t, m, v, gf, gr, cf, cr, hp))
            theta_in, m_in, v_in = (A.f64(x[oo:oo + n]) for x in (theta0, m0, v0))
            refs = adamw_reference(theta_in, m_in, v_in, u_ref, hp)
            decayed = theta_in * (1 - hp.lr * hp.weight_decay)
            terms = (abs(decayed) + abs(decayed - refs[0]),                # θ·decay and the step
                     hp.beta1 * abs(m_in) + (1 - hp.beta1) * u_terms,    # the two parts of m
                     hp.beta2 * v_in + (1 - hp.beta2) * u_terms ** 2)    # the two parts of v
            for name, x, ref, t in zip(("theta", "m", "v"), (theta, m, v), refs, terms):
                checks.close(f"apply_adamw {tag}: {name}", rel_error(A, x, ref, t), OUTPUT_TOL)
            checks.record(f"apply_adamw {tag}: guard", untouched, "wrote outside theta, m or v")

        for name, fn in (("reduce", reduce), ("combine", combine), ("apply_sgd", sgd),
                         ("apply_adamw", adamw)):
            checks.expect_ok(f"{name} {tag}", fn)

    if dtype == F32 and n > 0:  # blur.h: u may alias g_f when the gradients are float32
        def combine_in_place():
            g = A.clone(gf_buf[:n])
            lib.combine(g, gr_buf[:n], cf, cr, g)
            f, r = A.f64(gf_buf[:n]), A.f64(gr_buf[:n])
            error = rel_error(A, A.f64(g), cf * f + cr * r, abs(cf * f) + abs(cr * r))
            checks.close(f"combine f32 n={n}: u aliasing g_f", error, OUTPUT_TOL)
        checks.expect_ok(f"combine f32 n={n}: u aliasing g_f", combine_in_place)


def check_working_copy(lib, A, checks, n, dtype):
    """apply_sgd and apply_adamw with the bf16 working copy, in every layout: θ, m and v bit for bit
    the plain entry point's (whose float64 agreement check_entry_points checks), the copy bit for
    bit the round-to-nearest-even of the new θ, by A.rne and by to_dtype (torch's .to(bfloat16)
    with torch), and the element beyond (or before) the copy's view untouched."""
    gf_buf, gr_buf = gradients(A, n, dtype)
    theta0, m0 = A.randn(n + 1), 0.1 * A.randn(n + 1)
    v0 = m0 * m0 + 0.01 * A.randn(n + 1) ** 2
    hp = AdamW(lr=2.0 ** -7, weight_decay=0.1, step=3)
    for layout, (of, orr, oo) in LAYOUTS.items():
        tag = f"{DTYPES[dtype]} n={n} {layout}"
        gf, gr = gf_buf[of:of + n], gr_buf[orr:orr + n]
        cases = (
            ("apply_sgd", [theta0], lambda out, copy: lib.apply_sgd(
                *out, gf, gr, 0.75, -1.25, 2.0 ** -6, 0.125, theta_bf16=copy)),
            ("apply_adamw", [theta0, m0, v0], lambda out, copy: lib.apply_adamw(
                *out, gf, gr, 0.75, -1.25, hp, theta_bf16=copy)))
        for name, templates, call in cases:
            def check():
                plain, fused = [A.clone(t) for t in templates], [A.clone(t) for t in templates]
                copy_buf = A.bf16_filled(n + 1)
                before = A.clone(copy_buf)
                call([x[oo:oo + n] for x in plain], None)
                call([x[oo:oo + n] for x in fused], copy_buf[oo:oo + n])
                what = f"{name}_bf16copy {tag}"
                checks.record(f"{what}: state as {name}",
                              all(A.same_bits(a, b) for a, b in zip(fused, plain)), "bits differ")
                theta, copy = fused[0][oo:oo + n], copy_buf[oo:oo + n]
                checks.record(f"{what}: copy = RNE(theta)", A.same_bits(copy, A.rne(theta)),
                              "bits differ")
                checks.record(f"{what}: copy = to_dtype(theta, bf16)",
                              A.same_bits(copy, A.to_dtype(theta, BF16)), "bits differ")
                outside = slice(n, n + 1) if oo == 0 else slice(0, 1)
                checks.record(f"{what}: guard", A.same_bits(copy_buf[outside], before[outside]),
                              "wrote outside theta_bf16")
            checks.expect_ok(f"{name}_bf16copy {tag}", check)


def check_determinism(lib, A, checks, n, dtype):
    """The same inputs give the same bits, reduce and apply alike, aligned and not."""
    gf_buf, gr_buf = gradients(A, n, dtype)
    theta0, m0, v0 = A.randn(n + 1), A.zeros(n + 1), A.zeros(n + 1)
    hp = AdamW(lr=1e-3, step=1)
    for layout, off in (("aligned", 0), ("offset1", 1)):
        tag = f"{DTYPES[dtype]} n={n} {layout}"
        gf, gr = gf_buf[off:off + n], gr_buf[off:off + n]

        def reduce_twice():
            a, b = lib.reduce(gf, gr), lib.reduce(gf, gr)
            same = bytes(a) == bytes(b)
            checks.record(f"determinism {tag}: reduce", same, f"{a} then {b}")

        def adamw_twice():
            runs = [[A.clone(x) for x in (theta0, m0, v0)] for _ in range(2)]
            for t, m, v in runs:
                t, m, v = (x[off:off + n] for x in (t, m, v))
                lib.apply_adamw(t, m, v, gf, gr, 0.5, 1.0, hp)
            same = all(A.same_bits(x, y) for x, y in zip(*runs))
            checks.record(f"determinism {tag}: apply_adamw", same, "theta, m or v differ")

        checks.expect_ok(f"determinism {tag}: reduce", reduce_twice)
        checks.expect_ok(f"determinism {tag}: apply_adamw", adamw_twice)


def check_blur_property(lib, A, checks, n, dtype):
    """Lemma A.1(a): c_f = γ − d/F and c_r = 1 give <g_f,u> = γF, here with u in float32."""
    gf, gr = (g[:n] for g in gradients(A, n, dtype))
    for gamma in (1.0, 0.25):
        tag = f"BLUR <g_f,u> = γF {DTYPES[dtype]} n={n} γ={gamma}"

        def check():
            s = lib.reduce(gf, gr)
            cf, cr = blur_coefficients(s, gamma)
            u = A.zeros(n)
            lib.combine(gf, gr, cf, cr, u)
            lhs = A.dot(A.f64(gf), A.f64(u))
            checks.close(tag, abs(lhs - gamma * s.ff) / (gamma * s.ff), 1e-6)
        checks.expect_ok(tag, check)


def check_nonfinite(lib, A, checks, n, dtype):
    """One NaN or ±Inf anywhere (first, last, middle; either gradient) raises the flag."""
    gf_buf, gr_buf = gradients(A, n, dtype)
    for which, index, value in (("g_f", 0, math.nan), ("g_r", n - 1, math.inf),
                                ("g_f", n // 2, -math.inf), ("g_r", n // 3, math.nan)):
        tag = f"nonfinite {DTYPES[dtype]} n={n}: {value} in {which}[{index}]"

        def check():
            gf, gr = A.clone(gf_buf[:n]), A.clone(gr_buf[:n])
            A.put(gf if which == "g_f" else gr, index, value)
            s = lib.reduce(gf, gr)
            checks.record(tag, s.nonfinite == 1, f"{s}")
        checks.expect_ok(tag, check)


def raw_status(lib, name, *args):
    """The C status of a call made with raw C arguments (the CUDA library gets the NULL stream)."""
    return getattr(lib.c, lib.prefix + name)(*args, *([None] if lib.stream_arg else []))


def check_refusals(lib, A, checks, dtype):
    """Bad arguments give BLUR_ERR_ARGUMENT and leave every buffer as it was."""
    n = 1023
    gf, gr = (g[:n] for g in gradients(A, n, dtype))
    theta, m, v, u = A.randn(n), A.randn(n), A.randn(n) ** 2, A.randn(n)
    nan, inf = math.nan, math.inf

    def adamw(hp):
        lib.apply_adamw(theta, m, v, gf, gr, 1.0, 1.0, hp)

    cases = [
        ("combine cf=NaN", lambda: lib.combine(gf, gr, nan, 1.0, u)),
        ("combine cr=1e300 (not a float32)", lambda: lib.combine(gf, gr, 1.0, 1e300, u)),
        ("apply_sgd cr=Inf", lambda: lib.apply_sgd(theta, gf, gr, 1.0, inf, 1e-3)),
        ("apply_sgd lr=NaN", lambda: lib.apply_sgd(theta, gf, gr, 1.0, 1.0, nan)),
        ("apply_adamw cf=NaN", lambda: lib.apply_adamw(theta, m, v, gf, gr, nan, 1.0, AdamW())),
        ("apply_adamw cf=-Inf", lambda: lib.apply_adamw(theta, m, v, gf, gr, -inf, 1.0, AdamW())),
        ("apply_adamw lr=Inf", lambda: adamw(AdamW(lr=inf))),
        ("apply_adamw eps=NaN", lambda: adamw(AdamW(eps=nan))),
        ("apply_adamw step=0", lambda: adamw(AdamW(step=0))),
        ("apply_adamw beta1=1", lambda: adamw(AdamW(beta1=1.0))),
    ]
    for name, call in cases:
        tag = f"refuse {name} {DTYPES[dtype]}"
        before = [A.clone(x) for x in (theta, m, v, u)]
        try:
            call()
            checks.record(tag, False, "accepted")
        except BlurError as e:
            checks.record(tag, e.status == ERR_ARGUMENT, f"status {e.status}: {e}")
        except Exception as e:  # the binding itself refused: not what this check is about
            checks.record(tag, False, f"{type(e).__name__}: {e}")
        checks.record(f"{tag}: buffers untouched",
                      all(A.same_bits(x, y) for x, y in zip(before, (theta, m, v, u))), "changed")

    # pointer-level: NULL, negative n, unknown dtype; n = 0 needs no pointers at all
    def ptr(x):
        return x.data_ptr() if hasattr(x, "data_ptr") else x.ctypes.data
    f, r, t = ptr(gf), ptr(gr), ptr(theta)
    out = Sums(1.0, 2.0, 3.0, 1, 0)
    raw = [
        ("reduce gf=NULL", ERR_ARGUMENT, lambda: raw_status(lib, "reduce", None, r, n, dtype, out)),
        ("reduce out=NULL", ERR_ARGUMENT, lambda: raw_status(lib, "reduce", f, r, n, dtype, None)),
        ("reduce n=-1", ERR_ARGUMENT, lambda: raw_status(lib, "reduce", f, r, -1, dtype, out)),
        ("reduce dtype=7", ERR_ARGUMENT, lambda: raw_status(lib, "reduce", f, r, n, 7, out)),
        ("combine u=NULL", ERR_ARGUMENT,
         lambda: raw_status(lib, "combine", f, r, n, dtype, 1.0, 1.0, None)),
        ("apply_sgd theta=NULL", ERR_ARGUMENT,
         lambda: raw_status(lib, "apply_sgd", None, f, r, n, dtype, 1.0, 1.0, 1e-3, 0.0)),
        ("apply_adamw hp=NULL", ERR_ARGUMENT,
         lambda: raw_status(lib, "apply_adamw", t, t, t, f, r, n, dtype, 1.0, 1.0, None)),
        ("copy bytes=-1", ERR_ARGUMENT, lambda: raw_status(lib, "copy", t, t, -1)),
        ("reduce n=0 with NULLs", OK, lambda: raw_status(lib, "reduce", None, None, 0, dtype, out)),
        ("apply_adamw n=0 with NULLs", OK,
         lambda: raw_status(lib, "apply_adamw", None, None, None, None, None, 0, dtype, 1.0, 1.0,
                            AdamWHyper(1e-3, 0.9, 0.999, 1e-8, 0.01, 0, 1))),
        ("apply_adamw hp.reserved=1", ERR_ARGUMENT,
         lambda: raw_status(lib, "apply_adamw", None, None, None, None, None, 0, dtype, 1.0, 1.0,
                            AdamWHyper(1e-3, 0.9, 0.999, 1e-8, 0.01, 1, 1))),
        ("apply_sgd theta overlapping g_f", ERR_ARGUMENT,
         lambda: raw_status(lib, "apply_sgd", f, f, r, n, dtype, 1.0, 1.0, 1e-3, 0.0)),
        ("apply_sgd_bf16copy theta_bf16=NULL", ERR_ARGUMENT,
         lambda: raw_status(lib, "apply_sgd_bf16copy", t, None, f, r, n, dtype, 1.0, 1.0, 1e-3, 0.0)),
        ("apply_sgd_bf16copy theta_bf16 = g_f", ERR_ARGUMENT,
         lambda: raw_status(lib, "apply_sgd_bf16copy", t, f, f, r, n, dtype, 1.0, 1.0, 1e-3, 0.0)),
        ("apply_adamw_bf16copy theta_bf16 = theta", ERR_ARGUMENT,
         lambda: raw_status(lib, "apply_adamw_bf16copy", t, t, ptr(m), ptr(v), f, r, n, dtype,
                            1.0, 1.0, AdamWHyper(1e-3, 0.9, 0.999, 1e-8, 0.01, 0, 1))),
        ("apply_adamw_bf16copy n=0 with NULLs", OK,
         lambda: raw_status(lib, "apply_adamw_bf16copy", None, None, None, None, None, None, 0,
                            dtype, 1.0, 1.0, AdamWHyper(1e-3, 0.9, 0.999, 1e-8, 0.01, 0, 1))),
    ]
    for name, expected, call in raw:
        status = call()
        checks.record(f"status {name} {DTYPES[dtype]}", status == expected,
                      f"status {status}, expected {expected}: {lib.last_error()}")
    checks.record(f"status reduce n=0 {DTYPES[dtype]}: zeros",
                  (out.dot, out.ff, out.rr, out.nonfinite) == (0.0, 0.0, 0.0, 0), f"{out}")


def check_adamw_steps(lib, A, checks, n, dtype, offset):
    """10 fused steps from the BLUR rule on fresh gradients each step, against a float64 AdamW and
    (GPU) torch.optim.AdamW with foreach=False and with its default, on identical copies of θ.
    Both references get u as combine writes it (checked against float64 on its own above): AdamW's
    first step is nearly sign(u), so where c_f·g_f and c_r·g_r cancel, the last bit of a float32 u
    decides a whole lr-sized step, and only the optimizer's arithmetic is under test here."""
    tag = f"{DTYPES[dtype]} n={n} offset={offset}"
    hp = AdamW(lr=1e-3, weight_decay=0.01)
    bufs = [A.randn(n + 1), A.zeros(n + 1), A.zeros(n + 1)]
    theta, m, v = (b[offset:offset + n] for b in bufs)
    ref = (A.f64(theta), A.f64(m), A.f64(v))
    optimizers = {}
    if isinstance(A, TorchArrays):
        torch = A.torch
        for variant, foreach in (("foreach=False", False), ("default", None)):
            p = torch.nn.Parameter(theta.clone())
            opt = torch.optim.AdamW([p], lr=hp.lr, betas=(hp.beta1, hp.beta2), eps=hp.eps,
                                    weight_decay=hp.weight_decay, foreach=foreach)
            optimizers[variant] = (p, opt)
    for step in range(1, 11):
        gf, gr = (g[:n] for g in gradients(A, n, dtype))
        cf, cr = blur_coefficients(lib.reduce(gf, gr))
        hp.step = step
        lib.apply_adamw(theta, m, v, gf, gr, cf, cr, hp)
        u = A.zeros(n)
        lib.combine(gf, gr, cf, cr, u)
        ref = adamw_reference(*ref, A.f64(u), hp)
        for p, opt in optimizers.values():
            p.grad = A.clone(u)
            opt.step()
    for name, x, r in zip(("theta", "m", "v"), (theta, m, v), ref):
        checks.close(f"adamw 10 steps vs float64 {tag}: {name}", rel_error(A, A.f64(x), r),
                     STEPS_TOL)
    for variant, (p, _) in optimizers.items():
        checks.close(f"adamw 10 steps vs torch.optim.AdamW({variant}) {tag}",
                     rel_error(A, A.f64(theta), A.f64(p.detach())), OUTPUT_TOL)


def check_side_streams(lib, A, checks):
    """The package queues every call on torch's current stream: gradients a kernel writes on a
    side stream, reduced and combined right after with no synchronisation, are read after the
    write (on another stream the read would race it). torch's streams are non-blocking, so the
    legacy default stream would not order them either."""
    torch = A.torch
    n = 1 << 24
    for dtype, tdtype in ((F32, torch.float32), (BF16, torch.bfloat16)):
        tag = f"side stream {DTYPES[dtype]} n={n}"

        def check():
            base, other = A.randn(n), A.randn(n)
            side = torch.cuda.Stream()
            side.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(side):
                gf, gr = (base * 3.0).to(tdtype), (other * 0.5 - base).to(tdtype)
                s = lib.reduce(gf, gr)
                u = torch.empty(n, device="cuda")
                lib.combine(gf, gr, 0.75, -1.25, u)
                f, r = gf.double(), gr.double()
                d, ff, rr = float(f @ r), float(f @ f), float(r @ r)
                err = rel_error(A, u.double(), 0.75 * f - 1.25 * r, 0.75 * f.abs() + 1.25 * r.abs())
            side.synchronize()
            checks.close(f"{tag}: reduce d", abs(s.dot - d), REDUCE_TOL * math.sqrt(ff * rr))
            checks.close(f"{tag}: reduce F", abs(s.ff - ff), REDUCE_TOL * ff)
            checks.close(f"{tag}: combine", err, OUTPUT_TOL)
        checks.expect_ok(tag, check)


def check_optimizer_on_cuda(A, checks):
    """blur_native.BlurAdamW on a CUDA model (float32, and bfloat16 with its float32 master) for 5
    BLUR steps against eq. 14 + AdamW in float64 on the same gradients."""
    torch = A.torch
    for dtype in (torch.float32, torch.bfloat16):
        tag = f"BlurAdamW on CUDA {dtype}"

        def check():
            torch.manual_seed(7)
            model = torch.nn.Sequential(torch.nn.Linear(64, 300), torch.nn.Tanh(),
                                        torch.nn.Linear(300, 11)).to("cuda", dtype)
            opt = blur_native.BlurAdamW(model.parameters(), lr=1e-3, eps=1e-3, rule="blur", gamma=1.0)
            grads = opt.gradients()
            theta = opt.flat.master.double().clone()
            m, v = torch.zeros_like(theta), torch.zeros_like(theta)
            hp = AdamW(lr=1e-3, eps=1e-3)
            for step in range(1, 6):
                x = torch.randn(32, 64, device="cuda", dtype=dtype)
                y = torch.randint(0, 11, (32,), device="cuda")
                with grads.accumulate("forget"):
                    (-torch.nn.functional.cross_entropy(model(x[:16]).float(), y[:16])).backward()
                with grads.accumulate("retain"):
                    torch.nn.functional.cross_entropy(model(x[16:]).float(), y[16:]).backward()
                f, r = grads.forget.double(), grads.retain.double()
                diag = opt.step()
                cf = 1.0 - float(f @ r) / float(f @ f)
                hp.step = step
                theta, m, v = adamw_reference(theta, m, v, cf * f + r, hp)
                checks.close(f"{tag} step {step}: A_f = γ", abs(diag.A_f - 1.0), 1e-9)
            checks.close(f"{tag}: θ after 5 steps", rel_error(A, opt.flat.master.double(), theta),
                         STEPS_TOL)
            working = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
            checks.record(f"{tag}: the model holds θ", torch.equal(working, opt.flat.master.to(dtype)))
        checks.expect_ok(tag, check)


def check_mem_info(lib, A, checks):
    """blur_cuda_mem_info (what `--device cuda` plans memory against) reads what
    torch.cuda.mem_get_info reads, both cudaMemGetInfo: the same total, the same free bytes give
    or take the driver's own bookkeeping (64 MiB), 1 GiB less of them once torch holds 1 GiB more;
    it leaves the current device as it was, and refuses NULL outputs and devices that do not exist."""
    torch = A.torch
    c = lib.c
    c.blur_cuda_mem_info.restype = ctypes.c_int
    c.blur_cuda_mem_info.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_uint64),
                                     ctypes.POINTER(ctypes.c_uint64)]
    free, total = ctypes.c_uint64(0), ctypes.c_uint64(0)

    def read():
        status = c.blur_cuda_mem_info(0, ctypes.byref(free), ctypes.byref(total))
        return status, free.value, total.value

    torch.cuda.synchronize()
    torch.cuda.empty_cache()  # so that the 1 GiB below is a new cudaMalloc, not a cached block
    device = torch.cuda.current_device()
    status, ours_free, ours_total = read()
    torch_free, torch_total = torch.cuda.mem_get_info(0)
    checks.record("mem_info status", status == OK, f"status {status}: {lib.last_error()}")
    checks.record("mem_info total = torch's", ours_total == torch_total, f"{ours_total} vs {torch_total}")
    checks.record("mem_info free ≈ torch's (64 MiB)", abs(ours_free - torch_free) <= 64 << 20,
                  f"{ours_free} vs {torch_free}")
    held = torch.empty(1 << 28, device="cuda")  # 1 GiB of float32
    torch.cuda.synchronize()
    _, after, _ = read()
    checks.record("mem_info free drops by the 1 GiB torch took", ours_free - after >= (1 << 30) - (2 << 20),
                  f"{ours_free} → {after}")
    del held
    checks.record("mem_info leaves the current device", torch.cuda.current_device() == device)
    count = lib.device_count()
    for name, expected, call in [
            ("device = device_count()", ERR_DEVICE,
             lambda: c.blur_cuda_mem_info(count, ctypes.byref(free), ctypes.byref(total))),
            ("device = -1", ERR_ARGUMENT, lambda: c.blur_cuda_mem_info(-1, ctypes.byref(free), ctypes.byref(total))),
            ("free = NULL", ERR_ARGUMENT, lambda: c.blur_cuda_mem_info(0, None, ctypes.byref(total))),
            ("total = NULL", ERR_ARGUMENT, lambda: c.blur_cuda_mem_info(0, ctypes.byref(free), None))]:
        status = call()
        checks.record(f"status mem_info {name}", status == expected,
                      f"status {status}, expected {expected}: {lib.last_error()}")


def check_host_pointer(lib, A, checks):
    """Host memory handed to libblur_cuda.so is refused (or used, where the GPU reaches pageable
    memory: Grace Hopper, HMM), never a fault. Runs last: a sticky fault would spoil later calls."""
    torch = A.torch
    host = torch.ones(1024)
    out = Sums()
    status = raw_status(lib, "reduce", host.data_ptr(), host.data_ptr(), 1024, F32, out)
    message = lib.last_error()
    torch.cuda.synchronize()  # a fault would surface here
    checks.record("host pointer to libblur_cuda.so", status == ERR_ARGUMENT or
                  (status == OK and out.ff == 1024.0), f"status {status}: {message}")
    g = torch.ones(1024, device=A.device)
    checks.record("CUDA context alive after the host pointer", lib.reduce(g, g).ff == 1024.0)


def run_correctness(lib, A, checks, max_n):
    sizes = [n for n in SIZES if max_n is None or n <= max_n]
    for dtype in DTYPES:
        for n in sizes:
            t0 = time.time()
            check_entry_points(lib, A, checks, n, dtype)
            check_working_copy(lib, A, checks, n, dtype)
            print(f"  entry points {DTYPES[dtype]} n={n}: {time.time() - t0:.1f}s", flush=True)
        for n in sizes[-2:]:
            checks.expect_ok(f"determinism {DTYPES[dtype]} n={n}",
                             lambda: check_determinism(lib, A, checks, n, dtype))
        for n in (n for n in sizes if n >= 1023):
            check_blur_property(lib, A, checks, n, dtype)
        for n in (1, 1023, 2**20 + 5):
            check_nonfinite(lib, A, checks, n, dtype)
        check_refusals(lib, A, checks, dtype)
        for n in (1023, 2**20 + 5):
            for offset in (0, 1):
                checks.expect_ok(f"adamw 10 steps {DTYPES[dtype]} n={n} offset={offset}",
                                 lambda: check_adamw_steps(lib, A, checks, n, dtype, offset))
        print(f"  {DTYPES[dtype]} done", flush=True)
    if isinstance(A, TorchArrays) and A.device == "cuda":
        check_side_streams(lib, A, checks)
        check_optimizer_on_cuda(A, checks)
        checks.expect_ok("mem_info", lambda: check_mem_info(lib, A, checks))
        checks.expect_ok("host pointer to libblur_cuda.so",
                         lambda: check_host_pointer(lib, A, checks))


# ---- speed ---------------------------------------------------------------------------------------

def llama7b_numels():
    """The 291 parameter tensors of LLaMA-7B in model order, as element counts."""
    d, ff, vocab, layers = 4096, 11008, 32000, 32
    layer = [d * d] * 4 + [ff * d] * 3 + [d, d]  # q k v o; gate up down; the two RMSNorms
    return [vocab * d] + layer * layers + [d, vocab * d]


def llama7b_split(n):
    """n elements cut in LLaMA-7B's proportions (at least 1 each); the embedding takes the slack."""
    numels = llama7b_numels()
    total = sum(numels)
    sizes = [max(1, round(k * n / total)) for k in numels]
    sizes[0] += n - sum(sizes)
    return sizes


class Timer:
    """Median of timings after warm-up, each run after a cache flush (llm.c style): CUDA events on
    the GPU, the wall clock on the CPU (where every call is synchronous)."""

    def __init__(self, torch, device, runs, warmup):
        self.torch, self.device, self.runs, self.warmup = torch, device, runs, warmup
        # 256 MB, more than any L2 (H100: 50 MB) or server LLC this is run on
        self.flush = torch.empty(256 << 20, dtype=torch.uint8, device=device)

    def _once(self, fn):
        if self.device == "cpu":
            t0 = time.perf_counter()
            fn()
            return (time.perf_counter() - t0) * 1e3
        start = self.torch.cuda.Event(enable_timing=True)
        end = self.torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        return start.elapsed_time(end)

    def ms(self, fn, setup=None):
        """Median ms of fn(); `setup`, when given, runs untimed before each run's cache flush."""
        times = []
        for i in range(self.warmup + self.runs):
            if setup is not None:
                setup()
            self.flush.zero_()
            t = self._once(fn)
            if i >= self.warmup:
                times.append(t)
        return statistics.median(times)


def bench_size(lib, torch, device, timer, n, seed):
    """Timings (ms) at n float32 elements: blur, torch ops, the per-tensor loop and the copy."""
    gen = torch.Generator(device=device).manual_seed(seed)

    def randn(k):
        return torch.randn(k, generator=gen, device=device)

    gf = randn(n)
    gr = 0.5 * gf + randn(n)
    theta, m, v = randn(n), torch.zeros(n, device=device), torch.zeros(n, device=device)
    hp = AdamW(lr=1e-5, weight_decay=0.01)
    gamma = 1.0

    def blur_reduce():
        return lib.reduce(gf, gr)

    def blur_step():
        cf, cr = blur_coefficients(lib.reduce(gf, gr), gamma)
        hp.step += 1
        lib.apply_adamw(theta, m, v, gf, gr, cf, cr, hp)

    # torch ops on the flat buffers, as a user would write them
    p = torch.nn.Parameter(theta.clone())
    opt = torch.optim.AdamW([p], lr=hp.lr, weight_decay=hp.weight_decay, fused=False, foreach=True)

    def torch_reduce():
        return torch.dot(gf, gr).item(), torch.dot(gf, gf).item(), torch.dot(gr, gr).item()

    def torch_step():
        d, ff, _ = torch_reduce()
        p.grad = torch.add(gr, gf, alpha=gamma - d / ff)  # u = c_f·g_f + g_r: BLUR has c_r = 1
        opt.step()

    # the reference code's shape: one tensor at a time, ~300 of them
    sizes = llama7b_split(n)
    gfs, grs = gf.split(sizes), gr.split(sizes)
    params = [torch.nn.Parameter(t.clone()) for t in theta.split(sizes)]
    opt_pt = torch.optim.AdamW(params, lr=hp.lr, weight_decay=hp.weight_decay)

    def per_tensor_reduce():
        d = ff = rr = 0.0
        for a, b in zip(gfs, grs):
            d, ff, rr = d + torch.dot(a, b), ff + a.norm() ** 2, rr + b.norm() ** 2
        return d.item(), ff.item(), rr.item()

    def per_tensor_step():
        d, ff, _ = per_tensor_reduce()
        for q, a, b in zip(params, gfs, grs):
            q.grad = torch.add(b, a, alpha=gamma - d / ff)
        opt_pt.step()

    # the yardstick moves as many bytes as AdamW's apply: reads 4n floats, writes 4n floats
    src = randn(4 * n)
    dst = torch.empty_like(src)

    result = {"n": n, "tensors": len(sizes)}
    for name, fn in (("copy", lambda: lib.copy(dst, src)),
                     ("blur_reduce", blur_reduce), ("torch_reduce", torch_reduce),
                     ("per_tensor_reduce", per_tensor_reduce),
                     ("blur_step", blur_step), ("torch_step", torch_step),
                     ("per_tensor_step", per_tensor_step)):
        result[name + "_ms"] = timer.ms(fn)
    return result


def gbps(nbytes, ms):
    return nbytes / (ms * 1e-3) / 1e9


def bench(lib, torch, device, sizes, runs, warmup, seed):
    timer = Timer(torch, device, runs, warmup)
    rows = []
    for n in sizes:
        try:
            t = bench_size(lib, torch, device, timer, n, seed)
        except torch.cuda.OutOfMemoryError as e:
            print(f"  bench n={n}: skipped, out of memory ({e})", flush=True)
            rows.append({"n": n, "skipped": "out of memory"})
            continue
        finally:
            if device == "cuda":
                torch.cuda.empty_cache()
        copy_gbps = gbps(8 * n * 4, t["copy_ms"])
        for op, nbytes in (("reduce", 2 * n * 4), ("step", 10 * n * 4)):
            blur_ms = t[f"blur_{op}_ms"]
            rows.append({
                "n": n, "op": "reduce" if op == "reduce" else "reduce + AdamW", "bytes": nbytes,
                "blur_ms": blur_ms, "blur_gbps": gbps(nbytes, blur_ms), "copy_gbps": copy_gbps,
                "of_copy": gbps(nbytes, blur_ms) / copy_gbps,
                "torch_ms": t[f"torch_{op}_ms"], "vs_torch": t[f"torch_{op}_ms"] / blur_ms,
                "per_tensor_ms": t[f"per_tensor_{op}_ms"],
                "vs_per_tensor": t[f"per_tensor_{op}_ms"] / blur_ms, "tensors": t["tensors"]})
        r, s = rows[-2], rows[-1]
        print(f"  bench n={n:,}: copy {copy_gbps:.0f} GB/s; reduce {r['blur_gbps']:.0f} GB/s "
              f"({r['vs_torch']:.1f}x torch); reduce+AdamW {s['blur_gbps']:.0f} GB/s "
              f"({s['vs_torch']:.1f}x torch, {s['vs_per_tensor']:.1f}x per-tensor)", flush=True)
    return rows


# ---- report --------------------------------------------------------------------------------------

def first_line(command, pick=0):
    """Line `pick` of a tool's output (-1: the last), or "unknown" when the tool is not there."""
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=30)
        lines = run.stdout.split("\n")
        return [line for line in lines if line.strip()][pick].strip()
    except (OSError, subprocess.SubprocessError, IndexError):
        return "unknown"


def describe_gpu(torch, lib):
    props = torch.cuda.get_device_properties(0)
    return {"gpu": props.name, "capability": f"sm_{props.major}{props.minor}",
            "sms": props.multi_processor_count, "memory_gib": round(props.total_memory / 2**30, 1),
            "driver": first_line(["nvidia-smi", "--query-gpu=driver_version",
                                  "--format=csv,noheader"]),
            "nvcc": first_line(["nvcc", "--version"], -1), "torch": torch.__version__,
            "torch_cuda": torch.version.cuda, "library": os.path.abspath(lib.path)}


def write_report(out, meta, checks, rows, summary):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "gpu-check.json"), "w") as f:
        json.dump({"meta": meta, "passed": not checks.failed, "summary": summary,
                   "checks": checks.results, "bench": rows}, f, indent=1)
    lines = ["# gpu-check", ""]
    lines += [f"- {k}: {v}" for k, v in meta.items()]
    passed = len(checks.results) - len(checks.failed)
    lines += ["", "## Correctness", "",
              f"{passed}/{len(checks.results)} checks passed (references: {meta['references']})."]
    lines += [f"- FAIL {r['name']}: {r['detail']}" for r in checks.failed]
    if rows:
        lines += ["", "## Bandwidth (float32)", "",
                  f"Median of {meta['timing']} after warm-up, caches flushed before each run. "
                  "Bytes are useful traffic: reduce reads 2n·4; reduce + AdamW adds AdamW's 8n·4 "
                  "(reads θ, g_f, g_r, m, v, writes θ, m, v). The copy moves 4n floats (8n·4 "
                  "bytes read + written). Torch ops: 3× torch.dot + .item(), torch.add, "
                  "torch.optim.AdamW(fused=False, foreach=True) on one flat tensor. Per-tensor: "
                  f"the same on {rows[0].get('tensors', '~300')} LLaMA-7B-shaped tensors "
                  "(dot/norm per tensor, torch.optim.AdamW default).", "",
                  "| n | op | GB counted | blur ms | blur GB/s | copy GB/s | of copy "
                  "| torch ops ms | speedup | per-tensor ms | speedup |",
                  "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in rows:
            if "skipped" in r:
                lines.append(f"| {r['n']:,} | skipped: {r['skipped']} |||||||||")
                continue
            lines.append(f"| {r['n']:,} | {r['op']} | {r['bytes'] / 1e9:.3f} | {r['blur_ms']:.3f} "
                         f"| {r['blur_gbps']:.0f} | {r['copy_gbps']:.0f} | {r['of_copy']:.0%} "
                         f"| {r['torch_ms']:.3f} | {r['vs_torch']:.2f}× | {r['per_tensor_ms']:.3f} "
                         f"| {r['vs_per_tensor']:.2f}× |")
    lines += ["", summary, ""]
    with open(os.path.join(out, "gpu-check.md"), "w") as f:
        f.write("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lib", help="libblur_cuda.so (default: $BLUR_CUDA_LIB or cuda/build)")
    ap.add_argument("--cpu-lib", metavar="PATH",
                    help="check libblur.so instead, on host memory with numpy references "
                         "(correctness only; needs neither a GPU nor torch)")
    ap.add_argument("--torch", action="store_true",
                    help="with --cpu-lib: CPU tensors, torch float64 references, the "
                         "torch.optim.AdamW comparison and the timings, instead of numpy")
    ap.add_argument("--out", default="gpu-check-out", help="report directory (default %(default)s)")
    ap.add_argument("--seed", type=int, help="replay a run (default: from the clock)")
    ap.add_argument("--max-n", type=int, help="skip correctness sizes above this")
    ap.add_argument("--bench-sizes", type=int, nargs="*", default=BENCH_SIZES,
                    help="element counts to time; none to skip (default %(default)s)")
    ap.add_argument("--runs", type=int, default=15, help="timed runs per median (default 15)")
    ap.add_argument("--warmup", type=int, default=3)
    args = ap.parse_args()

    seed = args.seed if args.seed is not None else time.time_ns() % 2**31
    print(f"gpu-check: seed {seed}", flush=True)
    checks = Checks()
    rows = []
    if args.cpu_lib:
        lib = load_cpu(args.cpu_lib)
        A = TorchArrays(seed, "cpu") if args.torch else NumpyArrays(seed)
        meta = {"library": os.path.abspath(lib.path), "threads": lib.get_num_threads()}
        where = f"{os.path.basename(lib.path)} on the CPU"
    else:
        try:
            import torch
        except ImportError:
            sys.exit("gpu-check: python3 cannot import torch; install PyTorch with CUDA, or use "
                     "--cpu-lib to check libblur.so")
        if not torch.cuda.is_available():
            sys.exit("gpu-check: torch sees no CUDA device (torch.cuda.is_available() is False)")
        lib, A = load_cuda(args.lib), TorchArrays(seed, "cuda")
        if lib.device_count() == 0:
            sys.exit(f"gpu-check: {lib.path} sees no CUDA device although torch does: was it built "
                     f"with a CUDA newer than this driver supports? (torch has CUDA "
                     f"{torch.version.cuda})")
        meta = describe_gpu(torch, lib)
        where = meta["gpu"]
    meta.update(seed=seed, references=A.name,
                timing=f"{args.runs} CUDA-event timings" if not args.cpu_lib else
                f"{args.runs} wall-clock timings")

    t0 = time.time()
    run_correctness(lib, A, checks, args.max_n)
    passed = len(checks.results) - len(checks.failed)
    print(f"gpu-check: correctness {passed}/{len(checks.results)} in {time.time() - t0:.0f}s",
          flush=True)
    if isinstance(A, TorchArrays) and args.bench_sizes:
        rows = bench(lib, A.torch, A.device, args.bench_sizes, args.runs, args.warmup, seed)

    verdict = "FAIL" if checks.failed else "PASS"
    summary = f"gpu-check: {verdict} {passed}/{len(checks.results)} checks on {where}, seed {seed}"
    steps = [r for r in rows if r.get("op") == "reduce + AdamW"]
    if steps:
        s = steps[-1]
        summary += (f"; reduce+AdamW at n={s['n']:,}: {s['blur_gbps']:.0f} GB/s = "
                    f"{s['of_copy']:.0%} of copy, {s['vs_torch']:.2f}x torch ops, "
                    f"{s['vs_per_tensor']:.2f}x per-tensor")
    write_report(args.out, meta, checks, rows, summary)
    print(f"{summary} → {os.path.join(args.out, 'gpu-check.md')}", flush=True)
    sys.exit(1 if checks.failed else 0)


if __name__ == "__main__":
    main()
