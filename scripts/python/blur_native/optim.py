"""BlurAdamW and BlurSGD: torch.optim.Optimizer subclasses whose step is one BLUR update.

    opt = BlurAdamW(model.parameters(), lr=1e-5, rule="blur", gamma=1.0)
    grads = opt.gradients()                      # FlatGradients over the same parameters
    with grads.accumulate("forget"): forget_loss.backward()
    with grads.accumulate("retain"): retain_loss.backward()
    diagnostics = opt.step()                     # reduce → rule → (clip) → fused apply

step() runs DESIGN.md §2 steps 4–7 once per optimizer step on the accumulated G_f and G_r:
under torch.distributed it all-reduces them and sums the shards' (d, F, R) in rank order; then
the rule gives (c_f, c_r), clipping (`max_norm`) shortens u = c_f·g_f + c_r·g_r, and one fused
kernel per parameter group updates θ (and AdamW's m, v) reading each buffer once. The parameters'
storage becomes one flat tensor at construction (each .data a view of it); for a bfloat16 model
the optimizer keeps a float32 master θ and writes it back after every step.
"""

import math

import torch

from . import kernels, rules
from .distributed import Replicas
from .flat import FlatGradients, FlatParameters, trainable

__all__ = ["BlurAdamW", "BlurSGD", "NonFiniteStepsError"]


class NonFiniteStepsError(RuntimeError):
    """More than `max_skips` steps in a row had non-finite gradients (DESIGN.md §3)."""


class _BlurOptimizer(torch.optim.Optimizer):

    def __init__(self, params, defaults, rule, rule_params, max_norm, max_skips, process_group,
                 average_gradients):
        super().__init__(params, defaults)
        for group in self.param_groups:
            group["params"] = trainable(group["params"])
        ordered = [p for group in self.param_groups for p in group["params"]]
        self.flat = FlatParameters(ordered)
        # each group is a contiguous range of the flat vector: one kernel call per group
        self._ranges, begin = [], 0
        for group in self.param_groups:
            end = begin + sum(p.numel() for p in group["params"])
            self._ranges.append((begin, end))
            begin = end
        self.rule = rules.rule(rule, **rule_params)
        if max_norm is not None and not (max_norm > 0 and math.isfinite(max_norm)):
            raise ValueError(f"max_norm must be a finite number > 0 or None, got {max_norm}")
        self.max_norm, self.max_skips = max_norm, max_skips
        self.process_group, self.average_gradients = process_group, average_gradients
        self.steps, self.skips_in_a_row = 0, 0
        self._gradients = None
        self.last_diagnostics = None

    def gradients(self):
        """The FlatGradients that step() uses when called without buffers: over this optimizer's
        parameters, in its order, on their device and in their dtype (made once)."""
        if self._gradients is None:
            self._gradients = FlatGradients(self.flat.params)
        return self._gradients

    @torch.no_grad()
    def step(self, forget=None, retain=None, rule=None, max_norm=None, **rule_params):
        """One update from G_f and G_r. `forget` may be a FlatGradients (then `retain` is not
        given), two flat tensors in this optimizer's parameter order, or nothing (the
        gradients() buffers). A rule given here (by name with its parameters, or a Rule) replaces
        the constructor's for this step; so does `max_norm`. Returns rules.Diagnostics; a step whose
        sums are not finite changes nothing and has skipped=True. FlatGradients are zeroed once
        used, ready for the next step's accumulation."""
        grads, gf, gr = self._buffers(forget, retain)
        if rule is None and rule_params:
            raise TypeError(f"rule parameters {sorted(rule_params)} need a rule name")
        rule = self.rule if rule is None else rules.rule(rule, **rule_params)
        max_norm = self.max_norm if max_norm is None else max_norm

        replicas = Replicas(self.process_group, self.average_gradients) \
            if Replicas.active(self.process_group) else None
        if replicas is not None:
            if grads is not None:
                grads.reclaim()
            replicas.reduce_gradients(gf, gr)
            sums = replicas.reduce(gf, gr)
        else:
            sums = kernels.reduce(gf, gr)

        d, f, r = sums.dot, sums.ff, sums.rr
        if sums.nonfinite:
            diagnostics = rules.Diagnostics.of(d, f, r, rule.coefficients(d, f, r), skipped=True)
            self._skipped()
        else:
            self.skips_in_a_row = 0
            c, scale = self._clipped(rule.coefficients(d, f, r), d, f, r, max_norm)
            if self.steps == 0:  # weights set after construction (DDP's broadcast) count
                self.flat.adopt()
            self.steps += 1
            for group, (begin, end) in zip(self.param_groups, self._ranges):
                self._apply(group, self.flat.master[begin:end], gf[begin:end], gr[begin:end],
                            c.cf, c.cr, begin, end)
            self.flat.publish()
            diagnostics = rules.Diagnostics.of(d, f, r, c, clip_scale=scale)
        if grads is not None:
            grads.zero_()
        self.last_diagnostics = diagnostics  # for trainers that call step() and log later
        return diagnostics

    def _buffers(self, forget, retain):
        if forget is None and retain is None:
            forget = self.gradients()
        if isinstance(forget, FlatGradients):
            if retain is not None:
                raise TypeError("step(FlatGradients) takes no separate retain buffer")
            if [id(p) for p in forget.params] != [id(p) for p in self.flat.params]:
                raise ValueError("these FlatGradients cover other parameters (or another order) "
                                 "than the optimizer; make them with optimizer.gradients()")
            forget.reclaim()
            return forget, forget.forget, forget.retain
        if forget is None or retain is None:
            raise TypeError("step() takes a FlatGradients, or both the forget and the retain buffer")
        for name, b in (("forget", forget), ("retain", retain)):
            if not isinstance(b, torch.Tensor):
                raise TypeError(f"{name} is a {type(b).__name__}; expected a flat torch.Tensor")
            if b.numel() != self.flat.numel:
                raise ValueError(f"{name} has {b.numel()} elements but the parameters have "
                                 f"{self.flat.numel}")
            if b.device != self.flat.device:
                raise ValueError(f"{name} is on {b.device} but the parameters are on {self.flat.device}")
        return None, forget.reshape(-1), retain.reshape(-1)

    @staticmethod
    def _clipped(c, d, f, r, max_norm):
        """(c_f, c_r) scaled down when ‖u‖ > max_norm, and the factor (None when not clipped):
        clipping u, never g_f or g_r (DESIGN.md §2)."""
        norm = rules.Diagnostics.of(d, f, r, c).u_norm
        if max_norm is not None and norm > max_norm:
            scale = max_norm / norm
            return c.scaled(scale), scale
        return c, None

    def _skipped(self):
        self.skips_in_a_row += 1
        if self.max_skips is not None and self.skips_in_a_row > self.max_skips:
            raise NonFiniteStepsError(
                f"non-finite gradients in {self.skips_in_a_row} steps in a row (more than "
                f"max_skips={self.max_skips}); lower the learning rate or check the data")

    def _apply(self, group, theta, gf, gr, cf, cr, begin, end):
        raise NotImplementedError

    # -- checkpoints: the flat state as three tensors, not one view per parameter ---------------

    def _flat_state(self):
        return {}

    def state_dict(self):
        state = super().state_dict()
        state["blur"] = dict(self._flat_state(), steps=self.steps)
        if self.flat.master is not self.flat.working:
            state["blur"]["master"] = self.flat.master.clone()
        return state

    def load_state_dict(self, state_dict):
        state_dict = dict(state_dict)
        blur = state_dict.pop("blur", None)
        if blur is None:
            raise ValueError("not a BlurAdamW/BlurSGD state_dict (no 'blur' entry)")
        super().load_state_dict(state_dict)
        self.steps = int(blur["steps"])
        for name, tensor in self._flat_state().items():
            tensor.copy_(blur[name])
        if "master" in blur and self.flat.master is not self.flat.working:
            self.flat.master.copy_(blur["master"])
            self.flat.publish()


