"""Accuracy reports: run energies over puzzle datasets, score every answer, summarize.

An *energy* is a named solver (the Glauber sampler under a penalty or language-model
energy, or the exact SAT reference) built by a factory the caller passes in, so this
module never imports torch.

Work is cut into chunks: `chunk_size` consecutive puzzles of one dataset, by index.
Every energy solves a chunk in one call, seeded with `chunk_seed(seed, k)`, so a
puzzle's result depends on the seed, its chunk and the settings only -- not on the
process that ran it or on what that process ran before. That is what lets
`puzzles.distributed` shard chunks across Ray workers and still merge the
single-process report (see there for what is reproduced and what is only measured).

Scores, per puzzle and energy:

- solved: the answer passed the puzzle's exact verifier;
- cell accuracy: the fraction of cells where the answer equals the truth (the file's
  expected solution when it has one, else the reference solver's): a Sudoku's blank
  cells (givens are never sampled, so counting them would only inflate the figure), a
  Zebra's every (attribute, house). The answer is the state the solver returned,
  verified or not; for an unsolved puzzle, its best state when the solver leaves one in
  `stats["best"]` (in the solution's JSON form: a Sudoku's symbol string, a Zebra's
  `{attribute: [value by house]}`), else the puzzle scores 0. A puzzle with no truth
  (contradictory, no expected solution) has no cell accuracy;
- agreement: the verified answer equals the file's expected solution (only for files
  that carry solutions; a puzzle with several solutions may be solved yet disagree).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import statistics
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from typing import Callable, Sequence

import numpy as np

from puzzles.base import Attempt, Counted, Puzzle, Solution
from puzzles.errors import ConfigError
from puzzles.formats import Record
from puzzles.harness.bench import Stopwatch
from puzzles.harness.solving import Outcome, Solver, clash, solve_all, stated
from puzzles.kinds import count
from puzzles.sudoku.model import Sudoku
from puzzles.zebra.model import ZebraSolution

SUDOKU_BUCKETS = ((0, 1, "0"), (1, 10, "1-9"), (10, 100, "10-99"), (100, 1000, "100-999"),
                  (1000, None, "1000+"))  # reference conflicts: Sudoku difficulty bands


@dataclass(frozen=True)
class Chunk:
    """Consecutive puzzles of one dataset: the unit of batching, seeding and sharding."""

    dataset: str  # the dataset's label
    number: int  # k: this chunk holds the dataset's puzzles k*size .. (k+1)*size - 1
    start: int  # dataset index of its first puzzle
    records: tuple[Record, ...]


def chunks_of(dataset: str, records: Sequence[Record], size: int) -> list[Chunk]:
    return [Chunk(dataset, k, start, tuple(records[start:start + size]))
            for k, start in enumerate(range(0, len(records), size))]


def chunk_seed(seed: int, number: int) -> int:
    """The solver seed of chunk `number`: a hash, so that neighbouring seeds and chunks
    draw unrelated streams (seed + number would make seed 1 chunk 0 = seed 0 chunk 1)."""
    digest = hashlib.sha256(f"{seed}:{number}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1  # 63 bits: every torch.Generator takes it


@dataclass(frozen=True)
class Row:
    """One puzzle under one energy."""

    dataset: str
    index: int  # position of the puzzle in its dataset, from 0
    source: str  # FILE:LINE
    energy: str
    kind: str  # "sudoku" or "zebra"
    size: str  # Sudoku: "9x9"; Zebra: houses x attributes, "5x5"
    stated: int  # givens (Sudoku) or clues (Zebra)
    difficulty: int | None  # the reference solver's CDCL conflicts (None: givens clash)
    verified: bool
    seconds: float  # solver time (Glauber: until its batch finished it)
    sweeps: int | None  # Glauber sweeps run (None for the SAT solver)
    conflicts: int | None  # SAT conflicts (None for the Glauber solver)
    lowest_energy: float | None  # Glauber: lowest energy reached
    cell_accuracy: float | None  # see the module docstring; None without a truth
    matches_expected: bool | None  # None when the file has no solution for it
    error: str | None
    device: str | None  # where the solver ran (Glauber)


@dataclass(frozen=True)
class ChunkResult:
    dataset: str
    rows: list[Row]
    walls: dict[str, float]  # energy -> wall seconds spent on the chunk


def cell_accuracy(puzzle: Puzzle, answer: Solution, truth: Solution) -> float:
    """Fraction of the puzzle's open cells where `answer` equals `truth` (module docstring)."""
    if isinstance(puzzle, Sudoku):
        blanks = [i for i, v in enumerate(puzzle.cells) if not v]
        if not blanks:
            return 1.0
        return sum(answer.cells[i] == truth.cells[i] for i in blanks) / len(blanks)
    got, want = dict(answer.assignment), dict(truth.assignment)
    cells = [(name, h) for name, values in want.items() for h in range(len(values))]
    return sum(got[name][h] == want[name][h] for name, h in cells) / len(cells)


