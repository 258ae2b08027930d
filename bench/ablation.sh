#!/usr/bin/env bash
# LM ablation (issue 5): penalty, lm and lm+penalty on the same puzzles with the same
# budget (chains and sweeps fixed, no time limit in the way), default shipped model.
#   bench/ablation.sh [DATA_DIR] [LIMIT] [CHAINS] [SWEEPS]
set -euo pipefail
data="${1:-../shared/data/sudoku}"
limit="${2:-20}"; chains="${3:-8}"; sweeps="${4:-100}"
for energy in penalty lm lm+penalty; do
  glauber bench --solver glauber -q --energy "$energy" --chains "$chains" --sweeps "$sweeps" \
    --time-limit 3600 --limit "$limit" "$data/top1465.txt" "$data/forum_hardest_1106.txt"
done
