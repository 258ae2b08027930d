"""Helpers of bench/gpu.sh: its data (made here, nothing read from outside the repository)
and its site-updates/s table.

    python bench/gpu_bench.py data OUT_DIR [--count 40] [--seconds 40]
    python bench/gpu_bench.py throughput [--device cuda] [--chains 1024,4096,16384,65536]
        [--moves block,site,swap] [--sweeps 10] [--seconds 60]

`data` writes OUT_DIR/hard_9x9.txt (generated minimal 9x9 puzzles that full propagation
leaves open, so every timed puzzle needs sweeps, plus the bundled examples that do),
OUT_DIR/rd_16x16_45.txt (random-deletion 16x16 at 45% givens, the hard band).
`throughput` prints, per move kernel and total chain count
(16 puzzles x chains/16), synchronised sweeps/s and site-updates/s of the annealing
sampler (no chain counts as solved, so every run does all its sweeps) and, on CUDA, the
peak memory per chain; rows stop once `--seconds` are spent.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch
from sampler_calls import open_puzzles, open_rows, sampler_for, sync

from encoders.sudoku import SudokuEncoder
from puzzles.sudoku.generate import SudokuGenerator


def write_data(out: Path, count: int, seconds: float) -> None:
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    encoder = SudokuEncoder("full")
    lines = open_rows()  # the bundled examples that need sweeps
    with SudokuGenerator((3, 3), seed=1) as gen:
        tried = 0
        while len(lines) < count and tried < 20 * count and time.perf_counter() - start < seconds:
            # then generated minimal ones, as many as `seconds` allow
            tried += 1
            puzzle = gen.generate().puzzle
            if not (encoder.encode(puzzle).allowed.sum(1) == 1).all():
                lines.append(puzzle.format())
    (out / "hard_9x9.txt").write_text("\n".join(lines) + "\n")
    with SudokuGenerator((4, 4), seed=1) as gen:
        made = [gen.random_deletion(115).puzzle.format() for _ in range(max(count // 5, 1))]
    (out / "rd_16x16_45.txt").write_text("\n".join(made) + "\n")
    print(f"{out}: {len(lines)} 9x9 puzzles that propagation leaves open, {len(made)} 16x16 "
          f"at 45% givens")


def throughput(device: str, chains: list[int], moves: list[str], sweeps: int, seconds: float) -> None:
    encs = open_puzzles()
    puzzles = [encs[k % len(encs)] for k in range(16)]
    cuda = torch.device(device).type == "cuda"
    print(f"device={device} ({torch.cuda.get_device_name(0) if cuda else 'cpu'}), 9x9, "
          f"16 puzzles, {sweeps} sweeps per row, synchronised")
    print("| move | chains | sweeps/s | site-updates/s | peak MiB per 1k chains |")
    print("|---|---|---|---|---|")
    start = time.perf_counter()
    for move in moves:
        for total in chains:
            if time.perf_counter() - start > seconds:
                print(f"| {move} | {total} | (time cap) | | |")
                continue
            per = max(total // len(puzzles), 1)
            allowed = torch.stack([e.allowed for e in puzzles])
            sampler = sampler_for(puzzles, move, per, sweeps, device)
            generator = torch.Generator(device=device).manual_seed(0)
            sampler.run(allowed, generator)  # warm-up (allocator, kernels)
            if cuda:
                torch.cuda.reset_peak_memory_stats()
            sync(device)
            t0 = time.perf_counter()
            result = sampler.run(allowed, generator)
            sync(device)
            wall = time.perf_counter() - t0
            peak = f"{torch.cuda.max_memory_allocated() / 2**20 / (per * len(puzzles) / 1000):.1f}" if cuda else "-"
            updates = int(result.site_updates.sum())
            print(f"| {move} | {per * len(puzzles)} | {sweeps / wall:.1f} | {updates / wall / 1e6:.2f} M | {peak} |",
                  flush=True)
            del sampler, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    data = sub.add_parser("data")
    data.add_argument("out", type=Path)
    data.add_argument("--count", type=int, default=40)
    data.add_argument("--seconds", type=float, default=40.0, help="time for generating 9x9 puzzles")
    rate = sub.add_parser("throughput")
    rate.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    rate.add_argument("--chains", default="1024,4096,16384,65536")
    rate.add_argument("--moves", default="block,site,swap")
    rate.add_argument("--sweeps", type=int, default=10)
    rate.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    if args.command == "data":
        write_data(args.out, args.count, args.seconds)
    else:
        throughput(args.device, [int(c) for c in args.chains.split(",")], args.moves.split(","),
                   args.sweeps, args.seconds)


if __name__ == "__main__":
    main()
