"""A small torch model and the two losses the optimizer tests step on."""

import torch


def mlp(seed, dtype=torch.float32):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(6, 17), torch.nn.Tanh(), torch.nn.Linear(17, 5))
    return model.to(dtype)


def batches(seed, size=8):
    """(forget inputs, forget labels, retain inputs, retain labels), fixed by the seed."""
    g = torch.Generator().manual_seed(seed)
    xf, xr = torch.randn(size, 6, generator=g), torch.randn(size, 6, generator=g)
    yf, yr = torch.randint(0, 5, (size,), generator=g), torch.randint(0, 5, (size,), generator=g)
    return xf, yf, xr, yr


def forget_loss(model, x, y, total):
    """Gradient ascent on the forget examples: −Σ CE / the whole batch's size."""
    logits = model(x.to(next(model.parameters()).dtype))
    return -torch.nn.functional.cross_entropy(logits.float(), y, reduction="sum") / total


def retain_loss(model, x, y, total):
    logits = model(x.to(next(model.parameters()).dtype))
    return torch.nn.functional.cross_entropy(logits.float(), y, reduction="sum") / total


def accumulate(model, grads, data, micro=None):
    """Both sides' gradients into `grads`, in micro-batches of `micro` examples (None: one)."""
    xf, yf, xr, yr = data
    size = len(xf)
    micro = micro or size
    with grads.accumulate("forget"):
        for i in range(0, size, micro):
            forget_loss(model, xf[i:i + micro], yf[i:i + micro], size).backward()
    with grads.accumulate("retain"):
        for i in range(0, size, micro):
            retain_loss(model, xr[i:i + micro], yr[i:i + micro], size).backward()
