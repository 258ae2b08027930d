#!/usr/bin/env bash
# GPU-scale checks, one prepared run on a CUDA machine:
#   bench/gpu.sh [DATA_DIR]      (default ../shared/data/sudoku)
# Prints the device, runs the gpu-marked tests, then the benchmark tables.
set -euo pipefail
data="${1:-../shared/data/sudoku}"
python -c "import torch; assert torch.cuda.is_available(), 'no CUDA device'; print(torch.cuda.get_device_name(0))"
python -m pytest -q -m gpu tests/test_gpu.py
head -n 1000 "$data/sudoku17.txt" | grep -v '^#' > /tmp/sudoku17_1000.txt
echo "## penalty-only, 256 chains per puzzle"
glauber bench --device cuda --solver glauber,reference -q --chains 256 \
  "$data/forum_hardest_1106.txt" /tmp/sudoku17_1000.txt
echo "## site-update throughput: single-site chromatic heat bath, 4096 chains, 200 sweeps"
glauber bench --device cuda --solver glauber -q --move site --chains 4096 --sweeps 200 --limit 16 \
  "$data/forum_hardest_1106.txt"
echo "## LM throughput (shipped 9x9 model, bf16 autocast)"
python bench/lm_throughput.py --device cuda --batches 1024,8192
echo "## penalty, lm+penalty and LM starts (--init lm) on the same 50 puzzles"
for opts in "--energy penalty" "--energy lm+penalty --lm-weight 0.3 --lm-refresh 5" "--init lm"; do
  glauber bench --device cuda --solver glauber -q $opts --chains 256 --limit 50 \
    "$data/forum_hardest_1106.txt"
done
