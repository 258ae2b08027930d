#!/usr/bin/env bash
# Exact reference solver on the public sets (targets: forum_hardest median <= 10 ms,
# max <= 100 ms). Usage: bench/reference.sh DATA_DIR   (the public Sudoku files)
set -euo pipefail
: "${1:?usage: bench/reference.sh DATA_DIR (a directory holding the public Sudoku files: kaggle_test_1000.csv, top1465.txt, forum_hardest_1106.txt, sudoku17.txt)}"
data="$1"
head -n 1000 "$data/sudoku17.txt" > /tmp/sudoku17_1000.txt
glauber bench --solver reference \
  "$data/forum_hardest_1106.txt" "$data/top1465.txt" "$data/kaggle_test_1000.csv" /tmp/sudoku17_1000.txt
