"""The package against the Java reference kernel (JavaKernel, float64 with compensated sums):
PythonPackageTest writes random cases and Java's outputs (ReferenceCase.java's layout) into
$BLUR_JAVA_REFERENCE; run standalone, without it, this test says so and is skipped."""

import math
import os
import unittest

import numpy as np
import torch

import blur_native as bn
from . import support as s

CASES = os.environ.get("BLUR_JAVA_REFERENCE")


def read_case(path):
    n, dtype, cf, cr, lr, wd, steps = open(os.path.join(path, "case.txt")).read().split()
    return int(n), int(dtype), float(cf), float(cr), float(lr), float(wd), int(steps)


@unittest.skipUnless(CASES, "BLUR_JAVA_REFERENCE is not set (PythonPackageTest sets it under mvn verify)")
class JavaReferenceTest(unittest.TestCase):

    def load(self, path, name, dtype=np.float32):
        return np.fromfile(os.path.join(path, name), dtype=dtype)

    def run_package(self, path, kind):
        """Every entry point on the case's inputs, numpy or torch; returns the outputs by name."""
        n, dtype, cf, cr, lr, wd, steps = read_case(path)
        grad_type = np.uint16 if dtype == bn.BF16 else np.float32
        gf, gr = self.load(path, "gf.bin", grad_type), self.load(path, "gr.bin", grad_type)
        theta = self.load(path, "theta.bin")
        if kind == "torch":
            def wrap(x):
                t = torch.from_numpy(x.view(np.int16) if x.dtype == np.uint16 else x)
                return t.view(torch.bfloat16) if x.dtype == np.uint16 else t
            gf, gr = wrap(gf), wrap(gr)
            arrays = lambda x: torch.from_numpy(np.array(x, np.float32))  # noqa: E731
        else:
            arrays = lambda x: np.array(x, np.float32)  # noqa: E731
        out = {"sums": bn.reduce(gf, gr)}
        out["u"] = arrays(np.zeros(n))
        bn.combine(gf, gr, cf, cr, out["u"])
        out["sgd"] = arrays(theta)
        for _ in range(steps):
            bn.apply_sgd(out["sgd"], gf, gr, cf, cr, lr, wd)
        t, m, v = arrays(theta), arrays(np.zeros(n)), arrays(np.zeros(n))
        for step in range(1, steps + 1):
            bn.apply_adamw(t, m, v, gf, gr, cf, cr, lr=lr, step=step, eps=1e-3, weight_decay=wd)
        out.update(adamw_theta=t, adamw_m=m, adamw_v=v)
        return out

    def scales(self, path):
        """What formed each θ, as ReferenceCase.termScale bounds it: θ0 and `steps` updates of at
        most lr·|u| (SGD) or lr (AdamW). θ alone is no scale: where the updates cancel θ0 (n = 1
        makes that likely), its own size is far below the float32 rounding of the steps."""
        n, _, _, _, lr, _, steps = read_case(path)
        theta0 = np.abs(self.load(path, "theta.bin").astype(np.float64))
        u = np.abs(self.load(path, "java_u.bin").astype(np.float64))
        return {"sgd": theta0 + steps * lr * u, "adamw_theta": theta0 + steps * lr}

    def test_every_entry_point_matches_java(self):
        cases = sorted(os.listdir(CASES))
        self.assertGreater(len(cases), 0, f"no cases in {CASES}")
        for case in cases:
            path = os.path.join(CASES, case)
            d, f, r, flag = open(os.path.join(path, "java_sums.txt")).read().split()
            for kind in ("numpy", "torch"):
                msg = f"{case} ({' '.join(map(str, read_case(path)[:2]))}) {kind}"
                out = self.run_package(path, kind)
                got = out["sums"]
                s.assert_sums_close(self, (got.dot, got.ff, got.rr), (float(d), float(f), float(r)),
                                    msg=msg)
                self.assertEqual(got.nonfinite, int(flag), msg)
                np.testing.assert_array_equal(np.asarray(out["u"]), self.load(path, "java_u.bin"),
                                              f"combine {msg}")
                scales = self.scales(path)
                for name in ("sgd", "adamw_theta", "adamw_m", "adamw_v"):
                    want = self.load(path, f"java_{name}.bin")
                    err = s.rel_error(np.asarray(out[name]), want, scales.get(name))
                    self.assertLessEqual(err, s.OUTPUT_TOL, f"{name} {msg}")
                    self.assertFalse(math.isnan(err), f"{name} {msg}")


if __name__ == "__main__":
    unittest.main()
