#!/usr/bin/env bash
# Zebra LM ablation: penalty, lm, lm+penalty and lm-init (penalty moves from the LM's
# unmasking) beside the exact reference, at equal sweeps, on generated 6x6 and 8x8
# puzzles (COUNT each, seed 1) and on the bundled examples, with the shipped Zebra model;
# then the share of generated puzzles the model solves alone by iterative unmasking.
#   OMP_NUM_THREADS=1 bench/zebra_ablation.sh [OUT_DIR] [COUNT] [CHAINS] [SWEEPS] [LM_WEIGHT]
# Reports land in OUT_DIR/generated6, generated8 and examples (three runs: start them
# on separate cores by hand if you have them).
set -euo pipefail
out="${1:-reports/zebra-ablation}"
count="${2:-20}"; chains="${3:-16}"; sweeps="${4:-500}"; weight="${5:-0.1}"
examples="$(dirname "$0")/../examples"
tmp="$(mktemp -d)"
for n in 6 8; do
  glauber generate zebra --houses "$n" --attributes "$n" --count "$count" --seed 1 -q \
    > "$tmp/generated_${n}x${n}.jsonl"
done
run() {  # name files...
  local name="$1"; shift
  glauber report "$@" --energies penalty,lm,lm+penalty,lm-init,reference --chains "$chains" \
    --sweeps "$sweeps" --time-limit 36000 --lm-weight "$weight" --lm-refresh 5 --seed 0 -q \
    --out "$out/$name"
}
run generated6 "$tmp/generated_6x6.jsonl"
run generated8 "$tmp/generated_8x8.jsonl"
run examples "$examples/zebra_5x5.jsonl" "$examples/zebra_6x6.jsonl" "$examples/zebra_4x4.txt"
python "$(dirname "$0")/zebra_unmasking.py" --count 50
