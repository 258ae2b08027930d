"""The Zebra model alone: the share of generated puzzles its iterative unmasking solves
(one cell per pass, the most confident first, nearly greedy), from an empty grid
(propagation none) and from the pipeline's full propagation, every answer verified.

    OMP_NUM_THREADS=1 python bench/zebra_unmasking.py [--count 50] [--model DIR]
"""

import argparse
import time

import torch

from encoders import lm
from encoders.zebra_training import unmasking_solves
from puzzles.zebra.generate import ZebraGenerator

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--count", type=int, default=50, help="puzzles per size")
parser.add_argument("--model", default=None, help="model directory (default: the shipped one)")
parser.add_argument("--sizes", default="3,4,5,6,8", help="house = attribute counts")
args = parser.parse_args()
torch.set_num_threads(1)
model, card = lm.load(args.model or lm.default_model_dir("zebra"))
print("| size | puzzles | solved alone (no propagation) | solved alone (full propagation) | s/puzzle |")
print("|---|---|---|---|---|")
for n in map(int, args.sizes.split(",")):
    maker = ZebraGenerator(n, n, seed=2)
    puzzles = [maker.generate().puzzle for _ in range(args.count)]
    start = time.perf_counter()
    bare = unmasking_solves(model, card, puzzles)
    seconds = (time.perf_counter() - start) / len(puzzles)
    propagated = unmasking_solves(model, card, puzzles, propagate="full")
    print(f"| {n}x{n} | {len(puzzles)} | {bare:.0%} | {propagated:.0%} | {seconds:.2f} |", flush=True)
