#!/usr/bin/env bash
# Sudoku generation time by board: `glauber generate sudoku`, one puzzle per seed, wall
# seconds (start-up included), the givens reached and the SAT conflicts to solve it.
# Usage: bench/generate.sh [SEEDS...]
set -euo pipefail
SEEDS=${*:-1 2 3}
echo "| board | request | seed | wall s | givens | conflicts |"
echo "|---|---|---|---|---|---|"
for spec in "3x3:" "4x4:" "5x5:" "5x5:--givens 300"; do
    box=${spec%%:*}
    extra=${spec#*:}
    for seed in $SEEDS; do
        start=$(date +%s.%N)
        row=$(glauber generate sudoku --box "$box" --seed "$seed" --format jsonl --quiet $extra)
        end=$(date +%s.%N)
        printf '| %s | %s | %s | %.1f | %s |\n' "$box" "${extra:-minimal}" "$seed" \
            "$(echo "$end - $start" | bc)" \
            "$(echo "$row" | python -c 'import json,sys; r=json.load(sys.stdin); print(r["givens"], "|", r["conflicts"])')"
    done
done
