"""Flat buffers over a model's trainable parameters (DESIGN.md §2, §8).

FlatGradients: G_f and G_r, each one tensor of n elements; every parameter's .grad is a view of
its slice of whichever is active, so the forget backward passes accumulate into G_f and the
retain ones into G_r, in place, with no copies, over any number of micro-batches.

FlatParameters: the parameters' own storage made one flat tensor (each parameter's .data a view
of it), plus the float32 master copy the fused kernels update when the model is bfloat16.
"""

import contextlib

import torch

__all__ = ["FlatGradients", "FlatParameters", "trainable"]

FORGET, RETAIN = "forget", "retain"


def trainable(parameters):
    """Parameters with requires_grad, each once (tied weights appear once), in the given order."""
    seen, out = set(), []
    for p in parameters:
        if p.requires_grad and id(p) not in seen:
            seen.add(id(p))
            out.append(p)
    if not out:
        raise ValueError("no trainable parameters (none has requires_grad)")
    return out


def _layout(params):
    """(dtype, device, offsets): every parameter must share one float dtype and one device."""
    dtypes, devices = {p.dtype for p in params}, {p.device for p in params}
    if len(dtypes) > 1:
        raise TypeError(f"parameters mix dtypes {sorted(map(str, dtypes))}; flat buffers take one")
    if len(devices) > 1:
        raise ValueError(f"parameters live on {sorted(map(str, devices))}; flat buffers take one device")
    dtype = dtypes.pop()
    if dtype not in (torch.float32, torch.bfloat16):
        raise TypeError(f"parameters are {dtype}; the fused kernels take float32 or bfloat16")
    offsets, n = [], 0
    for p in params:
        offsets.append(n)
        n += p.numel()
    return dtype, devices.pop(), offsets, n


def _views(flat, params, offsets):
    return [flat[o:o + p.numel()].view(p.shape) for p, o in zip(params, offsets)]


class FlatGradients:
    """G_f (`forget`) and G_r (`retain`) over `parameters`, in the parameters' dtype and device.

        grads = FlatGradients(model.parameters())
        with grads.accumulate("forget"):
            for batch in forget_micro_batches: forget_loss(batch).backward()
        with grads.accumulate("retain"):
            for batch in retain_micro_batches: retain_loss(batch).backward()
        optimizer.step(grads)            # BlurAdamW / BlurSGD; then grads.zero_()

    Losses should be divided by the whole batch's size (not the micro-batch's), so that the
    accumulated gradient is the whole batch's gradient.
    """

    def __init__(self, parameters):
        self.params = trainable(parameters)
        self.dtype, self.device, self.offsets, self.numel = _layout(self.params)
        self.forget = torch.zeros(self.numel, dtype=self.dtype, device=self.device)
        self.retain = torch.zeros(self.numel, dtype=self.dtype, device=self.device)
        self._views = {FORGET: _views(self.forget, self.params, self.offsets),
                       RETAIN: _views(self.retain, self.params, self.offsets)}
        self.active = None

    def buffer(self, which):
        if which not in self._views:
            raise ValueError(f"which is {which!r}; expected 'forget' or 'retain'")
        return self.forget if which == FORGET else self.retain

    def point_at(self, which):
        """Every parameter's .grad becomes its view of G_f (`forget`) or G_r (`retain`)."""
        self.buffer(which)
        self.reclaim()
        for p, view in zip(self.params, self._views[which]):
            p.grad = view
        self.active = which

    def reclaim(self):
        """Folds back what a caller or autograd put in .grad outside the active buffer: a .grad
        replaced by a new tensor (create_graph=True accumulates out of place, some trainers assign
        .grad) is copied into the buffer and the view restored. None means nothing was added."""
        if self.active is None:
            return
        with torch.no_grad():
            for p, view in zip(self.params, self._views[self.active]):
                g = p.grad
                if g is not None and g.data_ptr() != view.data_ptr():
                    view.copy_(g.detach())
                    p.grad = view

    @contextlib.contextmanager
    def accumulate(self, which):
        """Backward passes inside accumulate into G_f or G_r; the .grad views stay afterwards."""
        self.point_at(which)
        try:
            yield self.buffer(which)
        finally:
            self.reclaim()

    def zero_(self):
        self.forget.zero_()
        self.retain.zero_()

    def release(self):
        """Parameters' .grad back to None (the buffers keep their values)."""
        self.reclaim()
        for p in self.params:
            p.grad = None
        self.active = None


class FlatParameters:
    """The parameters' storage as one flat tensor `working` (dtype of the model), and `master`,
    the float32 θ the kernels update: `working` itself for a float32 model, a float32 copy for a
    bfloat16 one (then `publish()` rounds it back into the model after each step)."""

    def __init__(self, params):
        self.params = list(params)
        self.dtype, self.device, self.offsets, self.numel = _layout(self.params)
        self.working = torch.empty(self.numel, dtype=self.dtype, device=self.device)
        with torch.no_grad():
            for p, view in zip(self.params, _views(self.working, self.params, self.offsets)):
                view.copy_(p.data)
                p.data = view
        self.master = self.working if self.dtype == torch.float32 else self.working.float()

    def adopt(self):
        """The float32 master from the model's current values: for a bfloat16 model whose weights
        changed after construction (DDP's start-up broadcast from rank 0, a checkpoint loaded into
        the model); nothing for float32, whose master is the model's storage."""
        if self.master is not self.working:
            self.master.copy_(self.working)

    def publish(self):
        """The updated float32 θ into the model's (bfloat16) parameters; nothing for float32."""
        if self.master is not self.working:
            self.working.copy_(self.master)
