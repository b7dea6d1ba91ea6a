#!/usr/bin/env bash
# The mini-benchmark experiment (the paper's Table 2 on the bundled data): builds the target model
# (forget + retain + real-world sets) and the retain model (all but forget) once, unlearns with GA,
# GradDiff, NPO, SimNPO, NGDiff, BLUR-NPO and BLUR-SimNPO for each seed, evaluates every model
# against the retain model, and writes a report with the table, the trade-off plot and the
# alignment plots.
#
#   scripts/experiment-mini.sh [--quick] [--seeds "17 18 19"] [--out DIR]
#
# Full run: docs/results.md (+ docs/results/*.png), ~15 minutes on 2 cores with 3 seeds.
# --quick: a tiny model and two steps per method, into $OUT/results.md; a smoke test for CI (< 5 min).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
seeds="17 18 19"
out=experiment-mini
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; seeds="17"; shift ;;
    --seeds) seeds="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "experiment-mini.sh: unknown argument '$1' (expected --quick, --seeds \"S ...\", --out DIR)" >&2; exit 2 ;;
  esac
done

jar=target/blur-native.jar
[ -f "$jar" ] || mvn -B -q package -DskipTests
run() { java -jar "$jar" "$@" 2>>"$out/stderr.log"; }

mkdir -p "$out"
data="$out/mini-data"
java -cp "$jar" org.blurnative.data.mini.MiniBenchmark "$data" >/dev/null
real_world="$data/real_authors.json,$data/world_facts.json"

if [ "$quick" = 1 ]; then
  model_args=(--from-scratch --hidden 32 --layers 1 --heads 4 --max-steps 6 --batch 16 --micro-batch 1
              --lr 3e-3 --max-length 192 --seed 17)
  unlearn_args=(--max-steps 2 --batch 4 --micro-batch 2 --lr 3e-5 --max-length 192)
else
  model_args=(--from-scratch --hidden 128 --layers 4 --heads 4 --epochs 30 --batch 32 --micro-batch 1
              --lr 3e-3 --clip 1 --schedule linear --warmup 20 --max-length 192 --seed 17)
  unlearn_args=(--epochs 10 --batch 8 --micro-batch 2 --lr 3e-5 --max-length 192)
fi
method_args=(--gamma 1 --beta 0.1 --lambda 1)
methods="ga graddiff npo simnpo ngdiff blur-npo blur-simnpo"

# --- target and retain models, once
build() {  # role, data
  if [ ! -f "$out/$1/model/model.safetensors" ]; then
    rm -rf "$out/$1"
    echo "experiment: training the $1 model"
    run finetune --data "$2" --out "$out/$1" "${model_args[@]}" >/dev/null
  fi
}
build target "$data/forget10.json,$data/retain90.json,$real_world"
build retain "$data/retain90.json,$real_world"

evaluate() {  # model dir, eval dir
  run eval --model "$1" --retain-model "$out/retain/model" --data "$data" --out "$2" >/dev/null
}
evaluate "$out/target/model" "$out/eval/Original"
evaluate "$out/retain/model" "$out/eval/Retain"

# --- every method, every seed
for seed in $seeds; do
  for m in $methods; do
    name="$m-seed$seed"
    if [ ! -f "$out/eval/$name/summary.json" ]; then
      echo "experiment: $name"
      rm -rf "$out/runs/$name"
      run train --model "$out/target/model" --forget "$data/forget10.json" --retain "$data/retain90.json" \
        --method "$m" --seed "$seed" --out "$out/runs/$name" "${method_args[@]}" "${unlearn_args[@]}" >/dev/null
      evaluate "$out/runs/$name/model" "$out/eval/$name"
    fi
  done
done

# --- the report
evals="$out/eval/Original,$out/eval/Retain"
for m in $methods; do for seed in $seeds; do evals="$evals,$out/eval/$m-seed$seed"; done; done
if [ "$quick" = 1 ]; then report="$out/results.md"; pictures="$out"; else report=docs/results.md; pictures=docs/results; fi
mkdir -p "$pictures"
table=$(run eval --compare "$evals" --plot "$pictures/tradeoff.png")
first_seed=${seeds%% *}
cp "$out/runs/blur-npo-seed$first_seed/plots/alignment.png" "$pictures/alignment-blur-npo.png"
cp "$out/runs/npo-seed$first_seed/plots/alignment.png" "$pictures/alignment-npo.png"
rel=$(realpath --relative-to="$(dirname "$report")" "$pictures")
cat > "$report.tmp" <<MD
# Mini-benchmark results (the paper's Table 2 layout)

Command: \`scripts/experiment-mini.sh$([ "$quick" = 1 ] && echo " --quick") --seeds "$seeds"\`, $(date -u +%Y-%m-%d),
on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(java -version 2>&1 | head -1).

Data: the bundled mini benchmark (20 fictitious authors × 10 facts; forget10 = 2 authors), TOFU's
real-authors and world-facts sets. Target model: \`finetune ${model_args[*]}\` on forget + retain +
real-world; retain model: the same without forget. Every method: \`train ${method_args[*]}
${unlearn_args[*]}\` from the target, one row per seed (the seed orders the data; RMU-style
randomness does not apply). Forget quality: exact two-sample KS p-value of the forget-set truth
ratios against the retain model (higher is better); model utility: harmonic mean of 9 numbers.

$table

![trade-off]($rel/tradeoff.png)

Alignment in the first seed's runs (cos(∇f,∇r), A_f, A_r per step): BLUR-NPO holds A_f at γ = 1;
NPO's A_f follows the conflict.

![BLUR-NPO]($rel/alignment-blur-npo.png) ![NPO]($rel/alignment-npo.png)
MD
# hand-written notes below "## Reading" survive a rerun
if [ -f "$report" ] && grep -q '^## Reading' "$report"; then
  { echo; sed -n '/^## Reading/,$p' "$report"; } >> "$report.tmp"
fi
mv "$report.tmp" "$report"
echo "experiment: $report"