def answer_of(puzzle: Puzzle, attempt: Attempt) -> Solution | None:
    """The state an attempt ends in: its solution, else the best state in its stats."""
    if attempt.solution is not None:
        return attempt.solution
    best = attempt.stats.get("best")
    if best is None:
        return None
    if isinstance(puzzle, Sudoku):
        return Sudoku.parse(best, puzzle.box)
    return ZebraSolution.from_json(puzzle, best)


def size_label(puzzle: Puzzle) -> str:
    if isinstance(puzzle, Sudoku):
        return f"{puzzle.n}x{puzzle.n}"
    return f"{puzzle.houses}x{len(puzzle.attributes)}"


class ChunkRunner:
    """Solves chunks under every energy. The solvers are built once, up front (bad
    settings fail before any work; an LM loads once per process), and reseeded for every
    chunk."""

    def __init__(self, energies: Sequence[str], factory: Callable[[str], Solver], seed: int):
        self.solvers = {energy: factory(energy) for energy in energies}
        self.seed = seed

    def run(self, chunk: Chunk, progress: Callable[[int], None] | None = None) -> ChunkResult:
        puzzles = [r.puzzle for r in chunk.records]
        references = [None if clash(p) else count(p) for p in puzzles]
        rows, walls = [], {}
        for energy, solver in self.solvers.items():
            if hasattr(solver, "seed"):  # the exact solver draws nothing and has none
                solver.seed = chunk_seed(self.seed, chunk.number)
            try:
                with Stopwatch() as watch:
                    outcomes = solve_all(solver, puzzles, progress)
            except ConfigError as e:  # e.g. an LM energy without a model for this board
                raise ConfigError(f"energy {energy} is not available for {chunk.dataset}: "
                                  f"{e}") from None
            walls[energy] = watch.seconds
            rows += [_row(chunk, j, energy, ref, outcome) for j, (ref, outcome)
                     in enumerate(zip(references, outcomes))]
        return ChunkResult(chunk.dataset, rows, walls)


def _row(chunk: Chunk, j: int, energy: str, ref: Counted | None, outcome: Outcome) -> Row:
    """Score the outcome of puzzle j of a chunk; `ref`: its reference count (None: clash)."""
    record, stats = chunk.records[j], outcome.attempt.stats
    truth = record.expected if record.expected is not None else (ref.solution if ref else None)
    answer = answer_of(record.puzzle, outcome.attempt)
    return Row(
        dataset=chunk.dataset, index=chunk.start + j, source=record.source, energy=energy,
        kind=record.puzzle.kind, size=size_label(record.puzzle),
        stated=stated(record.puzzle)[1], difficulty=ref.conflicts if ref else None,
        verified=outcome.verified, seconds=outcome.attempt.seconds,
        sweeps=stats.get("sweeps"), conflicts=stats.get("conflicts"),
        lowest_energy=stats.get("energy"),
        cell_accuracy=None if truth is None else
        0.0 if answer is None else cell_accuracy(record.puzzle, answer, truth),
        matches_expected=None if record.expected is None else outcome.solution == record.expected,
        error=outcome.error, device=stats.get("device"))


