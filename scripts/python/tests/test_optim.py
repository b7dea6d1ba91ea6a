"""BlurAdamW and BlurSGD on a small torch model against float64 re-implementations of the paper's
eq. 14 (BLUR), torch.optim.AdamW's arithmetic and eq. 15 (SGD)."""

import copy
import math
import unittest

import numpy as np
import torch

import blur_native as bn
from . import models
from . import support as s


def flat64(tensors):
    return np.concatenate([t.detach().double().reshape(-1).numpy() for t in tensors])


class BlurAdamWTest(unittest.TestCase):

    def test_ten_blur_steps_match_eq14_and_adamw_in_float64(self):
        seed = s.seed()
        model = models.mlp(seed)
        first, second = list(model[0].parameters()), list(model[2].parameters())
        groups = [{"params": first, "lr": 1e-2, "weight_decay": 0.01},
                  {"params": second, "lr": 3e-3, "weight_decay": 0.0}]
        gamma = 0.7
        opt = bn.BlurAdamW(groups, betas=(0.9, 0.99), eps=s.ORDER_EPS, rule="blur", gamma=gamma)
        grads = opt.gradients()
        split = sum(p.numel() for p in first)
        theta = flat64(first + second)
        m, v = np.zeros_like(theta), np.zeros_like(theta)
        for step in range(1, 11):
            models.accumulate(model, grads, models.batches(seed + step))
            gf, gr = grads.forget.double().numpy().copy(), grads.retain.double().numpy().copy()
            got = opt.step()

            d, F, R = s.sums64(gf, gr)
            s.assert_sums_close(self, (got.d, got.F, got.R), (d, F, R), msg=f"step {step} seed {seed}")
            cf = gamma - d / F  # eq. 14, c_r = 1
            self.assertAlmostEqual(got.c_f, cf, delta=1e-9 * abs(cf))
            self.assertEqual(got.c_r, 1.0)
            self.assertAlmostEqual(got.A_f, gamma, places=9, msg="Lemma A.1(a)")
            u = cf * gf + gr
            for (begin, end), (lr, wd) in (((0, split), (1e-2, 0.01)), ((split, theta.size), (3e-3, 0.0))):
                theta[begin:end], m[begin:end], v[begin:end] = s.adamw64(
                    theta[begin:end], m[begin:end], v[begin:end], u[begin:end], lr=lr, step=step,
                    beta1=0.9, beta2=0.99, eps=s.ORDER_EPS, weight_decay=wd)
        self.assertEqual(opt.steps, 10)
        err = s.rel_error(flat64(first + second), theta)
        self.assertLessEqual(err, 2e-6, f"θ after 10 steps, seed {seed}")
        self.assertLessEqual(s.rel_error(opt.exp_avg.double().numpy(), m), 2e-6)
        self.assertLessEqual(s.rel_error(opt.exp_avg_sq.double().numpy(), v), 2e-6)

    def test_the_model_trains_in_the_flat_storage(self):
        model = models.mlp(1)
        opt = bn.BlurAdamW(model.parameters(), lr=1e-2)
        begin = opt.flat.master.data_ptr()
        end = begin + 4 * opt.flat.master.numel()
        for p in model.parameters():
            self.assertTrue(begin <= p.data_ptr() < end, "each parameter is a view of θ")
        x = torch.randn(3, 6)
        before = model(x).detach().clone()
        models.accumulate(model, opt.gradients(), models.batches(1))
        opt.step()
        self.assertFalse(torch.equal(model(x).detach(), before), "the step reached the model")

    def test_clipping_shortens_u_without_turning_it(self):
        model = models.mlp(2)
        opt = bn.BlurAdamW(model.parameters(), lr=1e-2, rule="weighted-sum", lam=0.5, max_norm=1e-3)
        models.accumulate(model, opt.gradients(), models.batches(2))
        got = opt.step()
        self.assertIsNotNone(got.clip_scale)
        self.assertLess(got.clip_scale, 1.0)
        self.assertAlmostEqual(got.u_norm, 1e-3, delta=1e-12)
        self.assertAlmostEqual(got.c_r / got.c_f, 0.5, places=12)

    def test_a_non_finite_step_changes_nothing_and_too_many_raise(self):
        model = models.mlp(3)
        opt = bn.BlurAdamW(model.parameters(), lr=1e-2, max_skips=1)
        before = opt.flat.master.clone()
        grads = opt.gradients()
        for attempt in range(2):
            models.accumulate(model, grads, models.batches(3))
            grads.retain[5] = math.nan
            if attempt == 0:
                got = opt.step()
                self.assertTrue(got.skipped)
            else:
                with self.assertRaisesRegex(bn.NonFiniteStepsError, "2 steps in a row"):
                    opt.step()
        self.assertTrue(torch.equal(opt.flat.master, before))
        self.assertEqual(opt.steps, 0)

    def test_bfloat16_model_keeps_a_float32_master(self):
        model = models.mlp(4, torch.bfloat16)
        opt = bn.BlurAdamW(model.parameters(), lr=1e-2)
        self.assertEqual(opt.flat.master.dtype, torch.float32)
        models.accumulate(model, opt.gradients(), models.batches(4))
        self.assertEqual(opt.gradients().forget.dtype, torch.bfloat16)
        start = opt.flat.master.clone()
        opt.step()
        self.assertFalse(torch.equal(opt.flat.master, start))
        working = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
        self.assertTrue(torch.equal(working, opt.flat.master.to(torch.bfloat16)))

    def test_a_bfloat16_models_weights_changed_before_the_first_step_are_kept(self):
        # what DDP's start-up broadcast does: new weights written into the model's storage
        model = models.mlp(9, torch.bfloat16)
        opt = bn.BlurAdamW(model.parameters(), lr=0.0, weight_decay=0.0)
        with torch.no_grad():
            for p in model.parameters():
                p.fill_(0.5)
        models.accumulate(model, opt.gradients(), models.batches(9))
        opt.step()  # lr 0: θ must stay what the model held
        for p in model.parameters():
            self.assertTrue(torch.all(p == 0.5))

    def test_resuming_from_state_dict_continues_bit_for_bit(self):
        def run(model, opt, seeds):
            for k in seeds:
                models.accumulate(model, opt.gradients(), models.batches(k))
                opt.step()

        model = models.mlp(5)
        opt = bn.BlurAdamW(model.parameters(), lr=1e-2)
        run(model, opt, [10, 11, 12])
        saved_model, saved_state = copy.deepcopy(model.state_dict()), copy.deepcopy(opt.state_dict())
        run(model, opt, [13, 14])

        resumed = models.mlp(99)
        resumed.load_state_dict(saved_model)
        opt2 = bn.BlurAdamW(resumed.parameters(), lr=1e-2)
        opt2.load_state_dict(saved_state)
        run(resumed, opt2, [13, 14])
        self.assertTrue(torch.equal(opt.flat.master, opt2.flat.master))
        self.assertEqual(opt2.steps, 5)

    def test_a_rule_named_at_step_overrides_the_default(self):
        model = models.mlp(6)
        opt = bn.BlurAdamW(model.parameters(), lr=1e-2, rule="blur")
        models.accumulate(model, opt.gradients(), models.batches(6))
        got = opt.step(rule="ngdiff")
        self.assertAlmostEqual(got.c_f, 1 / math.sqrt(got.F), places=12)
        self.assertAlmostEqual(got.c_r, 1 / math.sqrt(got.R), places=12)


class BlurSGDTest(unittest.TestCase):

    def test_sgd_steps_match_eq15_in_float64(self):
        seed = s.seed()
        model = models.mlp(seed)
        opt = bn.BlurSGD(model.parameters(), lr=0.05, weight_decay=0.1, rule="swapped-blur", gamma=1.0)
        theta = flat64(model.parameters())
        for step in range(3):
            models.accumulate(model, opt.gradients(), models.batches(seed + step))
            gf, gr = (b.double().numpy().copy() for b in (opt.gradients().forget, opt.gradients().retain))
            opt.step()
            d, F, R = s.sums64(gf, gr)
            u = gf + (1.0 - d / R) * gr  # Remark 2.1: c_f = 1, c_r = γ − d/R
            theta = theta * (1 - np.float32(0.05) * np.float32(0.1)) - np.float32(0.05) * u
        self.assertLessEqual(s.rel_error(flat64(model.parameters()), theta), 1e-6, f"seed {seed}")


if __name__ == "__main__":
    unittest.main()
