"""The forget and retain losses of BLUR-NPO, BLUR-SimNPO and BLUR-GA on Hugging Face-style causal
LMs: model(input_ids=..., attention_mask=..., labels=...) returning .logits and .loss, labels
-100 where no loss is taken (prompts, padding). The formulas are the papers' (NPO: Zhang et al.
2024; SimNPO: Fan et al. 2024; the BLUR paper's eq. 6 uses them as lower-level losses).

Every loss is a mean over the micro-batch's sequences (NPO, SimNPO) or its answer tokens (NLL,
GA), as the trainers they replace compute them; the trainer divides by the accumulation steps.
"""

import torch
import torch.nn.functional as F

__all__ = ["sequence_nll", "npo_loss", "simnpo_loss", "gradient_ascent_loss", "nll_loss",
           "kl_loss", "FORGET_LOSSES"]


def _lm_inputs(inputs):
    """input_ids, attention_mask and labels only: collators add keys models do not take."""
    return {k: inputs[k] for k in ("input_ids", "attention_mask", "labels") if k in inputs}


def sequence_nll(model, inputs):
    """Per sequence, the summed next-token NLL over its labelled tokens, and the token counts."""
    inputs = _lm_inputs(inputs)
    logits = model(**inputs).logits
    labels = inputs["labels"][..., 1:]
    logits = logits[..., :-1, :]
    nll = F.cross_entropy(logits.transpose(1, 2).float(), labels, ignore_index=-100, reduction="none")
    return nll.sum(-1), (labels != -100).sum(-1)


def npo_loss(model, ref_model, inputs, beta):
    """NPO: (2/β)·mean log(1 + (π_θ/π_ref)^β) = −(2/β)·mean logsigmoid(β·(NLL_θ − NLL_ref))."""
    nll, _ = sequence_nll(model, inputs)
    with torch.no_grad():
        ref_nll, _ = sequence_nll(ref_model, inputs)
    return -2.0 / beta * F.logsigmoid(beta * (nll - ref_nll)).mean()


def simnpo_loss(model, inputs, beta, delta=0.0):
    """SimNPO: −(2/β)·mean logsigmoid(β·(NLL/|y| − δ)), the reference-free, length-normalised NPO."""
    nll, tokens = sequence_nll(model, inputs)
    return -2.0 / beta * F.logsigmoid(beta * (nll / tokens.clamp_min(1) - delta)).mean()


def gradient_ascent_loss(model, inputs):
    """GA: −NLL, the token mean the model computes."""
    return -model(**_lm_inputs(inputs)).loss


def nll_loss(model, inputs):
    return model(**_lm_inputs(inputs)).loss


def kl_loss(model, ref_model, inputs):
    """KL(π_ref ‖ π_θ) over the next-token distributions, averaged over positions (batchmean)."""
    inputs = _lm_inputs(inputs)
    with torch.no_grad():
        ref = F.log_softmax(ref_model(**inputs).logits.float(), dim=-1)
    cur = F.log_softmax(model(**inputs).logits.float(), dim=-1)
    vocab = cur.shape[-1]
    return F.kl_div(cur.view(-1, vocab), ref.view(-1, vocab), reduction="batchmean", log_target=True)


FORGET_LOSSES = ("npo", "simnpo", "ga")