@dataclass(frozen=True)
class Summary:
    """One (dataset, energy) line of the report."""

    dataset: str
    energy: str
    puzzles: int
    solved: int  # verified by the exact verifier
    solved_pct: float
    cell_accuracy_pct: float | None  # mean over the puzzles that have a truth
    median_s: float | None  # per-puzzle solver seconds, all puzzles
    p90_s: float | None
    wall_s: float  # summed chunk wall time (with Ray: worker time, not elapsed time)
    effort: str  # "sweeps" (Glauber) or "conflicts" (SAT)
    median_effort: float | None  # over the solved puzzles
    with_expected: int  # puzzles whose file gives the solution
    agreement_pct: float | None  # of those, verified and equal to it


def _median(values):
    return float(statistics.median(values)) if values else None


def summarize(results: Sequence[ChunkResult], datasets: Sequence[str],
              energies: Sequence[str]) -> list[Summary]:
    """One Summary per dataset and energy, in the given orders."""
    groups: dict[tuple[str, str], list[Row]] = {(d, e): [] for d in datasets for e in energies}
    walls = dict.fromkeys(groups, 0.0)
    for chunk in results:
        for row in chunk.rows:
            groups[row.dataset, row.energy].append(row)
        for energy, seconds in chunk.walls.items():
            walls[chunk.dataset, energy] += seconds
    out = []
    for (dataset, energy), rows in groups.items():
        solved = [r for r in rows if r.verified]
        seconds = [r.seconds for r in rows]
        effort = "sweeps" if any(r.sweeps is not None for r in rows) else "conflicts"
        acc = [r.cell_accuracy for r in rows if r.cell_accuracy is not None]
        agree = [r.matches_expected for r in rows if r.matches_expected is not None]
        out.append(Summary(
            dataset=dataset, energy=energy, puzzles=len(rows), solved=len(solved),
            solved_pct=100.0 * len(solved) / len(rows) if rows else 0.0,
            cell_accuracy_pct=100.0 * statistics.fmean(acc) if acc else None,
            median_s=_median(seconds),
            p90_s=float(np.percentile(seconds, 90)) if seconds else None,
            wall_s=walls[dataset, energy], effort=effort,
            median_effort=_median([getattr(r, effort) for r in solved
                                   if getattr(r, effort) is not None]),
            with_expected=len(agree),
            agreement_pct=100.0 * sum(agree) / len(agree) if agree else None))
    return out


def merge(results: Sequence[ChunkResult], datasets: Sequence[str],
          energies: Sequence[str]) -> list[Row]:
    """Every row, ordered by dataset, energy and puzzle index, whatever order the chunks
    came back in."""
    rows = [r for c in results for r in c.rows]
    return sorted(rows, key=lambda r: (datasets.index(r.dataset), energies.index(r.energy), r.index))


def environment(rows: Sequence[Row]) -> dict:
    """Versions, machine and device(s) a report was made with."""
    def version(package):
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return None
    devices = sorted({r.device for r in rows if r.device})
    return {
        "python": platform.python_version(),
        "versions": {p: version(p) for p in ("glauber", "torch", "numpy", "python-sat",
                                             "matplotlib", "ray")},
        "machine": f"{platform.platform()}, {platform.processor() or platform.machine()}, "
                   f"{os.cpu_count()} CPUs",
        "device": ", ".join(devices) or "cpu",
    }


def _cell(value, fmt="{:.1f}") -> str:
    return "-" if value is None else fmt.format(value)


