"""The hard band, side by side: this engine's Glauber solver against the ant colony
system of Lloyd & Amos (huwlloyd-mmu/sudoku_acs), on the same puzzles, one CPU thread each.

    python bench/vs_acs.py ACS_DIR [--count 10] [--limit 20] [--data DIR_OF_9X9_SETS]
                           [--hard 50] [--config NAME=OPTIONS ...] [--sets ...]

ACS_DIR is a local copy of the ACS source (fetch it yourself; nothing of it enters this
project): it is copied to a temporary directory and built there with `make`. Instances:
random-deletion 16x16 and 25x25 at 40, 45 and 50% givens (`glauber generate sudoku
--random-deletion`, any valid completion counts), generated unique minimal 16x16, the
first --hard puzzles of top1465 and forum_hardest_1106 from --data when present, and
generated Zebra puzzles with --zebra N (this engine only). Every
puzzle gets --limit seconds in both solvers: ACS one process per puzzle (`--timeout`),
this engine one `glauber solve` per set (`--time-limit` per puzzle, --threads 1), each
answer checked by the exact verifier. --config adds columns: NAME=extra solve options
(e.g. `no-learn=--no-learn`), for ablations. Prints one Markdown table.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ACS_ALPHABET = {3: "123456789", 4: "0123456789abcdef", 5: "abcdefghijklmnopqrstuvwxy"}
SYMBOLS = "123456789ABCDEFGHIJKLMNOP"  # this project's (puzzles.sudoku.model.SYMBOLS)


def build_acs(source: Path, work: Path) -> Path:
    shutil.copytree(source, work / "acs", ignore=shutil.ignore_patterns(".git"))
    subprocess.run(["make", "-s"], cwd=work / "acs", check=True, capture_output=True)
    return work / "acs" / "sudokusolver"


def acs_line(puzzle: str) -> str:
    """This project's puzzle line as the ACS reads it ('.' blanks, its own symbols)."""
    order = round(len(puzzle) ** 0.25)
    return "".join("." if c in ".0" else ACS_ALPHABET[order][SYMBOLS.index(c.upper())]
                   for c in puzzle)


def run_acs(binary: Path, puzzles: list[str], limit: float) -> tuple[int, float]:
    solved, start = 0, time.perf_counter()
    for p in puzzles:
        out = subprocess.run([str(binary), "--puzzle", acs_line(p), "--timeout", str(int(limit))],
                             capture_output=True, text=True, timeout=limit * 3 + 30).stdout.split()
        solved += bool(out) and out[0] == "0"
    return solved, time.perf_counter() - start


def run_glauber(path: Path, limit: float, extra: list[str]) -> tuple[int, float]:
    start = time.perf_counter()
    out = subprocess.run(["glauber", "solve", str(path), "--json", "--quiet", "--threads", "1",
                          "--time-limit", str(limit), *extra], capture_output=True, text=True)
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    if out.returncode not in (0, 1):  # 1: some puzzle unsolved; anything else is a failure
        print(f"{path.name}: glauber exited {out.returncode}: {out.stderr.strip()[-2000:]}",
              file=sys.stderr)
    return sum(bool(r.get("verified")) for r in rows), time.perf_counter() - start


def generate(work: Path, count: int) -> dict[str, Path]:
    sets = {}
    for n, box in ((16, "4x4"), (25, "5x5")):
        for pct in (40, 45, 50):
            path = work / f"{n}x{n}_{pct}pct.txt"
            subprocess.run(["glauber", "generate", "sudoku", "--box", box, "--random-deletion",
                            "--givens", str(round(n * n * pct / 100)), "--count", str(count),
                            "--seed", str(pct), "--quiet", "--out", str(path)], check=True)
            sets[path.stem] = path
    path = work / "16x16_minimal.txt"
    subprocess.run(["glauber", "generate", "sudoku", "--box", "4x4", "--count", str(count),
                    "--seed", "1", "--quiet", "--out", str(path)], check=True)
    sets[path.stem] = path
    return sets


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("acs_dir", type=Path)
    ap.add_argument("--count", type=int, default=10, help="puzzles per generated set")
    ap.add_argument("--limit", type=float, default=20, help="seconds per puzzle, both solvers")
    ap.add_argument("--data", type=Path, default=None,
                    help="a directory holding top1465.txt and forum_hardest_1106.txt (public "
                         "hard 9x9 sets); without it those sets are left out")
    ap.add_argument("--hard", type=int, default=50, help="first puzzles of each hard 9x9 set")
    ap.add_argument("--config", action="append", default=[],
                    help="NAME=OPTIONS: another glauber column (ablation)")
    ap.add_argument("--sets", default="", help="comma-separated set names to run (default all)")
    ap.add_argument("--no-acs", action="store_true", help="glauber columns only")
    ap.add_argument("--zebra", type=int, action="append", default=[],
                    help="add generated NxN Zebra puzzles (minimal clue sets; no ACS column)")
    args = ap.parse_args()
    configs = [("glauber", [])] + [(c.split("=", 1)[0], c.split("=", 1)[1].split())
                                   for c in args.config]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        binary = None if args.no_acs else build_acs(args.acs_dir, work)
        sets = generate(work, args.count)
        # the first solve compiles the constructive kernel (cached on disk): not timed
        subprocess.run(["glauber", "solve", str(Path(__file__).parent.parent / "examples" /
                                                "sudoku_4x4.txt"), "--quiet"], capture_output=True)
        for name in ("top1465", "forum_hardest_1106"):
            src = args.data / f"{name}.txt" if args.data else None
            if src is not None and src.exists():
                lines = [ln.split()[0] for ln in src.read_text().splitlines()
                         if ln.strip() and not ln.startswith("#")][:args.hard]
                (work / f"{name}.txt").write_text("\n".join(lines) + "\n")
                sets[f"{name}_first{args.hard}"] = work / f"{name}.txt"
        for n in args.zebra:
            path = work / f"zebra_{n}x{n}.jsonl"
            subprocess.run(["glauber", "generate", "zebra", "--houses", str(n), "--attributes",
                            str(n), "--count", str(args.count), "--seed", "1", "--quiet",
                            "--out", str(path)], check=True)
            sets[path.stem] = path
        wanted = [s for s in args.sets.split(",") if s]
        head = "| set | puzzles | " + " | ".join(f"{c} solved | {c} wall s" for c, _ in configs)
        head += "" if binary is None else " | ACS solved | ACS wall s"
        print(head + " |")
        print("|---" * (2 + 2 * len(configs) + (0 if binary is None else 2)) + "|", flush=True)
        for name, path in sets.items():
            if wanted and name not in wanted:
                continue
            puzzles = [ln.strip() for ln in path.read_text().splitlines() if ln.strip()]
            cells = []
            for _, extra in configs:
                # --search anneal runs a file's puzzles side by side in one batch that shares
                # --time-limit: give the batch the same total
                shared = "anneal" in extra and "--search" in extra
                ok, wall = run_glauber(path, args.limit * (len(puzzles) if shared else 1), extra)
                cells.append(f"{ok}/{len(puzzles)} | {wall:.1f}")
            if binary is not None and name.startswith("zebra"):
                cells.append("- | -")
            elif binary is not None:
                ok, wall = run_acs(binary, puzzles, args.limit)
                cells.append(f"{ok}/{len(puzzles)} | {wall:.1f}")
            print(f"| {name} | {len(puzzles)} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
