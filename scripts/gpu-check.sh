#!/usr/bin/env bash
# gpu-check.sh [OUTDIR]: build libblur_cuda.so and check it on this machine's GPU, correctness and
# bandwidth, without Java. Needs an NVIDIA GPU with its driver, nvcc, and python3 with PyTorch.
# Writes OUTDIR/libblur_cuda.so, OUTDIR/gpu-check.md and OUTDIR/gpu-check.json (default
# ./gpu-check-out); exits non-zero when anything is missing or any correctness check fails.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-gpu-check-out}"

die() { echo "gpu-check: $*" >&2; exit 1; }

command -v nvidia-smi >/dev/null 2>&1 || die "nvidia-smi not found: this needs a machine with an NVIDIA GPU and its driver"
nvidia-smi -L >/dev/null 2>&1 || die "nvidia-smi cannot see a GPU: $(nvidia-smi -L 2>&1 | head -n 1)"
command -v python3 >/dev/null 2>&1 || die "python3 not found"
python3 -c 'import torch' >/dev/null 2>&1 || die "python3 cannot import torch: install PyTorch with CUDA (pip install torch)"
command -v "${NVCC:-nvcc}" >/dev/null 2>&1 || die "nvcc not found: install the CUDA toolkit or put its bin/ on PATH"

mkdir -p "$out"
out="$(cd "$out" && pwd)"  # make -C changes directory: OUT must be absolute
make -C "$repo/cuda" OUT="$out" >"$out/build.log" 2>&1 || { tail -n 20 "$out/build.log" >&2; die "building libblur_cuda.so failed (log: $out/build.log)"; }
exec python3 "$repo/scripts/gpu_check.py" --lib "$out/libblur_cuda.so" --out "$out"
