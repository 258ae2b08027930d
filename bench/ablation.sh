#!/usr/bin/env bash
# LM ablation: penalty, lm, lm+penalty and lm-init (penalty moves from the LM's unmasking)
# beside the exact reference, on the same puzzles with the shipped default models.
#   bench/ablation.sh DATA_DIR [OUT_DIR] [CHAINS] [SWEEPS] [SECONDS]
# Two budgets: equal sweeps (SWEEPS, no time limit in the way) and equal wall time
# (SECONDS per batch of puzzles, no sweep limit in the way). Reports land in OUT_DIR.
set -euo pipefail
: "${1:?usage: bench/ablation.sh DATA_DIR (a directory holding the public Sudoku files: kaggle_test_1000.csv, top1465.txt, forum_hardest_1106.txt, sudoku17.txt)}"
data="$1"
out="${2:-reports/ablation}"
chains="${3:-16}"; sweeps="${4:-100}"; seconds="${5:-30}"
energies="penalty,lm,lm+penalty,lm-init,reference"
run() {  # name file limit budget-options...
  local name="$1" file="$2" limit="$3"; shift 3
  glauber report "$file" --limit "$limit" --energies "$energies" --chains "$chains" \
    --lm-refresh 5 --lm-weight 0.3 --seed 0 -q --out "$out/$name" "$@"
}
for budget in sweeps time; do
  if [ "$budget" = sweeps ]; then opts=(--sweeps "$sweeps" --time-limit 36000); \
  else opts=(--sweeps 1000000 --time-limit "$seconds"); fi
  run "kaggle-$budget" "$data/kaggle_test_1000.csv" 100 "${opts[@]}"
  run "top1465-$budget" "$data/top1465.txt" 50 "${opts[@]}"
  run "forum-$budget" "$data/forum_hardest_1106.txt" 50 "${opts[@]}"
done
