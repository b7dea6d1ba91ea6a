#!/usr/bin/env bash
# The mini-benchmark experiment (the paper's Table 2 on the bundled data): builds the target model
# (forget + retain + real-world sets) and the retain model (all but forget) once, unlearns with GA,
# GradDiff, NPO, SimNPO, NGDiff, BLUR-NPO and BLUR-SimNPO for each seed, evaluates every model
# against the retain model, and writes a report with the table, the trade-off plot and the
# alignment plots.
#
#   scripts/experiment-mini.sh [--quick] [--compat] [--seeds "17 18 19"] [--out DIR]
#
# Full run: docs/results.md (+ docs/results/*.png), ~15 minutes on 2 cores with 3 seeds.
# --quick: a tiny model and two steps per method, into $OUT/results.md; a smoke test for CI (< 5 min).
# --compat: the reproduction-mode experiment instead (docs/reproduction.md): NPO, exact BLUR-NPO,
#   BLUR-NPO under --compat official and under each of its departures alone, with the median
#   |d/F| (= |c_f − γ| before clipping) of each run; its section of docs/results.md is rewritten.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
compat=0
seeds="17 18 19"
out=experiment-mini
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; seeds="17"; shift ;;
    --compat) compat=1; shift ;;
    --seeds) seeds="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "experiment-mini.sh: unknown argument '$1' (expected --quick, --compat, --seeds \"S ...\", --out DIR)" >&2; exit 2 ;;
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
# NAME|FLAGS: a run's name and what selects it. The reproduction mode clips ‖u‖ at 1, Hugging
# Face's default max_grad_norm, which the official TOFU configuration keeps (and never applies to u)
if [ "$compat" = 1 ]; then
  # and splits each batch into 4 micro-batches, as the official TOFU script accumulates 4
  common="--clip 1 --micro-batch 4"
  variants=("compat-npo|--method npo $common" "compat-blur-npo|--method blur-npo $common"
            "compat-official|--method blur-npo $common --compat official"
            "compat-last-micro-batch|--method blur-npo $common --compat last-micro-batch"
            "compat-unclipped-u|--method blur-npo $common --compat unclipped-u"
            "compat-batch-mean-npo|--method blur-npo $common --compat batch-mean-npo"
            "compat-gamma-2|--method blur-npo $common --gamma 2")
else
  variants=()
  for m in ga graddiff npo simnpo ngdiff blur-npo blur-simnpo; do variants+=("$m|--method $m"); done
fi

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
  for v in "${variants[@]}"; do
    name="${v%%|*}-seed$seed"
    read -r -a flags <<< "${v#*|}"
    if [ ! -f "$out/eval/$name/summary.json" ]; then
      echo "experiment: $name"
      rm -rf "$out/runs/$name"
      # the variant's flags last: they win over the shared ones (--gamma 2)
      run train --model "$out/target/model" --forget "$data/forget10.json" --retain "$data/retain90.json" \
        --seed "$seed" --out "$out/runs/$name" "${method_args[@]}" "${unlearn_args[@]}" "${flags[@]}" >/dev/null
      evaluate "$out/runs/$name/model" "$out/eval/$name"
    fi
  done
done

evals="$out/eval/Original,$out/eval/Retain"
for v in "${variants[@]}"; do for seed in $seeds; do evals="$evals,$out/eval/${v%%|*}-seed$seed"; done; done

if [ "$compat" = 1 ]; then
  report=docs/results.md
  [ "$quick" = 1 ] && report="$out/results.md"
  table=$(run eval --compare "$evals")
  corrections=$(for v in "${variants[@]}"; do for seed in $seeds; do
    python3 scripts/median_correction.py "${v%%|*}-seed$seed" "$out/runs/${v%%|*}-seed$seed/metrics.jsonl"; done; done)
  section=$(cat <<MD
<!-- compat:begin (scripts/experiment-mini.sh --compat rewrites this section) -->
## Reproduction mode: the official code's departures (--compat)

Command: \`scripts/experiment-mini.sh --compat$([ "$quick" = 1 ] && echo " --quick") --seeds "$seeds"\`, $(date -u +%Y-%m-%d), the
models and data of the table above; every run \`train ${method_args[*]} ${unlearn_args[*]} $common\`
(Hugging Face's default max_grad_norm, which the official TOFU configuration keeps, and the
official script's 4 accumulated micro-batches), then its variant's flags. What each departure is: [reproduction.md](reproduction.md).

| run | variant |
|---|---|
| compat-npo | NPO, the weighted sum |
| compat-blur-npo | exact BLUR-NPO (eq. 14), γ = 1 |
| compat-official | \`--compat official\`: last-micro-batch + unclipped-u + gamma-one + batch-mean-npo |
| compat-last-micro-batch | only the last of the 4 micro-batches of each step projected |
| compat-unclipped-u | u not clipped |
| compat-batch-mean-npo | NPO of each micro-batch's mean log-ratio |
| compat-gamma-2 | exact, γ = 2: what gamma-one overrides (gamma-one at γ = 1 is exact BLUR-NPO itself) |

$table

Median over a run's steps of |d/F| (BLUR's correction, = |c_f − γ| before clipping), of the
clipping factor (1: not clipped) and of F/R:

| run | median \|d/F\| | median clip factor | median F/R |
|---|---|---|---|
$corrections
<!-- compat:end -->
MD
)
  if [ -f "$report" ] && grep -q '^<!-- compat:begin' "$report"; then
    python3 - "$report" "$section" <<'PY'
import re, sys
path, section = sys.argv[1], sys.argv[2]
text = open(path).read()
text = re.sub(r"<!-- compat:begin.*?<!-- compat:end -->", lambda m: section, text, flags=re.S)
open(path, "w").write(text)
PY
  else
    printf '\n%s\n' "$section" >> "$report"
  fi
  echo "experiment: $report"
  exit 0
fi

# --- the report
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
