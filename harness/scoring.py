"""What bench and report share: one row per puzzle and solver (`Row`, scored by `score`),
one summary per dataset and solver (`Summary`, by `summarize`), one percentile, and one
Markdown table formatter (`format_table`, with the bench's or the report's columns).

Scores, per puzzle:

- solved: the answer passed the puzzle's exact verifier;
- cell accuracy: the fraction of cells where the answer equals the truth (the file's
  expected solution when it has one, else the reference solver's when the caller counted
  it): a Sudoku's blank cells (givens are never sampled, so counting them would only
  inflate the figure), a Zebra's every (attribute, house). The answer is the state the
  solver returned, verified or not; for an unsolved puzzle, its best state when the solver
  leaves one in `stats["best"]` (in the solution's JSON form: a Sudoku's symbol string, a
  Zebra's `{attribute: [value by house]}`), else the puzzle scores 0. A puzzle with no
  truth (contradictory, no expected solution) has no cell accuracy;
- agreement: the verified answer equals the file's expected solution (only for files
  that carry solutions; a puzzle with several solutions may be solved yet disagree).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, fields
from typing import Callable, Sequence

import numpy as np

from puzzles.base import Attempt, Counted, Puzzle, Solution
from puzzles.formats import Record
from harness.solving import Outcome
from puzzles.kinds import KINDS, describe, kind_of


@dataclass(frozen=True)
class Row:
    """One puzzle under one solver."""

    dataset: str
    index: int  # position of the puzzle in its dataset, from 0
    source: str  # FILE:LINE
    energy: str  # the solver's label: a report energy, or a bench solver
    kind: str  # the puzzle kind ("sudoku", "zebra")
    size: str  # Sudoku: "9x9"; Zebra: houses x attributes, "5x5"
    stated: int  # givens (Sudoku) or clues (Zebra)
    difficulty: int | None  # the reference solver's CDCL conflicts (None: givens clash, or
    # not counted)
    verified: bool
    seconds: float  # solver time (Glauber: until its batch finished it)
    sweeps: int | None  # Glauber sweeps run (None for the SAT solver)
    conflicts: int | None  # SAT conflicts (None for the Glauber solver)
    lowest_energy: float | None  # Glauber: lowest energy reached
    cell_accuracy: float | None  # see the module docstring; None without a truth
    matches_expected: bool | None  # None when the file has no solution for it
    error: str | None
    device: str | None  # where the solver ran (Glauber)
    site_updates: int | None = None  # Glauber: site updates made
    solution: object = None  # the verified answer in its JSON form (a Sudoku's symbol
    # string, a Zebra's {attribute: [value by house]}); None when unsolved
    wall_s: float = 0.0  # wall seconds from the previous result of the same solver call
    # (or the call's start) to this one: a call's rows sum to its wall time

    @classmethod
    def from_json(cls, obj: dict) -> "Row":
        """A row as `asdict` wrote it (results.jsonl); fields it lacks take their defaults."""
        return cls(**{f.name: obj[f.name] for f in fields(cls) if f.name in obj})


def cell_accuracy(puzzle: Puzzle, answer: Solution, truth: Solution) -> float:
    """Fraction of the puzzle's open cells where `answer` equals `truth` (module docstring)."""
    open_values = kind_of(puzzle).open_values
    got, want = open_values(puzzle, answer), open_values(puzzle, truth)
    if not want:
        return 1.0
    return sum(a == b for a, b in zip(got, want)) / len(want)


def answer_of(puzzle: Puzzle, attempt: Attempt) -> Solution | None:
    """The state an attempt ends in: its solution, else the best state in its stats."""
    if attempt.solution is not None:
        return attempt.solution
    best = attempt.stats.get("best")
    return None if best is None else kind_of(puzzle).solution_from_json(puzzle, best)


