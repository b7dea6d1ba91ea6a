#!/usr/bin/python3
"""Expected values for the --compat tests (src/test/resources/compat/official.json).

The official BLUR code's expressions (OptimAI-Lab/BLURLLMUnlearning, commit 075f00e), evaluated
by PyTorch in float64 on fixed random inputs, each next to the lines it follows. The Java tests
read the inputs from the file and must reproduce the outputs.

    /usr/bin/python3 scripts/official_blur_reference.py   # rewrites official.json
Needs torch (Debian: python3-torch).
"""
import json
import pathlib

import torch
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parent.parent / "src/test/resources/compat/official.json"
gen = torch.Generator().manual_seed(20261201)
B, T, V = 3, 4, 5
logits = torch.randn(B, T, V, generator=gen, dtype=torch.float64) * 2
ref_logits = torch.randn(B, T, V, generator=gen, dtype=torch.float64) * 2
beta = 0.7

# MUSE/baselines/baselines/iterative.py:289-290
neg_log_ratio = ref_logits - logits
npo = -F.logsigmoid(beta * neg_log_ratio).mean() * 2 / beta

# TOFU/src/trainer/utils.py:24-34 (compute_batch_nll) and 38-58 (compute_dpo_loss, lose side only)
labels = torch.tensor([[-100, 1, 3, -100], [-100, -100, 4, 0], [-100, 2, -100, -100]])


def compute_batch_nll(lg, labels):
    shifted_labels = labels[..., 1:].contiguous()
    lg = lg[..., :-1, :].contiguous()
    loss = torch.nn.CrossEntropyLoss(ignore_index=-100, reduction="none")(lg.transpose(-1, -2), shifted_labels).sum(dim=-1)
    return loss.mean()


lose_log_ratio = -(compute_batch_nll(logits, labels) - compute_batch_nll(ref_logits, labels))
npo_batch_mean = -2 / beta * F.logsigmoid(beta * (0.0 - lose_log_ratio)).mean()

# MUSE/baselines/baselines/iterative.py:302-307
kl = F.kl_div(logits, ref_logits, reduction="batchmean", log_target=True)

# WMDP/rmu/unlearn_bi.py:105-108, on two flat gradients
n, alpha = 11, 1200.0
g_f = torch.randn(n, generator=gen, dtype=torch.float64)
g_r = torch.randn(n, generator=gen, dtype=torch.float64) * 0.01
tmp_upper = torch.sum(g_f * g_r)
tmp_lower = torch.sum(g_f ** 2)
u = g_f + alpha * (g_r - g_f * tmp_upper / tmp_lower)

OUT.write_text(json.dumps({
    "source": "OptimAI-Lab/BLURLLMUnlearning@075f00e, by scripts/official_blur_reference.py",
    "logits": logits.tolist(), "reference_logits": ref_logits.tolist(), "beta": beta,
    "npo_raw_logits": npo.item(), "kl_raw_logits": kl.item(),
    "labels": labels.tolist(), "npo_batch_mean": npo_batch_mean.item(),
    "alpha": alpha, "g_f": g_f.tolist(), "g_r": g_r.tolist(), "rmu_u": u.tolist(),
}, indent=1) + "\n")
print(f"wrote {OUT}")
