#!/usr/bin/env bash
# Zebra LM ablation: penalty, lm, lm+penalty and lm-init (penalty moves from the LM's
# unmasking) beside the exact reference, on generated 6x6 and 8x8 puzzles (COUNT each,
# seed 1) and the bundled examples, with the shipped Zebra model; then the share of
# generated puzzles the model solves alone by iterative unmasking.
#   OMP_NUM_THREADS=1 bench/zebra_ablation.sh [OUT_DIR] [COUNT] [CHAINS] [SWEEPS]
set -euo pipefail
out="${1:-reports/zebra-ablation}"
count="${2:-20}"; chains="${3:-16}"; sweeps="${4:-1000}"
examples="$(dirname "$0")/../examples"
tmp="$(mktemp -d)"
for n in 6 8; do
  glauber generate zebra --houses "$n" --attributes "$n" --count "$count" --seed 1 -q \
    > "$tmp/generated_${n}x${n}.jsonl"
done
glauber report "$tmp/generated_6x6.jsonl" "$tmp/generated_8x8.jsonl" "$examples/zebra_5x5.jsonl" \
  "$examples/zebra_6x6.jsonl" "$examples/zebra_4x4.txt" \
  --energies penalty,lm,lm+penalty,lm-init,reference --chains "$chains" --sweeps "$sweeps" \
  --time-limit 36000 --seed 0 -q --out "$out"
python "$(dirname "$0")/zebra_unmasking.py" --count 50
