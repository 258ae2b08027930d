"""Benchmark any solver on puzzle files: solved %, time per puzzle, search effort.

One harness for every solver (tdoku style): it only calls
`harness.solving.solve_all`, so the reference and the Glauber solver are measured
and verified the same way, and scores and summarizes with `harness.scoring`,
like the report.
"""

from __future__ import annotations

from typing import Callable, Sequence

from puzzles.formats import PuzzleFile, held_records
from harness import scoring
from harness.scoring import BENCH_COLUMNS, Stopwatch, Summary, score, summarize
from harness.solving import Solver, solve_all
from solver.observers import Hooks


def bench_label(solver: str, energy: str) -> str:
    """A table row's solver name: the Glauber solver's energy is named unless it is the
    penalty."""
    return solver if solver != "glauber" or energy == "penalty" else f"glauber {energy}"


def bench_file(solver: Solver, label: str, pfile: PuzzleFile, limit: int | None = None,
               progress: Callable[[int], None] | None = None) -> Summary:
    """Solve and verify the first `limit` puzzles of a file (all when None), timed; the
    file's path is the dataset name."""
    records = held_records(pfile)[:limit]
    with Stopwatch() as watch:
        outcomes = solve_all(solver, [r.puzzle for r in records], Hooks(finished=progress))
    rows = [score(pfile.path, i, r, label, o) for i, (r, o) in enumerate(zip(records, outcomes))]
    return summarize(rows, {(pfile.path, label): watch.seconds}, [pfile.path], [label])[0]


def format_table(summaries: Sequence[Summary]) -> str:
    """The benchmark's Markdown table."""
    return scoring.format_table(summaries, BENCH_COLUMNS)