def format_table(summaries: Sequence[Summary]) -> str:
    """The report's Markdown table."""
    head = ("| dataset | energy | puzzles | solved % | cell accuracy % | median s | p90 s "
            "| wall s | median effort | agrees with expected |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for s in summaries:
        effort = "-" if s.median_effort is None else f"{s.median_effort:g} {s.effort}"
        agree = (f"{s.agreement_pct:.1f}% of {s.with_expected}"
                 if s.agreement_pct is not None else "-")
        lines.append(f"| {s.dataset} | {s.energy} | {s.puzzles} | {s.solved_pct:.1f} "
                     f"| {_cell(s.cell_accuracy_pct)} | {_cell(s.median_s, '{:.3f}')} "
                     f"| {_cell(s.p90_s, '{:.3f}')} | {s.wall_s:.1f} | {effort} | {agree} |")
    return "\n".join(lines)


DEFINITIONS = """\
- **solved %**: answers accepted by the exact verifier.
- **cell accuracy %**: mean fraction of open cells (Sudoku: blanks; Zebra: every attribute
  of every house) where the answer equals the expected solution, or the reference solver's
  when the file has none; an unsolved puzzle counts its best state when the solver
  reports one, else 0.
- **median s / p90 s**: solver seconds per puzzle (Glauber: until its batch finished it).
- **wall s**: wall time summed over chunks (with Ray: worker time, not elapsed time).
- **median effort**: over solved puzzles; Glauber sweeps or SAT conflicts.
- **agrees with expected**: verified answers equal to the file's solution."""


@dataclass
class Report:
    """A finished report: what `write` puts in report.json, report.md and the plots."""

    summaries: list[Summary]
    rows: list[Row]
    settings: dict  # every option, as given
    env: dict  # `environment(rows)`
    created: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(
        timespec="seconds"))

    def as_json(self, plots: Sequence[str]) -> dict:
        return {"created": self.created, "seed": self.settings.get("seed"), **self.env,
                "settings": self.settings,
                "summaries": [asdict(s) for s in self.summaries], "plots": list(plots),
                "results": "results.jsonl"}

    def markdown(self, plots: Sequence[str]) -> str:
        env = self.env
        settings = "\n".join(f"- {k}: `{v}`" for k, v in self.settings.items())
        versions = ", ".join(f"{k} {v}" for k, v in env["versions"].items() if v)
        images = "\n".join(f"![{os.path.splitext(p)[0]}]({p})" for p in plots)
        return (f"# Accuracy report\n\n{format_table(self.summaries)}\n\n{DEFINITIONS}\n\n"
                f"## Settings\n\n{settings}\n\n## Environment\n\n- created: {self.created}\n"
                f"- device: {env['device']}\n- machine: {env['machine']}\n"
                f"- python {env['python']}, {versions}\n\n## Plots\n\n{images}\n")

    def write(self, out_dir: str) -> list[str]:
        """Write report.md, report.json, results.jsonl (one row per puzzle and energy)
        and the PNG plots into `out_dir`; returns the paths written."""
        from puzzles.harness.plots import plot_all  # matplotlib: the `report` extra
        plots = plot_all(self.rows, out_dir)
        written = {"report.json": json.dumps(self.as_json(plots), indent=2) + "\n",
                   "report.md": self.markdown(plots),
                   "results.jsonl": "".join(json.dumps(asdict(r)) + "\n" for r in self.rows)}
        for name, text in written.items():
            with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
                f.write(text)
        return [os.path.join(out_dir, name) for name in [*written, *plots]]


def build_report(results: Sequence[ChunkResult], datasets: Sequence[str],
                 energies: Sequence[str], settings: dict) -> Report:
    rows = merge(results, datasets, energies)
    return Report(summarize(results, datasets, energies), rows, settings, environment(rows))


def dataset_labels(paths: Sequence[str]) -> list[str]:
    """Each file's name without its extension, or its path where two names collide."""
    names = [os.path.splitext(os.path.basename(p))[0] for p in paths]
    return [n if names.count(n) == 1 else p for n, p in zip(names, paths)]


def difficulty_bucket(row: Row) -> tuple[int, str] | None:
    """(sort key, label) of the row's difficulty band: reference conflicts for Sudoku,
    the size for Zebra; None when the reference found the givens clashing."""
    if row.kind == "zebra":
        houses, attributes = map(int, row.size.split("x"))
        return houses * 100 + attributes, row.size
    if row.difficulty is None:
        return None
    return next((k, label) for k, (low, high, label) in enumerate(SUDOKU_BUCKETS)
                if low <= row.difficulty and (high is None or row.difficulty < high))