class BlurAdamW(_BlurOptimizer):
    """AdamW (torch.optim.AdamW's arithmetic: decoupled weight decay, bias correction) with the
    rule's u as the gradient, fused into one pass. Defaults are torch.optim.AdamW's.

    rule: "blur" (gamma), "swapped-blur" (gamma), "weighted-sum" (lam), "ga", "ngdiff", or a
    rules.Rule; max_norm: clip ‖u‖; max_skips: raise after more non-finite steps in a row;
    process_group / average_gradients: under torch.distributed, G_f and G_r are all-reduced in
    that group and divided by the world size (DDP's convention) unless average_gradients=False
    (for losses already divided by the global batch's totals)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 rule="blur", max_norm=None, max_skips=None, process_group=None,
                 average_gradients=True, **rule_params):
        for name, x in (("lr", lr), ("eps", eps), ("weight_decay", weight_decay)):
            if not (math.isfinite(x) and x >= 0):
                raise ValueError(f"{name} must be a finite number >= 0, got {x}")
        if not all(0 <= b < 1 for b in betas):
            raise ValueError(f"betas must lie in [0, 1), got {tuple(betas)}")
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay)
        super().__init__(params, defaults, rule, rule_params, max_norm, max_skips, process_group,
                         average_gradients)
        self.exp_avg = torch.zeros_like(self.flat.master)
        self.exp_avg_sq = torch.zeros_like(self.flat.master)

    def _apply(self, group, theta, gf, gr, cf, cr, begin, end):
        kernels.apply_adamw(theta, self.exp_avg[begin:end], self.exp_avg_sq[begin:end], gf, gr,
                            cf, cr, lr=group["lr"], step=self.steps, betas=group["betas"],
                            eps=group["eps"], weight_decay=group["weight_decay"])

    def _flat_state(self):
        return {"exp_avg": self.exp_avg, "exp_avg_sq": self.exp_avg_sq}


class BlurSGD(_BlurOptimizer):
    """θ ← θ·(1 − lr·wd) − lr·u (the paper's eq. 15). Other arguments as BlurAdamW's."""

    def __init__(self, params, lr, weight_decay=0.0, rule="blur", max_norm=None, max_skips=None,
                 process_group=None, average_gradients=True, **rule_params):
        for name, x in (("lr", lr), ("weight_decay", weight_decay)):
            if not (math.isfinite(x) and x >= 0):
                raise ValueError(f"{name} must be a finite number >= 0, got {x}")
        super().__init__(params, dict(lr=lr, weight_decay=weight_decay), rule, rule_params,
                         max_norm, max_skips, process_group, average_gradients)

    def _apply(self, group, theta, gf, gr, cf, cr, begin, end):
        kernels.apply_sgd(theta, gf, gr, cf, cr, lr=group["lr"], weight_decay=group["weight_decay"])
