"""A stand-in for transformers.Trainer where BlurTrainerMixin touches it, and a tiny causal LM
with Hugging Face's output shape: enough to test the mixin's logic where transformers is not
installed (it is not on this project's machines). The loop calls what Trainer's inner training
loop calls, in its order: training_step per micro-batch, clipping of .grad when max_grad_norm is
set, optimizer.step(), model.zero_grad(set_to_none=True), log()."""

import types

import torch
import torch.nn.functional as F


class TinyLM(torch.nn.Module):
    """Embedding → tanh layer → vocabulary logits; .loss is the mean next-token NLL over labels
    that are not -100, as transformers' causal LMs compute it."""

    def __init__(self, seed, vocab=13, width=16):
        super().__init__()
        torch.manual_seed(seed)
        self.embed = torch.nn.Embedding(vocab, width)
        self.mix = torch.nn.Linear(width, width)
        self.head = torch.nn.Linear(width, vocab)

    def forward(self, input_ids, attention_mask=None, labels=None):
        logits = self.head(torch.tanh(self.mix(self.embed(input_ids))))
        loss = None
        if labels is not None:
            loss = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]),
                                   labels[:, 1:].reshape(-1), ignore_index=-100)
        return types.SimpleNamespace(logits=logits, loss=loss)


def batch(seed, size, length=7, vocab=13):
    """{"forget": ..., "retain": ...} of `size` sequences each, answers labelled after a prompt."""
    g = torch.Generator().manual_seed(seed)

    def side():
        ids = torch.randint(0, vocab, (size, length), generator=g)
        labels = ids.clone()
        labels[:, :3] = -100  # the prompt
        return {"input_ids": ids, "attention_mask": torch.ones_like(ids), "labels": labels}
    return {"forget": side(), "retain": side()}


def split(b, parts):
    """The batch's sequences cut into `parts` equal micro-batches."""
    out = []
    size = len(b["forget"]["input_ids"]) // parts
    for k in range(parts):
        out.append({s: {key: t[k * size:(k + 1) * size] for key, t in b[s].items()} for s in b})
    return out


class Args:
    def __init__(self, accumulation, lr=1e-2, max_grad_norm=0.0, weight_decay=0.0, fp16=False, adam_epsilon=1e-8):
        self.gradient_accumulation_steps, self.learning_rate = accumulation, lr
        self.adam_beta1, self.adam_beta2, self.adam_epsilon = 0.9, 0.999, adam_epsilon
        self.weight_decay, self.max_grad_norm, self.fp16 = weight_decay, max_grad_norm, fp16


class Accelerator:
    def backward(self, loss):
        loss.backward()


class FakeTrainer:
    def __init__(self, model, args, wrapped=None):
        self.model, self.args = model, args
        self.model_wrapped = wrapped or model
        self.accelerator = Accelerator()
        self.optimizer = None
        self.logged = []

    def _prepare_inputs(self, inputs):
        return inputs

    def compute_loss_context_manager(self):
        return torch.enable_grad()

    def create_optimizer(self):
        raise AssertionError("the mixin makes its own optimizer")

    def log(self, logs):
        self.logged.append(dict(logs))

    def train(self, steps):
        """`steps`: per optimizer step, its list of micro-batches."""
        self.create_optimizer()
        for micro_batches in steps:
            loss = 0.0
            for micro in micro_batches:
                loss += float(self.training_step(self.model_wrapped, micro))
            if self.args.max_grad_norm:
                torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.args.max_grad_norm)
            self.optimizer.step()
            self.model.zero_grad(set_to_none=True)
            self.log({"loss": loss})
