"""Memory and first-answer latency of `glauber solve` on a large file of easy puzzles.

    python bench/stream.py [--count 200000] [--blanks 12] [--stop-after SECONDS] [-- SOLVE ARGS]

Writes COUNT easy 9x9 puzzles, kaggle style (a CSV of `quizzes,solutions`: a random
solved grid -- the symmetries of one grid: digits relabelled, rows within bands, bands,
columns within stacks, stacks, transposition -- with BLANKS cells blanked), then runs
`glauber solve FILE --out answers.jsonl` as a child process and reports:

- first answer: seconds from the start until answers.jsonl holds its first line;
- 1000 answers: seconds until it holds 1000;
- answers, wall seconds and answers per second at the end (or when --stop-after sends
  Ctrl-C: the run must then say `interrupted: K of N answered` and exit 130, keeping K);
- peak memory: the child's maximum resident set size (`wait4`), so the whole run.

The puzzles come from this script (seeded), never from a download. Run from the
repository root with the project installed (`pip install -e .`).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

BASE = [[(3 * (r % 3) + r // 3 + c) % 9 + 1 for c in range(9)] for r in range(9)]  # a solved grid


def shuffled_grid(rng: random.Random) -> list[list[int]]:
    """A random grid among the symmetries of BASE (each one a valid solved grid)."""
    digits = list(range(1, 10))
    rng.shuffle(digits)

    def order() -> list[int]:
        bands = rng.sample(range(3), 3)
        return [3 * b + i for b in bands for i in rng.sample(range(3), 3)]

    rows, cols = order(), order()
    grid = [[digits[BASE[r][c] - 1] for c in cols] for r in rows]
    return [list(col) for col in zip(*grid)] if rng.random() < 0.5 else grid


def write_puzzles(path: str, count: int, blanks: int, seed: int) -> None:
    rng = random.Random(seed)
    with open(path, "w") as f:
        f.write("quizzes,solutions\n")
        for _ in range(count):
            solution = "".join(str(v) for row in shuffled_grid(rng) for v in row)
            quiz = list(solution)
            for i in rng.sample(range(81), blanks):
                quiz[i] = "0"
            f.write(f"{''.join(quiz)},{solution}\n")


def lines_in(path: str) -> int:
    try:
        with open(path, "rb") as f:
            return f.read().count(b"\n")
    except FileNotFoundError:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--blanks", type=int, default=12, help="blank cells per puzzle")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stop-after", type=float, default=None,
                        help="send Ctrl-C (SIGINT) after this many seconds")
    parser.add_argument("--dir", default=None, help="where to write (default: a temp dir)")
    parser.add_argument("solve_args", nargs="*", help="more `glauber solve` options (after --)")
    args = parser.parse_args()

    work = args.dir or tempfile.mkdtemp(prefix="glauber-stream-")
    os.makedirs(work, exist_ok=True)
    puzzles, answers = os.path.join(work, "easy.csv"), os.path.join(work, "answers.jsonl")
    start = time.perf_counter()
    write_puzzles(puzzles, args.count, args.blanks, args.seed)
    print(f"wrote {args.count} puzzles ({args.blanks} blanks) to {puzzles} in "
          f"{time.perf_counter() - start:.1f} s", file=sys.stderr)
    if os.path.exists(answers):
        os.remove(answers)

    command = [sys.executable, "-m", "cli", "solve", puzzles, "--out", answers, *args.solve_args]
    start = time.perf_counter()
    child = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    first = thousand = None
    interrupted = False
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        now = time.perf_counter() - start
        if pid:
            break
        if first is None or thousand is None:
            done = lines_in(answers)
            if first is None and done >= 1:
                first = now
            if thousand is None and done >= 1000:
                thousand = now
        if args.stop_after is not None and not interrupted and now >= args.stop_after:
            child.send_signal(signal.SIGINT)
            interrupted = True
        time.sleep(0.01 if first is None else 0.2)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    stderr = child.stderr.read()
    done = lines_in(answers)
    peak_mb = usage.ru_maxrss / 1024  # kB on Linux
    print(stderr.strip().splitlines()[-1] if stderr.strip() else "", file=sys.stderr)
    print("| puzzles | first answer s | 1000 answers s | answers | wall s | answers/s | "
          "peak memory MB | exit |")
    print("|---|---|---|---|---|---|---|---|")
    def show(v):
        return "-" if v is None else f"{v:.1f}"

    print(f"| {args.count} | {show(first)} | {show(thousand)} | {done} | {wall:.0f} | "
          f"{done / wall:.0f} | {peak_mb:.0f} | {code} |")


if __name__ == "__main__":
    main()
