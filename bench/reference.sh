#!/usr/bin/env bash
# Exact reference solver on the public sets (targets: forum_hardest median <= 10 ms,
# max <= 100 ms). Usage: bench/reference.sh [DATA_DIR]   (default ../shared/data/sudoku)
set -euo pipefail
data="${1:-../shared/data/sudoku}"
head -n 1000 "$data/sudoku17.txt" > /tmp/sudoku17_1000.txt
glauber bench --solver reference \
  "$data/forum_hardest_1106.txt" "$data/top1465.txt" "$data/kaggle_test_1000.csv" /tmp/sudoku17_1000.txt
