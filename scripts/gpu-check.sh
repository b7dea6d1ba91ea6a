#!/usr/bin/env bash
# gpu-check.sh [OUTDIR]: build libblur_cuda.so and check it on this machine's GPU, correctness and
# bandwidth, without Java. Needs an NVIDIA GPU with its driver, nvcc, and python3 with PyTorch.
# Writes OUTDIR/libblur_cuda.so, OUTDIR/gpu-check.md and OUTDIR/gpu-check.json (default
# ./gpu-check-out), then runs the blur_native package on CUDA tensors: its unittest suite
# (OUTDIR/python-tests.log) and scripts/bench_python_dropin.py (OUTDIR/bench-python-dropin.md,
# .json); exits non-zero when anything is missing or any check or test fails.
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
status=${PIPESTATUS[0]}

# The Python package on CUDA tensors: its unittest suite (the CUDA classes run here; the rest needs
# libblur.so, built when g++ is here) and the drop-in bench against the official per-tensor step.
export PYTHONPATH="$repo/scripts/python${PYTHONPATH:+:$PYTHONPATH}" BLUR_NATIVE_CUDA_LIB="$lib"
suite=(discover -s "$repo/scripts/python/tests" -t "$repo/scripts/python")
if command -v g++ >/dev/null 2>&1 && make -C "$repo/native" OUT="$out/native" >"$out/native-build.log" 2>&1; then
  export BLUR_NATIVE_LIB="$out/native/libblur.so"
else
  echo "gpu-check: libblur.so could not be built (log: $out/native-build.log); running the package's CUDA tests only"
  suite=(tests.test_cuda)
fi
(cd "$repo/scripts/python" && python3 -m unittest "${suite[@]}") 2>&1 | tee "$out/python-tests.log"
[[ "${PIPESTATUS[0]}" -eq 0 ]] || { echo "gpu-check: the Python package's tests failed (log: $out/python-tests.log)"; status=1; }
python3 "$repo/scripts/bench_python_dropin.py" --device cuda --sizes 100000000 1000000000 \
  --json "$out/bench-python-dropin.json" 2>&1 | tee "$out/bench-python-dropin.md"
[[ "${PIPESTATUS[0]}" -eq 0 ]] || { echo "gpu-check: bench_python_dropin.py failed"; status=1; }
exit "$status"
