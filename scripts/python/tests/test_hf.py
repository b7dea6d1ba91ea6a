"""blur_native.hf: the Trainer integration's logic on a Trainer-shaped harness (fake_trainer),
and on the real transformers.Trainer where transformers is installed."""

import copy
import math
import os
import sys
import tempfile
import unittest

import numpy as np
import torch

import blur_native as bn
from blur_native import hf, losses
from . import fake_trainer as ft
from . import support as s
from .test_distributed import launch_module

try:
    import transformers
except ImportError:
    transformers = None
    print("test_hf: transformers is not installed here, so the real Trainer is skipped; the "
          "integration's logic runs on tests/fake_trainer.py", file=sys.stderr)


class BlurFake(hf.BlurTrainerMixin, ft.FakeTrainer):
    pass


def flat(model):
    return torch.cat([p.detach().double().reshape(-1) for p in model.parameters()])


class TrainerLogicTest(unittest.TestCase):

    def test_accumulated_micro_batches_equal_one_batch(self):
        seed = s.seed()
        batches = [ft.batch(seed + k, 8) for k in range(3)]
        results = []
        for parts in (1, 2, 4):
            trainer = BlurFake(ft.TinyLM(seed), ft.Args(accumulation=parts, adam_epsilon=s.ORDER_EPS),
                               blur_method="blur-npo")
            trainer.train([ft.split(b, parts) for b in batches])
            results.append(flat(trainer.model))
        for parts, theta in zip((2, 4), results[1:]):
            err = float((theta - results[0]).abs().max() / results[0].abs().max())
            self.assertLessEqual(err, 1e-6, f"{parts} micro-batches, seed {seed}")

    def test_one_step_is_eq14_and_adamw_on_the_whole_batch(self):
        seed = s.seed()
        b = ft.batch(seed, 6)
        model = ft.TinyLM(seed)
        ref_model, frozen = copy.deepcopy(model), copy.deepcopy(model)
        gamma, beta = 0.8, 0.1
        trainer = BlurFake(model, ft.Args(accumulation=3), blur_method="blur-npo", gamma=gamma, beta=beta)
        trainer.train([ft.split(b, 3)])

        grads = bn.FlatGradients(ref_model.parameters())
        with grads.accumulate("forget"):
            losses.npo_loss(ref_model, frozen, b["forget"], beta).backward()
        with grads.accumulate("retain"):
            losses.nll_loss(ref_model, b["retain"]).backward()
        gf, gr = grads.forget.double().numpy(), grads.retain.double().numpy()
        d, F, R = s.sums64(gf, gr)
        theta, _, _ = s.adamw64(flat(ref_model).numpy(), 0, 0, (gamma - d / F) * gf + gr,
                                lr=1e-2, step=1, weight_decay=0.0)
        self.assertLessEqual(s.rel_error(flat(model).numpy(), theta), 2e-6, f"seed {seed}")
        logs = trainer.logged[-1]
        self.assertAlmostEqual(logs["blur/A_f"], gamma, places=9)
        # NLL on the retain micro-batches (equal sizes, same label counts) averages to the batch's
        self.assertLessEqual(abs(logs["blur/d"] - d), 1e-6 * math.sqrt(F * R))

    def test_every_method_trains(self):
        for method in hf.METHODS:
            for retain in ("NLL", "KL"):
                trainer = BlurFake(ft.TinyLM(3), ft.Args(accumulation=2), blur_method=method,
                                   retain_loss_type=retain, delta=0.5)
                before = flat(trainer.model)
                trainer.train([ft.split(ft.batch(3, 4), 2)])
                logs = trainer.logged[-1]
                self.assertFalse(torch.equal(before, flat(trainer.model)), f"{method} {retain}")
                self.assertAlmostEqual(logs["blur/A_f"], 1.0, places=9, msg=f"{method} {retain}")
                self.assertTrue(math.isfinite(logs["blur/forget_loss"]))

    def test_clipping_shortens_u_and_the_trainers_own_clipping_is_off(self):
        trainer = BlurFake(ft.TinyLM(4), ft.Args(accumulation=1, max_grad_norm=1e-3))
        self.assertEqual(trainer.args.max_grad_norm, 0.0)
        trainer.train([[ft.batch(4, 4)]])
        logs = trainer.logged[-1]
        self.assertLess(logs["blur/clip_scale"], 1.0)
        self.assertAlmostEqual(logs["blur/u_norm"], 1e-3, delta=1e-12)

    def test_swapped_levels_protect_the_retain_loss(self):
        trainer = BlurFake(ft.TinyLM(5), ft.Args(accumulation=1), blur_method="blur-ga", swap_levels=True)
        trainer.train([[ft.batch(5, 4)]])
        self.assertAlmostEqual(trainer.logged[-1]["blur/A_r"], 1.0, places=9)

    def test_bad_configurations_are_one_clear_error(self):
        for kwargs, message in (({"blur_method": "npo"}, "is not one of"),
                                ({"alpha": 0.5}, "leave it at 1"),
                                ({"retain_loss_type": "MSE"}, "retain_loss_type")):
            with self.assertRaisesRegex(ValueError, message):
                BlurFake(ft.TinyLM(0), ft.Args(1), **kwargs)
        with self.assertRaisesRegex(ValueError, "fp16 loss scaling"):
            BlurFake(ft.TinyLM(0), ft.Args(1, fp16=True))

    def test_the_package_imports_without_transformers(self):
        code = ("import sys\nsys.modules['transformers'] = None\n"
                "import blur_native.hf as hf\nprint(hf.BlurTrainerMixin.__name__)\n"
                "try:\n    hf.BlurTrainer\nexcept ImportError as e:\n    print('ImportError:', e)\n")
        import subprocess
        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=60, env=dict(os.environ, PYTHONPATH=package))
        self.assertIn("BlurTrainerMixin", out.stdout, out.stderr)
        self.assertIn("ImportError: blur_native.hf.BlurTrainer needs transformers", out.stdout)


