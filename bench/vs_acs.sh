#!/usr/bin/env bash
# The hard band beside the ant colony system (Lloyd & Amos), one table; see bench/vs_acs.py.
# Usage: OMP_NUM_THREADS=1 bench/vs_acs.sh ACS_DIR [more options of bench/vs_acs.py]
#   e.g. bench/vs_acs.sh /tmp/sudoku_acs --count 10 --limit 20 --data DIR  (DIR: top1465.txt, forum_hardest_1106.txt)
# Ablation columns: --config no-learn=--no-learn --config anneal="--search anneal" ...
set -euo pipefail
exec python "$(dirname "$0")/vs_acs.py" "$@"
