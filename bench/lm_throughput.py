"""LM throughput: sequences and site-conditionals per second of a shipped (or given) Sudoku
masked LM, as the sampler uses it (one forward pass per class of boxes, that class masked).

    python bench/lm_throughput.py [--model DIR] [--box 3x3] [--device cpu] [--batches 64,256,1024]

Prints a table: batch, sequences/s, site-conditionals/s (sites masked per pass x sequences);
timings are synchronised on CUDA (every pass waited for, as the sampler's next step would).
"""

from __future__ import annotations

import argparse
import time

import torch

from encoders import lm
from encoders.sudoku import SudokuEncoder
from puzzles.sudoku.model import Sudoku, parse_box


def sync(device: str) -> None:
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model directory (default: the shipped one)")
    parser.add_argument("--box", default="3x3", help="box shape of the board")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--batches", default="64,256,1024")
    parser.add_argument("--seconds", type=float, default=3.0, help="timing budget per row")
    args = parser.parse_args()
    box = parse_box(args.box)
    n = box[0] * box[1]
    model, card = lm.load(args.model or lm.default_model_dir("sudoku", box), args.device)
    enc = SudokuEncoder().encode(Sudoku(box, (0,) * (n * n)))
    energy = lm.lm_energy(model, card, [enc], args.device)
    sites = enc.perm_groups[enc.perm_group_classes()[0]].reshape(1, -1)  # one class of boxes
    print(f"model {card.get('box')} {card['arch']} attention={card.get('attention')} "
          f"threads={torch.get_num_threads()} device={args.device}")
    print(f"{'batch':>7} {'seq/s':>10} {'site-cond/s':>12}")
    for b in map(int, args.batches.split(",")):
        x = torch.randint(n, (b, n * n), device=args.device)
        s = sites.expand(b, -1).to(args.device)
        energy.logits(x, None, s)  # warm-up
        sync(args.device)
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < args.seconds:
            energy.logits(x, None, s)
            count += b
            sync(args.device)  # a pass is done when its kernels are, not when they are queued
        rate = count / (time.perf_counter() - start)
        print(f"{b:>7} {rate:>10.0f} {rate * s.shape[1]:>12.0f}")


if __name__ == "__main__":
    main()
