"""One solve signature for every solver, and the harness that runs and verifies them.

A solver is anything with `name` and `solve(puzzle) -> Attempt`; batch solvers (the
Glauber sampler) may also offer `solve_many(puzzles) -> list[Attempt]`. `run` answers a
list of records in order and passes every answer through the puzzle's exact verifier,
so nothing unverified is ever reported as solved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Protocol, Sequence


@dataclass(frozen=True)
class Attempt:
    """What a solver returns for one puzzle (before verification)."""

    solution: object | None  # a complete grid of the puzzle's type, or None
    seconds: float  # wall time spent on this puzzle
    error: str | None = None  # why there is no solution, when the solver knows
    stats: dict = field(default_factory=dict)  # solver statistics (sweeps, conflicts, ...)


class Solver(Protocol):
    name: str

    def solve(self, puzzle) -> Attempt: ...


@dataclass(frozen=True)
class Outcome:
    """An attempt after the exact verifier has judged it."""

    attempt: Attempt
    verified: bool  # the solution passed the puzzle's verifier
    error: str | None  # None exactly when verified

    @property
    def solution(self):
        return self.attempt.solution if self.verified else None


def judge(puzzle, attempt: Attempt) -> Outcome:
    """Verify an attempt: a solution counts only if `puzzle.explain(solution)` is None."""
    if attempt.solution is None:
        return Outcome(attempt, False, attempt.error or "no solution found")
    why = puzzle.explain(attempt.solution)
    if why is not None:
        return Outcome(attempt, False, f"solver answer rejected by the verifier: {why}")
    return Outcome(attempt, True, None)


def solve_all(solver: Solver, puzzles: Sequence, progress: Callable[[int], None] | None = None
              ) -> list[Outcome]:
    """Solve and verify `puzzles` in order. Puzzles whose givens clash are not sent to the
    solver: they get an Outcome with that error. `progress(k)` is called as k more are done.
    """
    outcomes: list[Outcome | None] = [None] * len(puzzles)
    todo = []
    for i, puzzle in enumerate(puzzles):
        clash = puzzle.conflicts()
        if clash is not None:
            outcomes[i] = Outcome(Attempt(None, 0.0), False, f"conflicting givens: {clash}")
            if progress:
                progress(1)
        else:
            todo.append(i)
    batch = getattr(solver, "solve_many", None)
    if batch is not None:
        attempts: Iterable[Attempt] = batch([puzzles[i] for i in todo], progress=progress)
        for i, attempt in zip(todo, attempts):
            outcomes[i] = judge(puzzles[i], attempt)
    else:
        for i in todo:
            outcomes[i] = judge(puzzles[i], solver.solve(puzzles[i]))
            if progress:
                progress(1)
    return outcomes  # type: ignore[return-value]

