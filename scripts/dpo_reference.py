#!/usr/bin/python3
"""Expected values for DpoLossTest (src/test/resources/loss/dpo_reference.json).

open-unlearning's DPO forget loss re-implemented in float64 torch, line for line after
src/trainer/utils.py (compute_batch_nll, compute_dpo_loss) and src/trainer/unlearn/dpo.py of
locuslab/open-unlearning at commit d3d7cf9e6b3c125d16687d4232680d8d83548f1a, with the models'
forward passes replaced by fixed logits. dpo.py calls compute_dpo_loss with
win_inputs = inputs["forget"]["alternate"] and lose_inputs = inputs["forget"]["original"]; the
reference model's passes run under no_grad. Writes the inputs, the loss, and its gradient with
respect to the trained model's logits on both answers (autograd), for beta 0.1 (configs/trainer/
DPO.yaml) and 1.5.

    /usr/bin/python3 scripts/dpo_reference.py   # rewrites dpo_reference.json
Needs torch (1.13 was used).
"""
import json
import pathlib

import torch
from torch import nn
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parent.parent / "src/test/resources/loss/dpo_reference.json"
B, T, V = 4, 5, 6
IGNORE = -100


def compute_batch_nll(logits, labels):  # utils.py compute_batch_nll, the model's logits given
    shifted_labels = labels[..., 1:].contiguous()
    logits = logits[..., :-1, :].contiguous()
    loss_function = nn.CrossEntropyLoss(ignore_index=-100, reduction="none")
    return loss_function(logits.transpose(-1, -2), shifted_labels).sum(dim=-1)


def compute_dpo_loss(win, lose, beta):  # utils.py compute_dpo_loss; win/lose: (logits, ref_logits, labels)
    win_loss = compute_batch_nll(win[0], win[2])
    with torch.no_grad():
        win_ref_loss = compute_batch_nll(win[1], win[2])
    win_log_ratio = -(win_loss - win_ref_loss)
    lose_loss = compute_batch_nll(lose[0], lose[2])
    with torch.no_grad():
        lose_ref_loss = compute_batch_nll(lose[1], lose[2])
    lose_log_ratio = -(lose_loss - lose_ref_loss)
    return -2 / beta * F.logsigmoid(beta * (win_log_ratio - lose_log_ratio)).mean()


def main():
    g = torch.Generator().manual_seed(20261201)
    logits = lambda: (2.0 * torch.randn(B, T, V, generator=g, dtype=torch.float64))
    # the forget answers (lose): right padding, an answer of one token, a row with none
    labels = torch.tensor([[IGNORE, IGNORE, 2, 5, 1],
                           [IGNORE, 3, 3, IGNORE, IGNORE],
                           [IGNORE, IGNORE, IGNORE, IGNORE, 4],
                           [IGNORE, IGNORE, IGNORE, IGNORE, IGNORE]])
    # the alternate answers (win) to the same prompts: other lengths, other tokens
    alt_labels = torch.tensor([[IGNORE, IGNORE, 0, IGNORE, IGNORE],
                               [IGNORE, 1, 4, 4, 2],
                               [IGNORE, IGNORE, IGNORE, 5, 5],
                               [IGNORE, IGNORE, 3, 1, IGNORE]])
    z, z_ref, a, a_ref = logits(), logits(), logits(), logits()
    cases = []
    for beta in (0.1, 1.5):
        zl = z.clone().requires_grad_(True)
        al = a.clone().requires_grad_(True)
        loss = compute_dpo_loss((al, a_ref, alt_labels), (zl, z_ref, labels), beta)
        loss.backward()
        cases.append({"beta": beta, "loss": loss.item(),
                      "grad_logits": zl.grad.flatten().tolist(),
                      "grad_alternate_logits": al.grad.flatten().tolist()})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "source": "scripts/dpo_reference.py: open-unlearning d3d7cf9 src/trainer/utils.py compute_dpo_loss in float64",
        "shape": [B, T, V],
        "labels": labels.flatten().tolist(), "alternate_labels": alt_labels.flatten().tolist(),
        "logits": z.flatten().tolist(), "reference_logits": z_ref.flatten().tolist(),
        "alternate_logits": a.flatten().tolist(), "reference_alternate_logits": a_ref.flatten().tolist(),
        "cases": cases}, indent=1) + "\n")


if __name__ == "__main__":
    main()
