"""BLUR-NPO, BLUR-SimNPO and BLUR-GA in the Hugging Face Trainer (and open-unlearning's trainers
built on it), with the fused update.

    from blur_native.hf import BlurTrainer                 # imports transformers here, not before
    trainer = BlurTrainer(model=model, args=training_args, train_dataset=forget_retain,
                          data_collator=collator, blur_method="blur-npo", gamma=1.0, beta=0.1)
    trainer.train()

or, on a Trainer subclass of your own (open-unlearning's UnlearnTrainer, say):
class BLUR_NPO(BlurTrainerMixin, UnlearnTrainer) — see docs/python.md. Batches are
{"forget": {...}, "retain": {...}}, each with input_ids, attention_mask and labels (-100 where no
loss is taken), as open-unlearning's ForgetRetainDataset collates them.

What this replaces in the official BLUR trainer, and why:
- It captured each parameter's gradient with a hook that overwrote the capture on every
  micro-batch, so with gradient accumulation only the last micro-batch was projected. Here every
  micro-batch's forget and retain backward passes accumulate into the flat G_f and G_r
  (FlatGradients), and the projection runs once per optimizer step on the sums.
- It formed d and F per tensor with one .item() host sync each (~600 per step on LLaMA-7B).
  Here one reduce kernel reads G_f and G_r once, and one fused kernel applies AdamW.
- Its hooks saw each rank's local gradients before DDP's all-reduce, so ranks projected
  different vectors and the replicas drifted apart. Here the backward passes run under DDP's
  no_sync, the optimizer all-reduces G_f and G_r once per step and sums the shards' (d, F, R) in
  rank order: every rank applies the same bits.
- Its gradient clipping scaled .grad before the projection overwrote it. Here `max_grad_norm`
  clips u = c_f·g_f + c_r·g_r, the step actually taken (DESIGN.md §2), and the Trainer's own
  clipping is turned off (it would scale G_r in place).

Each micro-batch's losses are divided by gradient_accumulation_steps and, under DDP, the ranks'
gradients are averaged: the Hugging Face convention, exact for equal-sized micro-batches of
per-sequence means (NPO, SimNPO). DeepSpeed and fp16 loss scaling are refused (the fused step
needs the whole flat gradient, unscaled); bf16 models keep a float32 master θ in the optimizer.
"""

import contextlib
import copy

import torch

from . import losses
from .optim import BlurAdamW, _BlurOptimizer

__all__ = ["BlurTrainerMixin", "BlurTrainer", "blur_trainer_class", "METHODS"]

# method: (forget loss, whether it needs the frozen reference model)
METHODS = {"blur-npo": ("npo", True), "blur-simnpo": ("simnpo", False), "blur-ga": ("ga", False)}
RETAIN_LOSSES = ("NLL", "KL")


