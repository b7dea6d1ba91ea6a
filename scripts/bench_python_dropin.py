#!/usr/bin/env python3
"""bench_python_dropin: one BLUR optimizer step, blur_native.BlurAdamW against the official code's.

    python3 scripts/bench_python_dropin.py [--sizes 10000000 50000000] [--device cpu|cuda]
        [--runs 7] [--warmup 2] [--threads 0] [--torch-threads 1] [--json FILE]

On LLaMA-7B's 291 parameter tensors scaled to n elements (the proportions of scripts/gpu_check.py),
with G_f and G_r already accumulated, it times what happens between the last backward pass and
the next step's first one:

- blur_native: BlurAdamW.step(FlatGradients): one reduce over the flat G_f and G_r, the BLUR
  coefficients, one fused AdamW pass, and zeroing G_f and G_r for the next accumulation;
- official: the BLUR repository's per-tensor projection (d and F summed tensor by tensor with one
  .item() each, u = g_r + (γ − d/F)·g_f per tensor, assigned to .grad without the extra clone
  their code makes), then torch.optim.AdamW
  with foreach=True (and, on CUDA with torch ≥ 2, fused=True), then zero_grad.

Each timing is the median of --runs after --warmup, caches flushed before each (gpu_check.Timer);
the gradients are refilled outside the timed region. For scale, blur_native.copy of as many bytes
as the blur step moves at least (reduce reads 2n, AdamW reads 5n and writes 3n, zeroing writes
2n: 12n floats, so a copy of 6n) is timed too: "of copy" is the copy's time ÷ the step's, 1.0
meaning the step ran at the machine's copy bandwidth. Prints a Markdown table (and writes JSON).
"""

import argparse
import json
import os
import platform
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "python"))
sys.path.insert(0, HERE)
import blur_native  # noqa: E402
from gpu_check import Timer, llama7b_split  # noqa: E402

GAMMA, LR, WEIGHT_DECAY = 1.0, 1e-5, 0.01


def parameters(sizes, device, gen):
    return [torch.nn.Parameter(torch.randn(k, generator=gen, device=device)) for k in sizes]


def blur_contender(sizes, device, gen, gf, gr):
    """BlurAdamW.step on FlatGradients refilled with the given G_f and G_r before each run."""
    params = parameters(sizes, device, gen)
    opt = blur_native.BlurAdamW(params, lr=LR, weight_decay=WEIGHT_DECAY, rule="blur", gamma=GAMMA)
    grads = opt.gradients()

    def refill():
        grads.forget.copy_(gf)
        grads.retain.copy_(gr)

    return refill, lambda: opt.step(grads)


def official_contender(sizes, device, gen, gf, gr, **adamw):
    """The per-tensor projection of the BLUR repository's trainer, then torch.optim.AdamW."""
    params = parameters(sizes, device, gen)
    opt = torch.optim.AdamW(params, lr=LR, weight_decay=WEIGHT_DECAY, **adamw)
    forget, remain = list(gf.split(sizes)), list(gr.split(sizes))  # their per-parameter captures
    captured = {}

    def refill():
        for p, f, r in zip(params, forget, remain):
            captured[p] = (f.clone(), r.clone())  # what their backward hooks store

    def step():
        upper = lower = 0.0
        for p in params:
            f, r = captured[p]
            upper += (r * f).sum().item()
            lower += (f * f).sum().item()
        for p in params:
            f, r = captured[p]
            p.grad = r + (GAMMA - upper / lower) * f if lower != 0 else r.clone()
        opt.step()
        opt.zero_grad(set_to_none=True)

    return refill, step


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000_000, 50_000_000])
    ap.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=0, help="libblur threads (0: all cores)")
    ap.add_argument("--torch-threads", type=int, default=1,
                    help="torch's intra-op threads (default 1, blur-native's own policy on the "
                         "CPU: with two pools spinning on shared cores torch's small per-tensor "
                         "ops slow down many times over; 0 leaves torch's default)")
    ap.add_argument("--json", help="write the results here too")
    args = ap.parse_args()

    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    if args.device == "cpu":
        blur_native.set_num_threads(args.threads or os.cpu_count())
    load_before = os.getloadavg()[0]
    timer = Timer(torch, args.device, args.runs, args.warmup)
    variants = [("foreach", dict(foreach=True))]
    if args.device == "cuda" and int(torch.__version__.split(".")[0]) >= 2:
        variants.append(("fused", dict(fused=True)))

    rows = []
    for n in args.sizes:
        sizes = llama7b_split(n)
        gen = torch.Generator(device=args.device).manual_seed(n)
        gf = torch.randn(n, generator=gen, device=args.device)
        gr = 0.5 * gf + torch.randn(n, generator=gen, device=args.device)
        refill, step = blur_contender(sizes, args.device, gen, gf, gr)
        blur_ms = timer.ms(step, setup=refill)
        src = torch.randn(6 * n, generator=gen, device=args.device)
        dst = torch.empty_like(src)
        copy_ms = timer.ms(lambda: blur_native.copy(dst, src))
        del src, dst
        for name, adamw in variants:
            refill, step = official_contender(sizes, args.device, gen, gf, gr, **adamw)
            official_ms = timer.ms(step, setup=refill)
            rows.append({"n": n, "tensors": len(sizes), "device": args.device,
                         "official": f"per-tensor projection + AdamW({name})",
                         "official_ms": official_ms, "blur_ms": blur_ms,
                         "speedup": official_ms / blur_ms, "copy_ms": copy_ms,
                         "blur_of_copy": copy_ms / blur_ms})
            print(f"  n={n:,}: blur_native {blur_ms:.1f} ms, official ({name}) {official_ms:.1f} ms, "
                  f"{official_ms / blur_ms:.2f}x", flush=True)
        if args.device == "cuda":
            torch.cuda.empty_cache()

    where = (torch.cuda.get_device_name(0) if args.device == "cuda"
             else f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} torch threads, "
                  f"libblur {blur_native.get_num_threads()} threads ({blur_native.cpu_isa()})")
    load = (load_before, os.getloadavg()[0])
    print(f"\nBlurAdamW.step vs the official per-tensor step, torch {torch.__version__}, {where}; "
          f"median of {args.runs}; load average {load[0]:.1f} before, {load[1]:.1f} after\n")
    print("| n | tensors | official | official ms | blur_native ms | speedup | copy ms | blur of copy |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['n']:,} | {r['tensors']} | {r['official']} | {r['official_ms']:.1f} "
              f"| {r['blur_ms']:.1f} | {r['speedup']:.2f}× | {r['copy_ms']:.1f} | {r['blur_of_copy']:.2f} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": where, "torch": torch.__version__, "load_average": load,
                       "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
