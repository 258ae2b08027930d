#!/usr/bin/env bash
# GPU checks and benchmarks in one prepared run, self-contained (data made here or read
# from examples/), under 10 minutes in all:
#   bench/gpu.sh              on CUDA (fails at once without a CUDA device)
#   bench/gpu.sh --dry-run    on the CPU with tiny sizes (seconds; tests/test_gpu_script.py)
# Every step runs under `timeout` within what is left of GPU_BENCH_SECONDS (default 540);
# a step that runs out prints "(stopped: time cap)" and the script goes on. Timings are
# synchronised (torch.cuda.synchronize around every timed region).
set -uo pipefail
cd "$(dirname "$0")/.."
total="${GPU_BENCH_SECONDS:-540}"
if [ "${1:-}" = "--dry-run" ]; then
  dry=1 device=cpu count=2 chains=16 rate_sweeps=2 call_sweeps=8 large=2x8 repeats=1 bench_chains=4
  limit=2 sweeps=20 lm_batches=4 lm_seconds=0.2 zebra=2
else
  dry=0 device=cuda count=40 chains=1024,4096,16384,65536 rate_sweeps=10 call_sweeps=40
  large=64x256 repeats=3 bench_chains=256 limit=40 sweeps=3000 lm_batches=1024,8192 lm_seconds=3 zebra=20
fi
deadline=$((SECONDS + total))
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# step CAP_SECONDS TITLE COMMAND...: the command under timeout, capped by the time left
step() {
  local cap=$1 title=$2
  shift 2
  local left=$((deadline - SECONDS))
  echo
  echo "## $title"
  if [ "$left" -le 5 ]; then
    echo "(skipped: time cap)"
    return 0
  fi
  [ "$cap" -gt "$left" ] && cap=$left
  local start=$SECONDS
  timeout --signal=INT --kill-after=10 "${cap}s" "$@"
  local rc=$?
  if [ $rc -eq 124 ] || [ $rc -eq 130 ] || [ $rc -eq 137 ]; then
    echo "(stopped: time cap, ${cap} s)"
  elif [ $rc -ne 0 ]; then
    echo "(failed: exit $rc)"
    failed=1
  fi
  echo "($((SECONDS - start)) s)"
}
failed=0

python - "$device" <<'PY' || exit 1
import sys, torch
device = sys.argv[1]
if device == "cuda":
    assert torch.cuda.is_available(), "no CUDA device (bench/gpu.sh --dry-run runs on the CPU)"
    p = torch.cuda.get_device_properties(0)
    print(f"{p.name}, {p.total_memory / 2**30:.0f} GiB, torch {torch.__version__}, CUDA {torch.version.cuda}")
else:
    print(f"dry run on the CPU, torch {torch.__version__}")
PY

if [ "$dry" = 0 ]; then
  step 150 "gpu tests: pytest -m gpu" python -m pytest -q -m gpu tests/test_gpu.py
fi
step 60 "data: generated hard 9x9 (propagation leaves them open), 16x16 at 45% givens, Zebra 6x6" \
  bash -c "python bench/gpu_bench.py data '$tmp' --count $count --seconds 40 && glauber generate zebra --houses 6 --attributes 6 --count $zebra --seed 7 --out '$tmp/zebra_6x6.jsonl' -q"
step 90 "site-updates/s by chains: 9x9, 16 puzzles" \
  python bench/gpu_bench.py throughput --device "$device" --chains "$chains" --sweeps "$rate_sweeps" --seconds 70
step 60 "host side per sweep: torch calls, syncs, ms at 1 puzzle x 2 chains" \
  python bench/sampler_calls.py --device "$device" --sweeps "$call_sweeps" --large "$large" --large-sweeps 4 --repeats "$repeats"
step 90 "anneal, penalty, $bench_chains chains per puzzle: hard 9x9, Zebra 6x6" \
  glauber bench --device "$device" --search anneal --solver glauber -q --chains "$bench_chains" \
  --limit "$limit" --sweeps "$sweeps" --time-limit 30 "$tmp/hard_9x9.txt" "$tmp/zebra_6x6.jsonl"
step 60 "anneal, 16x16 at 45% givens (block+shuffle where boxes are too loose to list)" \
  glauber bench --device "$device" --search anneal --solver glauber -q --chains "$bench_chains" \
  --limit "$limit" --sweeps "$sweeps" --time-limit 20 "$tmp/rd_16x16_45.txt"
step 60 "LM throughput (shipped 9x9 model, bf16 autocast on CUDA)" \
  python bench/lm_throughput.py --device "$device" --batches "$lm_batches" --seconds "$lm_seconds"
for opts in "--energy lm+penalty --lm-weight 0.3 --lm-refresh 5" "--init lm"; do
  step 45 "anneal $opts: hard 9x9" \
    glauber bench --device "$device" --search anneal --solver glauber -q $opts --chains "$bench_chains" \
    --limit "$limit" --sweeps "$sweeps" --time-limit 20 "$tmp/hard_9x9.txt"
done
echo
echo "total: $SECONDS s (cap $total s)"
exit $failed