class BlurTrainerMixin:
    """Put before transformers.Trainer (or a subclass) in the bases. Its own arguments:
    blur_method ("blur-npo", "blur-simnpo", "blur-ga"), gamma (γ of eq. 14), beta (NPO/SimNPO),
    delta (SimNPO), retain_loss_type ("NLL" or "KL" to the reference model), swap_levels
    (Remark 2.1's roles swapped), ref_model (else a frozen copy of the model when needed).
    open-unlearning's alpha (weight of the retain loss in a weighted sum) has no place in BLUR:
    it is accepted and must be 1."""

    blur_method = "blur-npo"

    def __init__(self, *args, blur_method=None, gamma=1.0, beta=0.1, delta=0.0,
                 retain_loss_type="NLL", swap_levels=False, ref_model=None, alpha=1.0, **kwargs):
        method = blur_method or self.blur_method
        if method not in METHODS:
            raise ValueError(f"blur_method {method!r} is not one of {', '.join(METHODS)}")
        if retain_loss_type not in RETAIN_LOSSES:
            raise ValueError(f"retain_loss_type {retain_loss_type!r} is not one of {RETAIN_LOSSES}")
        if alpha != 1.0:
            raise ValueError(f"alpha = {alpha}: BLUR weighs the retain gradient by its rule, "
                             "not by alpha; leave it at 1")
        super().__init__(*args, **kwargs)
        self.blur_method, self.blur_gamma, self.blur_beta, self.blur_delta = method, gamma, beta, delta
        self.blur_retain_loss, self.blur_swap_levels = retain_loss_type, swap_levels
        self._refuse_unsupported()
        # clipping belongs to u, in the optimizer; the Trainer's would scale G_r in place
        self.blur_max_norm = self.args.max_grad_norm if self.args.max_grad_norm else None
        self.args.max_grad_norm = 0.0
        needs_ref = METHODS[method][1] or retain_loss_type == "KL"
        self.blur_ref_model = ref_model if ref_model is not None or not needs_ref \
            else self._frozen_copy(self.model)

    def _refuse_unsupported(self):
        if getattr(self, "is_deepspeed_enabled", False):
            raise ValueError("BLUR trainers need the whole flat gradient on every rank; DeepSpeed "
                             "shards it (use plain DDP)")
        if getattr(self.args, "fp16", False):
            raise ValueError("fp16 loss scaling would hand the rule scaled gradients; use bf16 or fp32")

    @staticmethod
    def _frozen_copy(model):
        ref = copy.deepcopy(model).eval()
        for p in ref.parameters():
            p.requires_grad_(False)
        return ref

    # -- the optimizer: BlurAdamW with the Trainer's hyper-parameters -----------------------------

    def create_optimizer(self):
        if getattr(self, "optimizer", None) is None:
            args = self.args
            self.optimizer = BlurAdamW(
                self.model.parameters(), lr=args.learning_rate,
                betas=(args.adam_beta1, args.adam_beta2), eps=args.adam_epsilon,
                weight_decay=args.weight_decay,
                rule="swapped-blur" if self.blur_swap_levels else "blur", gamma=self.blur_gamma,
                max_norm=self.blur_max_norm)
        return self.optimizer

    def blur_optimizer(self):
        """Our optimizer, under whatever wrapper (accelerate's AcceleratedOptimizer) holds it."""
        opt = self.optimizer
        while not isinstance(opt, _BlurOptimizer):
            if not hasattr(opt, "optimizer"):
                raise TypeError(f"the optimizer is a {type(opt).__name__}, not BlurAdamW: BLUR "
                                "trainers make their own in create_optimizer")
            opt = opt.optimizer
        return opt

    # -- one micro-batch: its forget and retain gradients into G_f and G_r ------------------------

    def blur_losses(self, model):
        """(forget loss, retain loss) functions of a micro-batch's inputs for this method."""
        forget_kind = METHODS[self.blur_method][0]
        beta, delta, ref = self.blur_beta, self.blur_delta, self.blur_ref_model
        forget = {
            "npo": lambda x: losses.npo_loss(model, ref, x, beta),
            "simnpo": lambda x: losses.simnpo_loss(model, x, beta, delta),
            "ga": lambda x: losses.gradient_ascent_loss(model, x),
        }[forget_kind]
        if self.blur_retain_loss == "KL":
            return forget, lambda x: losses.kl_loss(model, ref, x)
        return forget, lambda x: losses.nll_loss(model, x)

    def training_step(self, model, inputs, *args, **kwargs):
        model.train()
        inputs = self._prepare_inputs(inputs)
        grads = self.blur_optimizer().gradients()
        forget_loss, retain_loss = self.blur_losses(model)
        scale = 1.0 / self.args.gradient_accumulation_steps
        with self._without_ddp_sync(model):
            with grads.accumulate("forget"):
                with self.compute_loss_context_manager():
                    f = forget_loss(inputs["forget"])
                self.accelerator.backward(f * scale)
            with grads.accumulate("retain"):
                with self.compute_loss_context_manager():
                    r = retain_loss(inputs["retain"])
                self.accelerator.backward(r * scale)
        self._blur_losses = (float(f), float(r))
        return (f + r).detach() * scale

    @staticmethod
    def _without_ddp_sync(model):
        """DDP must not all-reduce here: the optimizer reduces G_f and G_r once per step."""
        if isinstance(model, torch.nn.parallel.DistributedDataParallel):
            return model.no_sync()
        return contextlib.nullcontext()

    # -- the step's diagnostics in the Trainer's logs ---------------------------------------------

    def log(self, logs, *args, **kwargs):
        diag = getattr(self.blur_optimizer(), "last_diagnostics", None) \
            if getattr(self, "optimizer", None) is not None else None
        if diag is not None:
            for name in ("d", "F", "R", "c_f", "c_r", "cos", "A_f", "A_r", "u_norm", "clip_scale"):
                value = getattr(diag, name)
                if value is not None:
                    logs[f"blur/{name}"] = value
            logs["blur/skipped"] = int(diag.skipped)
        if getattr(self, "_blur_losses", None) is not None:
            logs["blur/forget_loss"], logs["blur/retain_loss"] = self._blur_losses
        return super().log(logs, *args, **kwargs)


def blur_trainer_class(base=None):
    """BlurTrainerMixin on `base` (default transformers.Trainer, imported here)."""
    if base is None:
        try:
            from transformers import Trainer as base
        except ImportError as e:
            raise ImportError("blur_native.hf.BlurTrainer needs transformers (pip install "
                              "transformers); BlurTrainerMixin works on any Trainer-like base") from e
    return type(f"Blur{base.__name__}", (BlurTrainerMixin, base), {})


def __getattr__(name):
    if name == "BlurTrainer":  # transformers is imported on first use of this name only
        return blur_trainer_class()
    raise AttributeError(f"module 'blur_native.hf' has no attribute {name!r}")
