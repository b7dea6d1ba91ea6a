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
# nvcc: $NVCC, PATH, or the toolkit's usual home (images often leave it off PATH)
nvcc="${NVCC:-$(command -v nvcc || true)}"
[[ -z "$nvcc" && -x /usr/local/cuda/bin/nvcc ]] && nvcc=/usr/local/cuda/bin/nvcc

mkdir -p "$out"
out="$(cd "$out" && pwd)"  # make -C changes directory: OUT must be absolute
if [[ -n "$nvcc" ]]; then
  echo "gpu-check: building libblur_cuda.so with $nvcc ($("$nvcc" --version | tail -n 1))"
  make -C "$repo/cuda" NVCC="$nvcc" OUT="$out" >"$out/build.log" 2>&1 \
    || { tail -n 20 "$out/build.log" >&2; die "building libblur_cuda.so failed (log: $out/build.log)"; }
  lib="$out/libblur_cuda.so"
elif [[ -n "${BLUR_CUDA_LIB:-}" ]]; then
  # no toolkit here: check a library built elsewhere (its CUDA must not be newer than this driver)
  [[ -f "$BLUR_CUDA_LIB" ]] || die "BLUR_CUDA_LIB=$BLUR_CUDA_LIB: no such file"
  echo "gpu-check: no nvcc on this machine; checking the prebuilt $BLUR_CUDA_LIB"
  lib="$BLUR_CUDA_LIB"
else
  die "nvcc not found (PATH, /usr/local/cuda/bin): install the CUDA toolkit, or set BLUR_CUDA_LIB to a prebuilt libblur_cuda.so"
fi
python3 "$repo/scripts/gpu_check.py" --lib "$lib" --out "$out" 2>&1 | tee "$out/gpu-check.log"
exit "${PIPESTATUS[0]}"
