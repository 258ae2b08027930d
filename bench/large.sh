#!/usr/bin/env bash
# Large boards: generated 12x12 and 16x16 Sudoku at the generator's minimal
# difficulty and at 40% givens, 25x25 at 290 givens (46%), and the bundled 16x16
# examples; Glauber (default settings) beside the reference SAT solver. Each puzzle is
# solved on its own (its own 30 s default budget), so one hard puzzle does not eat the
# others' time. Columns: solved %, median sweeps and seconds per puzzle (unsolved ones
# count at their budget).
# Usage: OMP_NUM_THREADS=1 bench/large.sh [COUNT] [TIME_LIMIT]   (default 4 puzzles, 30 s)
set -euo pipefail
count="${1:-4}"
limit="${2:-30}"
tmp="$(mktemp -d)"
gen() { glauber generate sudoku -q --format jsonl --seed 1 --count "$count" "$@"; }
gen --box 3x4 > "$tmp/12x12_minimal.jsonl"
gen --box 3x4 --givens 58 > "$tmp/12x12_40pct.jsonl"
gen --box 4x4 > "$tmp/16x16_minimal.jsonl"
gen --box 4x4 --givens 102 > "$tmp/16x16_40pct.jsonl"
gen --box 5x5 --givens 290 > "$tmp/25x25_290.jsonl"
cp "$(dirname "$0")/../examples/sudoku_16x16.jsonl" "$tmp/examples_16x16.jsonl"
python - "$limit" "$tmp"/12x12_minimal.jsonl "$tmp"/12x12_40pct.jsonl "$tmp"/16x16_minimal.jsonl \
    "$tmp"/16x16_40pct.jsonl "$tmp"/25x25_290.jsonl "$tmp"/examples_16x16.jsonl <<'PY'
import json, statistics, sys, time
from pathlib import Path

import torch

from encoders.pipeline import GlauberSolver
from harness.solving import ReferenceSolver
from puzzles.sudoku.model import Sudoku, parse_box
from solver.config import SamplerConfig

torch.set_num_threads(1)
glauber = GlauberSolver(config=SamplerConfig(time_limit=float(sys.argv[1])))
print("| set | puzzles | glauber solved % | median sweeps | median s | moves | "
      "reference solved % | reference median s |")
print("|---|---|---|---|---|---|---|---|")
for name in sys.argv[2:]:
    rows = [json.loads(line) for line in open(name)]
    puzzles = [Sudoku.parse(r["puzzle"], parse_box(r["box"])) for r in rows]
    got = [glauber.solve(p) for p in puzzles]
    ref = [ReferenceSolver().solve(p) for p in puzzles]
    solved = sum(a.solution is not None for a in got)
    moves = sorted({(a.stats or {}).get("move", "propagation") for a in got})
    print(f"| {Path(name).stem} | {len(puzzles)} | {100 * solved / len(puzzles):.0f} | "
          f"{statistics.median((a.stats or {}).get('sweeps', 0) for a in got):.0f} | "
          f"{statistics.median(a.seconds for a in got):.2f} | {', '.join(moves)} | "
          f"{100 * sum(a.solution is not None for a in ref) / len(ref):.0f} | "
          f"{statistics.median(a.seconds for a in ref):.3f} |", flush=True)
PY
