#!/usr/bin/env bash
# Builds the GPU jar (mvn -Pgpu: LibTorch's CUDA build and the CUDA preset, with libblur_cuda.so)
# and checks, on this machine whether or not it has a GPU, that the jar starts and trains a tiny
# model with --device cpu, and says what --device cuda finds here.
#
#   scripts/build-gpu-jar.sh [--out DIR]      → target/blur-native-gpu.jar
#
# Needs nvcc (for libblur_cuda.so) and Maven Central; downloads about 0.46 GB of LibTorch GPU
# natives and 5 MB of the CUDA preset the first time. To start, even on --device cpu, the jar
# needs the CUDA 13 libraries LibTorch's CUDA build links (cuBLAS, cuFFT, cuRAND, cuSPARSE,
# cuSOLVER, cuFile, cuDNN 9, NCCL 2): where they are missing it says which and exits 3 after the
# build. CI does not run it (README, "GPU build").
set -euo pipefail
cd "$(dirname "$0")/.."

out=target/gpu-jar-check
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    *) echo "build-gpu-jar.sh: unknown argument '$1' (expected --out DIR)" >&2; exit 2 ;;
  esac
done
command -v nvcc >/dev/null || { echo "build-gpu-jar.sh: nvcc is not on PATH: the GPU jar needs libblur_cuda.so" >&2; exit 2; }

start=$(date +%s)
m2=${MAVEN_REPO:-$HOME/.m2/repository}
natives="$m2/org/bytedeco/pytorch/2.10.0-1.5.13/pytorch-2.10.0-1.5.13-linux-x86_64-gpu.jar"
had_natives=$([ -f "$natives" ] && echo yes || echo no)
mvn -B -q -Pgpu package -DskipTests
jar=target/blur-native-gpu.jar
built=$(date +%s)
echo "build-gpu-jar: $jar ($(du -m "$jar" | cut -f1) MB) built in $((built - start)) s;" \
  "LibTorch GPU natives $(du -m "$natives" | cut -f1) MB ($([ "$had_natives" = yes ] && echo cached || echo downloaded))"
listing=$(unzip -l "$jar")
grep -q 'libblur_cuda.so' <<<"$listing" || { echo "build-gpu-jar.sh: $jar lacks libblur_cuda.so" >&2; exit 1; }
grep -q 'linux-x86_64-gpu/libtorch_cuda.so' <<<"$listing" || { echo "build-gpu-jar.sh: $jar lacks LibTorch's CUDA natives" >&2; exit 1; }

# LibTorch's CUDA build links its CUDA libraries even to run on the CPU (libtorch.so needs
# libtorch_cuda.so): say which are missing here rather than let the JVM fail to load them
rm -rf "$out"; mkdir -p "$out/natives"
unzip -q -o "$jar" 'org/bytedeco/pytorch/linux-x86_64-gpu/*' -d "$out/natives"
gpu_natives="$out/natives/org/bytedeco/pytorch/linux-x86_64-gpu"
missing=$(LD_LIBRARY_PATH="$gpu_natives${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" ldd "$gpu_natives/libtorch.so" \
  | awk '/not found/ {print $1}' | sort -u | tr '\n' ' ')
if [ -n "$missing" ]; then
  echo "build-gpu-jar: the jar is built, but cannot start on this machine: LibTorch's CUDA build needs ${missing}which" \
    "are not installed (CUDA 13's math libraries, cuDNN 9 and NCCL 2; put them on LD_LIBRARY_PATH)" >&2
  exit 3
fi

# a tiny model and a few steps of BLUR-NPO on the bundled data, on the CPU
java -cp "$jar" org.blurnative.data.mini.MiniBenchmark "$out/data" >/dev/null
java -jar "$jar" finetune --from-scratch --hidden 32 --layers 1 --heads 4 --max-steps 2 --batch 8 \
  --max-length 64 --device cpu --data "$out/data/forget10.json" --out "$out/model-run" --progress off
java -jar "$jar" train --model "$out/model-run/model" --forget "$out/data/forget10.json" \
  --retain "$out/data/retain90.json" --method blur-npo --max-steps 3 --batch 4 --micro-batch 2 \
  --max-length 64 --device cpu --out "$out/unlearn" --progress off
echo "build-gpu-jar: trained on --device cpu with the GPU jar in $(( $(date +%s) - built )) s"
if java -jar "$jar" train --model "$out/model-run/model" --forget "$out/data/forget10.json" \
    --retain "$out/data/retain90.json" --max-steps 1 --batch 4 --micro-batch 2 --max-length 64 \
    --device cuda --out "$out/cuda" --progress off 2>"$out/cuda.err"; then
  echo "build-gpu-jar: --device cuda trained here too"
else
  echo "build-gpu-jar: --device cuda here: $(tail -1 "$out/cuda.err")"
fi
