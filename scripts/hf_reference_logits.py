#!/usr/bin/env python3
"""hf_reference_logits: the transformers side of ReferenceLogitsTest (run once on a machine with
PyTorch and transformers; the output is committed under src/test/resources/model/hf-reference/).

    python3 scripts/hf_reference_logits.py OUTDIR

For each of three tiny configurations (LLaMA-2 multi-head, LLaMA-3 grouped-query with llama3 rope
scaling and tied embeddings, Mistral with a sliding window shorter than the sequence) it writes
OUTDIR/<name>/: config.json and model.safetensors from save_pretrained (float32, seeded weights
drawn wide enough that logits differ clearly between positions), and reference.safetensors with
the input ids, transformers' float32 logits on CPU (eager attention) and its greedy continuation.
"""

import json
import os
import sys

import torch
import transformers
from safetensors.torch import save_file
from transformers import LlamaConfig, LlamaForCausalLM, MistralConfig, MistralForCausalLM

COMMON = dict(vocab_size=260, hidden_size=64, intermediate_size=112, num_hidden_layers=2,
              num_attention_heads=4, rms_norm_eps=1e-5, bos_token_id=1, eos_token_id=2,
              max_position_embeddings=128, attention_bias=False, mlp_bias=False)

CONFIGS = {
    "llama2": (LlamaConfig, LlamaForCausalLM, dict(num_key_value_heads=4, rope_theta=10000.0)),
    "llama3": (LlamaConfig, LlamaForCausalLM, dict(
        num_key_value_heads=2, rope_theta=500000.0, tie_word_embeddings=True,
        rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                      "high_freq_factor": 4.0, "original_max_position_embeddings": 16})),
    "mistral": (MistralConfig, MistralForCausalLM, dict(
        num_key_value_heads=2, rope_theta=10000.0, sliding_window=8)),
}
SEQ, NEW_TOKENS = 24, 12


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "hf-reference"
    torch.manual_seed(20261127)
    for name, (config_class, model_class, extra) in CONFIGS.items():
        config = config_class(**COMMON, **extra)
        config._attn_implementation = "eager"
        model = model_class(config).eval()
        with torch.no_grad():
            for pname, p in model.named_parameters():
                if pname.endswith("norm.weight") or "layernorm" in pname:
                    p.copy_(1 + 0.2 * torch.randn_like(p))
                else:
                    p.copy_(0.15 * torch.randn_like(p))
        ids = torch.randint(3, COMMON["vocab_size"], (2, SEQ))
        with torch.no_grad():
            logits = model(input_ids=ids).logits.float()
            greedy = model.generate(ids[:1, :8], max_new_tokens=NEW_TOKENS, do_sample=False,
                                    eos_token_id=None, pad_token_id=0)[:, 8:]
        directory = os.path.join(out, name)
        model.save_pretrained(directory, safe_serialization=True)
        save_file({"input_ids": ids.to(torch.int32).contiguous(), "logits": logits.contiguous(),
                   "greedy": greedy.to(torch.int32).contiguous()},
                  os.path.join(directory, "reference.safetensors"),
                  metadata={"transformers": transformers.__version__, "torch": torch.__version__,
                            "prompt_tokens": "8", "attention": "eager", "device": "cpu"})
        print(f"{name}: logits {tuple(logits.shape)} max|logit| {logits.abs().max():.3f}, "
              f"greedy {greedy.tolist()}")
    print(json.dumps({"transformers": transformers.__version__, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
