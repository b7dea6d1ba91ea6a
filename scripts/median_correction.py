#!/usr/bin/env python3
"""One markdown row for scripts/experiment-mini.sh --compat: a run's median |d/F| (BLUR's
correction, |c_f − γ| before clipping), clipping factor and F/R over its applied steps.

    python3 scripts/median_correction.py NAME RUN/metrics.jsonl
"""
import json
import statistics
import sys

name, path = sys.argv[1], sys.argv[2]
rows = [json.loads(line) for line in open(path) if line.strip()]
steps = [r for r in rows if not r.get("skipped") and r.get("F")]
correction = statistics.median(abs(r["d"] / r["F"]) for r in steps)
clip = statistics.median(r.get("clip_scale", 1.0) for r in steps)
ratio = statistics.median(r["F"] / r["R"] for r in steps if r.get("R"))
print(f"| {name} | {correction:.4g} | {clip:.4g} | {ratio:.4g} |")
