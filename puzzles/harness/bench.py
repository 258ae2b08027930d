"""Benchmark any solver on puzzle files: solved %, time per puzzle, search effort.

One harness for every solver (tdoku style): it only calls `puzzles.solving.solve_all`,
so the reference and the Glauber solver are measured and verified the same way.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from puzzles.harness.solving import Outcome


@dataclass(frozen=True)
class BenchRow:
    """One (dataset, solver) line of a benchmark table."""

    dataset: str
    solver: str
    puzzles: int
    solved: int  # verified by the exact verifier
    wall_seconds: float  # whole run, batching included
    median_ms: float  # per-puzzle solver time
    p90_ms: float
    max_ms: float
    effort: str  # name of the effort statistic: "sweeps" (Glauber) or "conflicts" (SAT)
    median_effort: float | None  # median over solved puzzles
    updates_per_second: float | None  # site updates / wall second (Glauber only)

    @property
    def solved_pct(self) -> float:
        return 100.0 * self.solved / self.puzzles if self.puzzles else 0.0

    def as_dict(self) -> dict:
        return {**self.__dict__, "solved_pct": round(self.solved_pct, 2)}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def summarize(dataset: str, solver: str, outcomes: list[Outcome], wall: float) -> BenchRow:
    ms = [o.attempt.seconds * 1000 for o in outcomes]
    stats = [o.attempt.stats for o in outcomes]
    effort = "sweeps" if any("sweeps" in s for s in stats) else "conflicts"
    solved_effort = [s[effort] for s, o in zip(stats, outcomes) if o.verified and effort in s]
    updates = sum(s.get("site_updates", 0) for s in stats)
    return BenchRow(
        dataset, solver, len(outcomes), sum(o.verified for o in outcomes), wall,
        statistics.median(ms) if ms else 0.0, _percentile(ms, 0.9), max(ms, default=0.0), effort,
        statistics.median(solved_effort) if solved_effort else None,
        updates / wall if updates and wall else None)


def format_table(rows: list[BenchRow]) -> str:
    """A Markdown table of benchmark rows."""
    head = ("| dataset | solver | puzzles | solved | solved % | wall s | median ms | p90 ms "
            "| max ms | median effort | site-updates/s |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        effort = "-" if r.median_effort is None else f"{r.median_effort:g} {r.effort}"
        rate = "-" if r.updates_per_second is None else f"{r.updates_per_second / 1e6:.2f} M"
        lines.append(f"| {r.dataset} | {r.solver} | {r.puzzles} | {r.solved} | {r.solved_pct:.1f} "
                     f"| {r.wall_seconds:.1f} | {r.median_ms:.1f} | {r.p90_ms:.1f} | {r.max_ms:.1f} "
                     f"| {effort} | {rate} |")
    return "\n".join(lines)


class Stopwatch:
    """`with Stopwatch() as w: ...` then `w.seconds`."""

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
