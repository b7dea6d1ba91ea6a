"""The package on CUDA tensors (scripts/gpu-check.sh runs this on a GPU machine; elsewhere it is
skipped): kernels on torch's current stream, float32 and bfloat16, and BlurAdamW on a CUDA model.
Needs only libblur_cuda.so: the references are float64 on the device."""

import unittest

import torch

import blur_native as bn
from . import models
from . import support as s

CUDA = torch.cuda.is_available()


@unittest.skipUnless(CUDA, "no CUDA device: the CUDA path runs in scripts/gpu-check.sh")
class CudaKernelsTest(unittest.TestCase):

    def test_kernels_on_a_side_stream_match_float64(self):
        gen = torch.Generator(device="cuda").manual_seed(s.seed())
        for dtype in (torch.float32, torch.bfloat16):
            for n in (0, 1, 7, 1023, 2**20 + 5):
                side = torch.cuda.Stream()
                side.wait_stream(torch.cuda.current_stream())
                with torch.cuda.stream(side):  # written and read on `side`, with no sync between
                    gf = torch.randn(n, device="cuda", generator=gen).to(dtype)
                    gr = (0.5 * gf.float() + torch.randn(n, device="cuda", generator=gen)).to(dtype)
                    got = bn.reduce(gf, gr)
                    u = torch.empty(n, device="cuda")
                    bn.combine(gf, gr, 0.75, -1.25, u)
                side.synchronize()
                f, r = gf.double(), gr.double()
                want = (float(f @ r), float(f @ f), float(r @ r))
                s.assert_sums_close(self, (got.dot, got.ff, got.rr), want, 1e-9, f"{dtype} n={n}")
                ref = 0.75 * f - 1.25 * r
                err = float((u.double() - ref).abs().max() / (0.75 * f.abs() + 1.25 * r.abs()).max()) if n else 0.0
                self.assertLessEqual(err, s.OUTPUT_TOL, f"{dtype} n={n}")

    def test_bf16_working_copy_is_the_rne_of_theta(self):
        gen = torch.Generator(device="cuda").manual_seed(s.seed())
        for dtype in (torch.float32, torch.bfloat16):
            for n in (0, 1, 7, 9, 63, 65, 1023, 2**20 + 5):
                gf = torch.randn(n, device="cuda", generator=gen).to(dtype)
                gr = torch.randn(n, device="cuda", generator=gen).to(dtype)
                theta0 = torch.randn(n, device="cuda", generator=gen)
                plain = [theta0.clone(), torch.zeros(n, device="cuda"), torch.zeros(n, device="cuda")]
                fused = [x.clone() for x in plain]
                copy = torch.empty(n, dtype=torch.bfloat16, device="cuda")
                bn.apply_adamw(*plain, gf, gr, 0.75, -1.25, lr=1e-3, step=1)
                bn.apply_adamw(*fused, gf, gr, 0.75, -1.25, lr=1e-3, step=1, theta_bf16=copy)
                for a, b in zip(fused, plain):
                    self.assertTrue(torch.equal(a.view(torch.int32), b.view(torch.int32)), f"{dtype} n={n}")
                want = fused[0].to(torch.bfloat16).view(torch.int16)
                self.assertTrue(torch.equal(copy.view(torch.int16), want), f"{dtype} n={n}")
                theta = theta0.clone()
                bn.apply_sgd(theta, gf, gr, 0.75, -1.25, 2.0 ** -6, 0.125, theta_bf16=copy)
                self.assertTrue(torch.equal(copy.view(torch.int16),
                                            theta.to(torch.bfloat16).view(torch.int16)), f"sgd {dtype} n={n}")

    def test_host_memory_is_refused_not_a_fault(self):
        with self.assertRaisesRegex(ValueError, "different devices"):
            bn.reduce(torch.ones(8, device="cuda"), torch.ones(8))


@unittest.skipUnless(CUDA, "no CUDA device: the CUDA path runs in scripts/gpu-check.sh")
class CudaOptimizerTest(unittest.TestCase):

    def test_blur_adamw_on_cuda_matches_the_same_run_in_float64(self):
        for dtype in (torch.float32, torch.bfloat16):
            model = models.mlp(11, dtype).cuda()
            opt = bn.BlurAdamW(model.parameters(), lr=1e-2, eps=1e-3, rule="blur", gamma=1.0)
            grads = opt.gradients()
            theta = opt.flat.master.double().clone()
            m, v = torch.zeros_like(theta), torch.zeros_like(theta)
            for step in range(1, 11):
                xf, yf, xr, yr = (t.cuda() for t in models.batches(step))
                models.accumulate(model, grads, (xf, yf, xr, yr))
                f, r = grads.forget.double(), grads.retain.double()
                diag = opt.step()
                self.assertAlmostEqual(diag.A_f, 1.0, places=9)
                u = (1.0 - float(f @ r) / float(f @ f)) * f + r
                theta, m, v = (torch.from_numpy(x).cuda() for x in s.adamw64(
                    theta.cpu().numpy(), m.cpu().numpy(), v.cpu().numpy(), u.cpu().numpy(),
                    lr=1e-2, step=step, eps=1e-3))
            err = float((opt.flat.master.double() - theta).abs().max() / theta.abs().max())
            self.assertLessEqual(err, 2e-6, str(dtype))


if __name__ == "__main__":
    unittest.main()
