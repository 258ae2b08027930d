"""The annealing sampler's host side, per sweep: torch calls, host syncs and host time at a
small batch, and site-updates/s at a large one (9x9 Sudoku, the bundled examples that
propagation leaves open; no chain is ever counted solved, so every run does its budget).

    python bench/sampler_calls.py [--device cpu] [--large 64x64] [--sweeps 40] [--moves block,site,swap]

Prints one table row per move kernel:
- calls/sweep: torch calls (ops + metadata reads) the host makes per sweep, counted by a
  TorchFunctionMode (`solver.tracing.CallCounter`) in steady state (restarts included);
- ops/sweep: the same without metadata reads (shape, device, size);
- syncs/sweep: calls that make the host wait for the device (`solver.tracing.is_sync`);
- host ms/sweep at 1 puzzle x 2 chains (the fixed cost a GPU keeps; with CUDA it is
  synchronised);
- site-updates/s at `--large` puzzles x chains (synchronised).
Counts and times are the difference between a long and a short run, so set-up and the
first draws fall out.
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import torch

from encoders.encoded import stack_fillings
from encoders.sudoku import SudokuEncoder
from puzzles.sudoku.model import Sudoku
from solver.config import SamplerConfig
from solver.energy import PenaltyEnergy
from solver.glauber import GlauberSampler
from solver.tracing import CallCounter

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "sudoku_9x9.csv"


def open_rows() -> list[str]:
    """The 9x9 examples that full propagation leaves open."""
    with open(EXAMPLES) as f:
        rows = [r["puzzle"] for r in csv.DictReader(f)]
    return [r for r in rows if not (SudokuEncoder("full").encode(Sudoku.parse(r)).allowed.sum(1) == 1).all()]


def open_puzzles():
    """Encoded 9x9 examples that propagation leaves open (full propagation)."""
    return [SudokuEncoder("full").encode(Sudoku.parse(r)) for r in open_rows()]


def sampler_for(encs, move: str, chains: int, sweeps: int, device):
    first = encs[0]
    energy = PenaltyEnergy.from_encoded(first, device)
    config = SamplerConfig(chains=chains, sweeps=sweeps, time_limit=1e9, move=move, tolerance=-1.0)
    if move == "site":
        return GlauberSampler(energy, first.colour_classes(), config, device)
    groups = first.perm_group_classes()
    fills = None
    if move == "block":  # as the pipeline: shuffles where a box has too many fillings to list
        fills = stack_fillings([e.mixed_fillings(4096) for e in encs])
        fills = fills if fills[2].any() else fills[:2]
    return GlauberSampler(energy, [], config, device, first.perm_groups, groups, fills)


def sync(device):
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def timed_run(encs, move, chains, sweeps, device, count=False):
    """(seconds, counter or None, site updates) of one run of `sweeps` sweeps."""
    sampler = sampler_for(encs, move, chains, sweeps, device)
    allowed = torch.stack([e.allowed for e in encs])
    generator = torch.Generator(device=device).manual_seed(0)
    counter = CallCounter() if count else None
    sync(device)
    start = time.perf_counter()
    if counter is not None:
        with counter:
            result = sampler.run(allowed, generator)
    else:
        result = sampler.run(allowed, generator)
    sync(device)
    return time.perf_counter() - start, counter, int(result.site_updates.sum())


def per_sweep(encs, move, chains, short, long, device, repeats=3):
    """Steady-state calls, ops, syncs and host ms per sweep (long run minus short run)."""
    t0, c0, _ = timed_run(encs, move, chains, short, device, count=True)
    t1, c1, _ = timed_run(encs, move, chains, long, device, count=True)
    # time without the counter (it slows the host several fold); the best of `repeats`
    t0 = min(timed_run(encs, move, chains, short, device)[0] for _ in range(repeats))
    t1 = min(timed_run(encs, move, chains, long, device)[0] for _ in range(repeats))
    d = long - short
    return ((c1.calls - c0.calls) / d, (c1.ops - c0.ops) / d, (c1.syncs - c0.syncs) / d,
            1000 * (t1 - t0) / d, c1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--large", default="64x64", help="PUZZLESxCHAINS for site-updates/s")
    parser.add_argument("--sweeps", type=int, default=40, help="the long run's sweeps (short: a quarter)")
    parser.add_argument("--large-sweeps", type=int, default=20)
    parser.add_argument("--moves", default="block,site,swap")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per figure (the best counts)")
    parser.add_argument("--top", type=int, default=0, help="also list the N most frequent calls per move")
    args = parser.parse_args()
    encs = open_puzzles()
    p_large, c_large = (int(v) for v in args.large.split("x"))
    large = [encs[k % len(encs)] for k in range(p_large)]
    print(f"device={args.device} threads={torch.get_num_threads()} torch={torch.__version__} "
          f"9x9 examples open after propagation: {len(encs)}")
    print(f"| move | calls/sweep | ops/sweep | syncs/sweep | host ms/sweep (1x2) "
          f"| site-updates/s ({p_large}x{c_large}) |")
    print("|---|---|---|---|---|---|")
    tops = {}
    for move in args.moves.split(","):
        calls, ops, syncs, ms, counter = per_sweep(encs[:1], move, 2, args.sweeps // 4, args.sweeps,
                                                   args.device, args.repeats)
        short = max(args.large_sweeps // 4, 1)
        t0, _, u0 = timed_run(large, move, c_large, short, args.device)
        t1, _, u1 = timed_run(large, move, c_large, args.large_sweeps, args.device)
        rate = (u1 - u0) / max(t1 - t0, 1e-9)
        print(f"| {move} | {calls:.0f} | {ops:.0f} | {syncs:.1f} | {ms:.2f} | {rate / 1e6:.2f} M |",
              flush=True)
        tops[move] = counter
    for move, counter in tops.items():
        if args.top:
            print(f"\n{move}: most frequent calls (long run): "
                  + ", ".join(f"{n} {k}" for n, k in
                              sorted(((v, k) for k, v in counter.names.items()), reverse=True)[:args.top]))
            print(f"{move}: syncs: {dict(counter.sync_names)}")


if __name__ == "__main__":
    main()