def score(dataset: str, index: int, record: Record, energy: str, outcome: Outcome,
          ref: Counted | None = None) -> Row:
    """The row of one answered puzzle; `ref`: its reference count (None: not counted, or
    its givens clash)."""
    stats = outcome.attempt.stats
    truth = record.expected if record.expected is not None else (ref.solution if ref else None)
    answer = answer_of(record.puzzle, outcome.attempt)
    described = describe(record.puzzle)
    return Row(
        dataset=dataset, index=index, source=record.source, energy=energy,
        kind=record.puzzle.kind, size=described.size,
        stated=described.count, difficulty=ref.conflicts if ref else None,
        verified=outcome.verified, seconds=outcome.attempt.seconds,
        sweeps=stats.get("sweeps"), conflicts=stats.get("conflicts"),
        lowest_energy=stats.get("energy"),
        cell_accuracy=None if truth is None else
        0.0 if answer is None else cell_accuracy(record.puzzle, answer, truth),
        matches_expected=None if record.expected is None else outcome.solution == record.expected,
        error=outcome.error, device=stats.get("device"), site_updates=stats.get("site_updates"),
        solution=outcome.solution.to_json() if outcome.solution is not None else None)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100) by linear interpolation between the closest ranks
    (numpy's default); None for no values."""
    return float(np.percentile(values, q)) if len(values) else None


def _median(values) -> float | None:
    return float(statistics.median(values)) if values else None


@dataclass(frozen=True)
class Summary:
    """One (dataset, solver) line of a bench or report table."""

    dataset: str
    energy: str  # the solver's label (see Row)
    puzzles: int
    solved: int  # verified by the exact verifier
    solved_pct: float
    cell_accuracy_pct: float | None  # mean over the puzzles that have a truth
    median_s: float | None  # per-puzzle solver seconds, all puzzles
    p90_s: float | None
    wall_s: float  # report: summed chunk wall time (with Ray: worker time); bench: the run's
    effort: str  # "sweeps" (Glauber) or "conflicts" (SAT)
    median_effort: float | None  # over the solved puzzles
    with_expected: int  # puzzles whose file gives the solution
    agreement_pct: float | None  # of those, verified and equal to it
    max_s: float | None = None  # slowest puzzle
    updates_per_second: float | None = None  # Glauber site updates per wall second

    def as_bench_dict(self) -> dict:
        """`glauber bench --json`'s object."""
        def ms(s):
            return None if s is None else s * 1000

        return {"dataset": self.dataset, "solver": self.energy, "puzzles": self.puzzles,
                "solved": self.solved, "wall_seconds": self.wall_s,
                "median_ms": ms(self.median_s), "p90_ms": ms(self.p90_s),
                "max_ms": ms(self.max_s), "effort": self.effort,
                "median_effort": self.median_effort,
                "updates_per_second": self.updates_per_second,
                "solved_pct": round(self.solved_pct, 2)}


def summarize(rows: Sequence[Row], walls: dict[tuple[str, str], float],
              datasets: Sequence[str], energies: Sequence[str]) -> list[Summary]:
    """One Summary per dataset and solver label, in the given orders; `walls[dataset,
    energy]`: the wall seconds spent on that pair."""
    groups: dict[tuple[str, str], list[Row]] = {(d, e): [] for d in datasets for e in energies}
    for row in rows:
        groups[row.dataset, row.energy].append(row)
    out = []
    for (dataset, energy), group in groups.items():
        solved = [r for r in group if r.verified]
        seconds = [r.seconds for r in group]
        effort = "sweeps" if any(r.sweeps is not None for r in group) else "conflicts"
        acc = [r.cell_accuracy for r in group if r.cell_accuracy is not None]
        agree = [r.matches_expected for r in group if r.matches_expected is not None]
        wall = walls.get((dataset, energy), 0.0)
        updates = sum(r.site_updates or 0 for r in group)
        out.append(Summary(
            dataset=dataset, energy=energy, puzzles=len(group), solved=len(solved),
            solved_pct=100.0 * len(solved) / len(group) if group else 0.0,
            cell_accuracy_pct=100.0 * statistics.fmean(acc) if acc else None,
            median_s=_median(seconds), p90_s=percentile(seconds, 90),
            wall_s=wall, effort=effort,
            median_effort=_median([getattr(r, effort) for r in solved
                                   if getattr(r, effort) is not None]),
            with_expected=len(agree),
            agreement_pct=100.0 * sum(agree) / len(agree) if agree else None,
            max_s=max(seconds, default=None),
            updates_per_second=updates / wall if updates and wall else None))
    return out


def _cell(value, fmt="{:.1f}", scale=1.0) -> str:
    return "-" if value is None else fmt.format(value * scale)


def _effort(s: Summary) -> str:
    if s.median_effort is None:
        return "-"
    return f"{s.median_effort:g} {s.effort[:-1] if s.median_effort == 1 else s.effort}"


Column = tuple[str, Callable[[Summary], str]]  # header, cell

BENCH_COLUMNS: tuple[Column, ...] = (
    ("dataset", lambda s: s.dataset), ("solver", lambda s: s.energy),
    ("puzzles", lambda s: str(s.puzzles)), ("solved", lambda s: str(s.solved)),
    ("solved %", lambda s: f"{s.solved_pct:.1f}"), ("wall s", lambda s: f"{s.wall_s:.1f}"),
    ("median ms", lambda s: _cell(s.median_s, scale=1000)),
    ("p90 ms", lambda s: _cell(s.p90_s, scale=1000)),
    ("max ms", lambda s: _cell(s.max_s, scale=1000)),
    ("median effort", _effort),
    ("site-updates/s", lambda s: _cell(s.updates_per_second, "{:.2f} M", 1e-6)),
)
REPORT_COLUMNS: tuple[Column, ...] = (
    ("dataset", lambda s: s.dataset), ("energy", lambda s: s.energy),
    ("puzzles", lambda s: str(s.puzzles)), ("solved %", lambda s: f"{s.solved_pct:.1f}"),
    ("cell accuracy %", lambda s: _cell(s.cell_accuracy_pct)),
    ("median s", lambda s: _cell(s.median_s, "{:.3f}")),
    ("p90 s", lambda s: _cell(s.p90_s, "{:.3f}")), ("wall s", lambda s: f"{s.wall_s:.1f}"),
    ("median effort", _effort),
    ("agrees with expected", lambda s: "-" if s.agreement_pct is None
     else f"{s.agreement_pct:.1f}% of {s.with_expected}"),
)


def format_table(summaries: Sequence[Summary], columns: Sequence[Column] = REPORT_COLUMNS) -> str:
    """A Markdown table of summaries, one line each, with `columns`."""
    lines = ["| " + " | ".join(h for h, _ in columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(s) for _, cell in columns) + " |" for s in summaries]
    return "\n".join(lines)


class Stopwatch:
    """`with Stopwatch() as w: ...` then `w.seconds`."""

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


def difficulty_bucket(row: Row) -> tuple[int, str] | None:
    """(sort key, label) of the row's difficulty band (`puzzles.kinds.Kind.difficulty_band`:
    reference conflicts for Sudoku, the size for Zebra); None when there is none (a
    Sudoku whose givens clash)."""
    return KINDS[row.kind].difficulty_band(row.size, row.difficulty)
