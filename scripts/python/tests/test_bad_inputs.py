"""Bad inputs are one clear Python exception, raised before the library is called or by the
library's own refusal (BlurError); the process never crashes."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch

import blur_native as bn
from blur_native import _abi


class BadInputsTest(unittest.TestCase):

    def setUp(self):
        self.g = np.ones(8, np.float32)
        self.u = np.zeros(8, np.float32)

    def test_wrong_dtypes(self):
        with self.assertRaisesRegex(TypeError, "g_f is numpy float64; gradients must be float32 or bfloat16"):
            bn.reduce(np.ones(8), self.g)
        with self.assertRaisesRegex(TypeError, "both must have one dtype"):
            bn.reduce(self.g, np.ones(8, np.uint16))
        with self.assertRaisesRegex(TypeError, "u is numpy uint16; it must be float32"):
            bn.combine(self.g, self.g, 1.0, 1.0, np.zeros(8, np.uint16))
        with self.assertRaisesRegex(TypeError, "theta is torch.bfloat16; it must be float32"):
            bn.apply_sgd(torch.zeros(8, dtype=torch.bfloat16), self.g, self.g, 1.0, 1.0, 0.1)
        with self.assertRaisesRegex(TypeError, "expected a torch.Tensor or a numpy array"):
            bn.reduce([1.0, 2.0], self.g)

    def test_non_contiguous_and_read_only(self):
        with self.assertRaisesRegex(ValueError, "g_r is not contiguous"):
            bn.reduce(self.g[:4], np.ones(8, np.float32)[::2])
        with self.assertRaisesRegex(ValueError, "theta is not contiguous"):
            bn.apply_sgd(torch.zeros(4, 2).t(), torch.ones(8), torch.ones(8), 1.0, 1.0, 0.1)
        frozen = np.zeros(8, np.float32)
        frozen.flags.writeable = False
        with self.assertRaisesRegex(ValueError, "u is read-only"):
            bn.combine(self.g, self.g, 1.0, 1.0, frozen)

    def test_length_mismatches(self):
        with self.assertRaisesRegex(ValueError, "g_r has 7 elements but g_f has 8"):
            bn.reduce(self.g, np.ones(7, np.float32))
        with self.assertRaisesRegex(ValueError, "m has 9 elements but g_f has 8"):
            bn.apply_adamw(self.u, np.zeros(9, np.float32), self.u.copy(), self.g, self.g, 1, 1,
                           lr=1e-3, step=1)

    def test_devices(self):
        with self.assertRaisesRegex(ValueError, "different devices"):
            bn.reduce(torch.ones(8), self.g)
        with self.assertRaisesRegex(ValueError, "on meta"):
            bn.reduce(torch.ones(8, device="meta"), torch.ones(8, device="meta"))

    def test_the_library_refuses_what_it_must(self):
        for call, message in (
                (lambda: bn.combine(self.g, self.g, float("nan"), 1.0, self.u), "blur_combine: cf is not finite"),
                (lambda: bn.apply_adamw(self.u, self.u.copy(), self.u.copy(), self.g, self.g, 1, 1,
                                        lr=1e-3, step=0), "step counts from 1"),
                (lambda: bn.apply_adamw(self.u, self.u.copy(), self.u.copy(), self.g, self.g, 1, 1,
                                        lr=1e-3, step=1, betas=(1.0, 0.999)), "betas must lie in"),
                (lambda: bn.apply_sgd(self.g, self.g, self.g, 1.0, 1.0, 0.1), "overlaps input"),
                (lambda: bn.set_num_threads(5000), "threads must lie in"),
        ):
            with self.assertRaises(bn.BlurError) as caught:
                call()
            self.assertIn(message, str(caught.exception))
            self.assertEqual(caught.exception.status, bn._abi.ERR_ARGUMENT)

    def test_optimizer_arguments(self):
        params = [torch.nn.Parameter(torch.zeros(4))]
        with self.assertRaisesRegex(ValueError, "lr must be a finite number >= 0"):
            bn.BlurAdamW(params, lr=-1.0)
        with self.assertRaisesRegex(ValueError, "betas must lie in"):
            bn.BlurAdamW(params, betas=(0.9, 1.0))
        with self.assertRaisesRegex(ValueError, "max_norm must be"):
            bn.BlurAdamW(params, max_norm=0.0)
        opt = bn.BlurAdamW(params)
        with self.assertRaisesRegex(ValueError, "forget has 3 elements but the parameters have 4"):
            opt.step(torch.zeros(3), torch.zeros(4))
        with self.assertRaisesRegex(TypeError, "both the forget and the retain buffer"):
            opt.step(torch.zeros(4))
        with self.assertRaisesRegex(ValueError, "cover other parameters"):
            opt.step(bn.FlatGradients([torch.nn.Parameter(torch.zeros(4))]))
        with self.assertRaisesRegex(TypeError, "need a rule name"):
            opt.step(gamma=2.0)

    def test_a_raw_null_pointer_is_refused_not_a_crash(self):
        # what no wrapper can stop: a caller going around it straight to the C functions
        lib = _abi.load(_abi.CPU_LIBRARY)
        self.assertEqual(lib.c.blur_sums_add(None, None), _abi.ERR_ARGUMENT)
        self.assertIn("blur_sums_add: a is NULL", lib.last_error())
        self.assertEqual(lib.c.blur_reduce(None, None, 5, 0, None), _abi.ERR_ARGUMENT)


class LibraryLoadingTest(unittest.TestCase):

    def run_python(self, code, **env):
        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        full = dict(os.environ, PYTHONPATH=package, **env)
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=60, env=full)

    def test_an_explicit_path_is_used(self):
        path = bn.load_library()  # whatever the search finds
        self.assertEqual(bn.load_library(path), path)

    def test_a_missing_library_names_what_was_tried_and_how_to_build_it(self):
        with self.assertRaises(FileNotFoundError) as caught:
            bn.load_library("/nonexistent/libblur.so")
        message = str(caught.exception)
        for part in ("/nonexistent/libblur.so", "make -C native", "BLUR_NATIVE_LIB"):
            self.assertIn(part, message)
        self.assertEqual(bn.reduce(np.ones(2, np.float32), np.ones(2, np.float32)).ff, 2.0,
                         "the library loaded before stays in use")

    def test_the_environment_variable_wins(self):
        path = bn.load_library()
        out = self.run_python("import blur_native\nprint(blur_native.load_library())",
                              BLUR_NATIVE_LIB=path)
        self.assertEqual(out.stdout.strip(), path, out.stderr)

    def test_a_library_next_to_an_installed_package_is_found(self):
        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        with tempfile.TemporaryDirectory() as site:
            shutil.copytree(os.path.join(package, "blur_native"), os.path.join(site, "blur_native"))
            beside = os.path.join(site, "blur_native", "libblur.so")
            shutil.copy(bn.load_library(), beside)
            env = {k: v for k, v in os.environ.items() if k not in _abi.ENV[_abi.CPU_LIBRARY]}
            out = subprocess.run([sys.executable, "-c", "import blur_native; print(blur_native.load_library())"],
                                 capture_output=True, text=True, timeout=60, cwd=site,
                                 env=dict(env, PYTHONPATH=site))
        self.assertEqual(out.stdout.strip(), beside, out.stderr)

    def test_the_cuda_library_loads_and_refuses_without_a_gpu(self):
        cuda = [p for p in _abi.candidates(_abi.CUDA_LIBRARY) if os.path.isfile(p)]
        if not cuda:
            self.skipTest("libblur_cuda.so was not built (no nvcc)")
        lib = _abi.load(_abi.CUDA_LIBRARY, cuda[0])
        self.assertGreaterEqual(bn.cuda_device_count(), 0)
        # argument checks run before any CUDA call: the same answer with or without a GPU
        self.assertEqual(lib.c.blur_cuda_reduce(None, None, 5, 0, None, None), _abi.ERR_ARGUMENT)
        self.assertIn("blur_cuda_reduce: out is NULL", lib.last_error())

    def test_an_unloadable_file_is_a_blur_error(self):
        with self.assertRaisesRegex(bn.BlurError, "cannot load"):
            bn.load_library(os.path.abspath(__file__))

    def test_the_package_imports_without_torch_for_numpy_use(self):
        code = ("import sys\nsys.modules['torch'] = None\n"  # an import of torch now fails
                "import blur_native, numpy as np\n"
                "print(blur_native.reduce(np.ones(3, np.float32), np.ones(3, np.float32)).ff)")
        out = self.run_python(code)
        self.assertEqual(out.stdout.strip(), "3.0", out.stderr)


if __name__ == "__main__":
    unittest.main()
