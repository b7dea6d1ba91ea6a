"""FlatGradients: .grad views into G_f and G_r, accumulation over micro-batches."""

import unittest
import warnings

import torch

import blur_native as bn
from . import models
from . import support as s


class FlatGradientsTest(unittest.TestCase):

    def test_micro_batches_accumulate_to_the_whole_batch(self):
        seed = s.seed()
        data = models.batches(seed, size=11)
        whole_model, micro_model = models.mlp(seed), models.mlp(seed)
        whole, micro = bn.FlatGradients(whole_model.parameters()), bn.FlatGradients(micro_model.parameters())
        models.accumulate(whole_model, whole, data)
        models.accumulate(micro_model, micro, data, micro=3)  # 3 + 3 + 3 + 2
        for side in ("forget", "retain"):
            a, b = whole.buffer(side), micro.buffer(side)
            self.assertGreater(float(a.abs().max()), 0)
            err = float((a - b).abs().max() / a.abs().max())
            self.assertLessEqual(err, 1e-6, f"{side}, seed {seed}")

    def test_each_grad_is_a_view_of_the_active_buffer(self):
        model = models.mlp(0)
        grads = bn.FlatGradients(model.parameters())
        for side in ("forget", "retain"):
            grads.point_at(side)
            buffer = grads.buffer(side)
            offset = 0
            for p in model.parameters():
                self.assertEqual(p.grad.data_ptr(), buffer.data_ptr() + 4 * offset)
                offset += p.numel()
            self.assertEqual(offset, grads.numel)

    def test_gradients_survive_set_to_none_and_out_of_place_accumulation(self):
        model, reference = models.mlp(7), models.mlp(7)
        grads, ref = bn.FlatGradients(model.parameters()), bn.FlatGradients(reference.parameters())
        data = models.batches(7)
        xf, yf, _, _ = data
        with grads.accumulate("forget"):
            models.forget_loss(model, xf[:4], yf[:4], 8).backward()
        model.zero_grad(set_to_none=True)  # what trainers do between steps: the buffer keeps G_f
        with grads.accumulate("forget"):
            # create_graph=True makes autograd replace .grad instead of adding in place
            with warnings.catch_warnings():  # torch warns of the reference cycle reclaim() breaks
                warnings.simplefilter("ignore", UserWarning)
                models.forget_loss(model, xf[4:], yf[4:], 8).backward(create_graph=True)
        with ref.accumulate("forget"):
            models.forget_loss(reference, xf, yf, 8).backward()
        err = float((grads.forget - ref.forget).abs().max() / ref.forget.abs().max())
        self.assertLessEqual(err, 1e-6)

    def test_frozen_and_tied_parameters(self):
        model = models.mlp(8)
        model[0].bias.requires_grad_(False)
        params = list(model.parameters()) + [model[2].weight]  # listed twice, counted once
        grads = bn.FlatGradients(params)
        expected = sum(p.numel() for p in model.parameters() if p.requires_grad)
        self.assertEqual(grads.numel, expected)

    def test_bad_layouts_are_refused(self):
        with self.assertRaisesRegex(ValueError, "no trainable parameters"):
            bn.FlatGradients([torch.zeros(3)])
        mixed = [torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))]
        with self.assertRaisesRegex(TypeError, "mix dtypes"):
            bn.FlatGradients(mixed)
        with self.assertRaisesRegex(TypeError, "float32 or bfloat16"):
            bn.FlatGradients([torch.nn.Parameter(torch.zeros(2, dtype=torch.float16))])
        with self.assertRaisesRegex(ValueError, "expected 'forget' or 'retain'"):
            bn.FlatGradients(models.mlp(0).parameters()).point_at("both")


if __name__ == "__main__":
    unittest.main()
