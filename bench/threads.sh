#!/usr/bin/env bash
# Glauber solve time by torch CPU threads (--threads 1 vs 2), on the machine as it is
# ("as is": whatever else runs) and with one extra busy process loading a core ("loaded").
# The same fixed work every run: the first N top1465 puzzles, a fixed sweep budget, a
# time limit that never binds. Usage: bench/threads.sh DATA_DIR [N] [SWEEPS]
set -euo pipefail
: "${1:?usage: bench/threads.sh DATA_DIR (a directory holding the public Sudoku files: kaggle_test_1000.csv, top1465.txt, forum_hardest_1106.txt, sudoku17.txt)}"
DATA=$1
N=${2:-4}
SWEEPS=${3:-150}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
awk -v n="$N" '!/^#/ && k++ < n' "$DATA/top1465.txt" > "$TMP/puzzles.txt"

run() {  # condition threads
    local start end
    start=$(date +%s.%N)
    glauber solve "$TMP/puzzles.txt" --threads "$2" --sweeps "$SWEEPS" --time-limit 3600 \
        --json --quiet > "$TMP/out.jsonl" || true
    end=$(date +%s.%N)
    printf '| %s | %s | %.1f | %s |\n' "$1" "$2" "$(echo "$end - $start" | bc)" \
        "$(cut -d' ' -f1 /proc/loadavg)"
}

echo "| machine | threads | wall s | load average (1 min) |"
echo "|---|---|---|---|"
for t in 1 2; do run "as is" "$t"; done
python -c 'while True: pass' &
LOADER=$!
sleep 2
for t in 1 2; do run "loaded (+1 busy process)" "$t"; done
kill "$LOADER"