class DdpTest(unittest.TestCase):

    @unittest.skipUnless(torch.distributed.is_gloo_available(), "this torch has no Gloo backend")
    def test_two_ddp_ranks_match_one_process(self):
        seed = s.seed()
        with tempfile.TemporaryDirectory() as tmp:
            one, = launch_module("tests.hf_worker", 1, tmp, seed, "mean")
            ranks = launch_module("tests.hf_worker", 2, tmp, seed, "mean")
        self.assertTrue(torch.equal(ranks[0]["theta"], ranks[1]["theta"]), f"ranks differ, seed {seed}")
        err = float((one["theta"].double() - ranks[0]["theta"].double()).abs().max()
                    / one["theta"].double().abs().max())
        self.assertLessEqual(err, 1e-6, f"seed {seed}")
        self.assertTrue(ranks[0]["no_sync_used"], "DDP all-reduced inside the backward passes")


@unittest.skipIf(transformers is None, "transformers is not installed (the fake harness covers the logic)")
class RealTrainerTest(unittest.TestCase):

    def test_a_tiny_llama_unlearns_with_blur_npo(self):
        config = transformers.LlamaConfig(vocab_size=13, hidden_size=16, intermediate_size=32,
                                          num_hidden_layers=1, num_attention_heads=2,
                                          num_key_value_heads=2, max_position_embeddings=16)
        model = transformers.LlamaForCausalLM(config)
        examples = [ft.batch(k, 1) for k in range(8)]

        def collate(items):
            return {side: {k: torch.cat([x[side][k] for x in items]) for k in items[0][side]}
                    for side in ("forget", "retain")}
        with tempfile.TemporaryDirectory() as out:
            args = transformers.TrainingArguments(output_dir=out, per_device_train_batch_size=2,
                                                  gradient_accumulation_steps=2, max_steps=2,
                                                  learning_rate=1e-3, logging_steps=1,
                                                  report_to=[], save_strategy="no",
                                                  remove_unused_columns=False, use_cpu=True)
            trainer = hf.BlurTrainer(model=model, args=args, train_dataset=examples,
                                     data_collator=collate, blur_method="blur-npo")
            trainer.train()
        logged = [h for h in trainer.state.log_history if "blur/A_f" in h]
        self.assertEqual(len(logged), 2)
        self.assertAlmostEqual(logged[-1]["blur/A_f"], 1.0, places=6)


if __name__ == "__main__":
    unittest.main()
