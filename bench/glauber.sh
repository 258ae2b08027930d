#!/usr/bin/env bash
# Penalty-only Glauber benchmark, default settings, on this machine.
# Usage: bench/glauber.sh DATA_DIR   (the public Sudoku files)
set -euo pipefail
: "${1:?usage: bench/glauber.sh DATA_DIR (a directory holding the public Sudoku files: kaggle_test_1000.csv, top1465.txt, forum_hardest_1106.txt, sudoku17.txt)}"
data="$1"
tmp="$(mktemp -d)"
glauber generate zebra --houses 5 --attributes 5 --count 20 --seed 7 --out "$tmp/zebra_5x5.jsonl" -q
glauber generate zebra --houses 6 --attributes 6 --count 20 --seed 7 --out "$tmp/zebra_6x6.jsonl" -q
echo "## kaggle_test_1000 (all), top1465 (first 50), generated Zebra 5x5 and 6x6 (20 each)"
glauber bench --solver glauber -q "$data/kaggle_test_1000.csv"
glauber bench --solver glauber -q --limit 50 "$data/top1465.txt"
glauber bench --solver glauber -q "$tmp/zebra_5x5.jsonl" "$tmp/zebra_6x6.jsonl"
echo "## move kernels compared: top1465, first 20, 20 s per batch"
for move in block swap site; do
  glauber bench --solver glauber -q --limit 20 --time-limit 20 --move "$move" "$data/top1465.txt"
done
