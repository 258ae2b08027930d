"""One solve signature for every solver, and the harness that runs and verifies them.

A solver is anything with `name` and `solve(puzzle) -> Attempt`; batch solvers (the
Glauber sampler) may also offer `solve_many(puzzles) -> list[Attempt]`. `solve_all`
answers a list of puzzles in order and passes every answer through the puzzle's exact
verifier, so nothing unverified is ever reported as solved. `ReferenceSolver` is the
exact SAT solver behind that signature.
"""

from __future__ import annotations

import inspect
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Protocol, Sequence

from puzzles.base import Attempt, Puzzle, Solution
from puzzles.kinds import count, describe, kind_of


def clash(puzzle: Puzzle) -> str | None:
    """Why the puzzle contradicts itself on its face (two equal givens in a unit, a clue
    that can never hold, ...), or None. Such puzzles are never sent to a solver."""
    found = puzzle.conflicts()
    return None if found is None else f"conflicting {describe(puzzle).stated}: {found}"


class Solver(Protocol):
    name: str

    def solve(self, puzzle: Puzzle) -> Attempt: ...


@dataclass(frozen=True)
class Outcome:
    """An attempt after the exact verifier has judged it."""

    attempt: Attempt
    verified: bool  # the solution passed the puzzle's verifier
    error: str | None  # None exactly when verified
    verdicts: dict = field(default_factory=dict)  # kinds with a question (Zebra), once
    # verified: solution_verdict (unique|many), answer_verdict (unique|several), answers

    @property
    def solution(self) -> Solution | None:
        return self.attempt.solution if self.verified else None

    @property
    def answered(self) -> bool:
        """Verified, and no other solution contradicts its answer to the question."""
        return self.verified and self.verdicts.get("answer_verdict") != "several"

    @property
    def unique(self) -> bool | None:
        """Is the verified solution the puzzle's only one? None when not verified."""
        if not self.verified:
            return None
        return self.verdicts.get("solution_verdict", "unique") == "unique"

    @property
    def why(self) -> str | None:
        """Why the puzzle is not answered (None when it is)."""
        if self.answered:
            return None
        if self.verified:
            houses = ", ".join(map(str, self.verdicts.get("answers", [])))
            return f"the question has several answers (houses {houses}): solutions disagree"
        return self.error


def judge(puzzle: Puzzle, attempt: Attempt) -> Outcome:
    """Verify an attempt: a solution counts only if `puzzle.explain(solution)` is None."""
    if attempt.solution is None:
        return Outcome(attempt, False, attempt.error or "no solution found")
    why = puzzle.explain(attempt.solution)
    if why is not None:
        return Outcome(attempt, False, f"solver answer rejected by the verifier: {why}")
    verdicts = kind_of(puzzle).verdicts
    return Outcome(attempt, True, None,
                   verdicts(puzzle, attempt.solution) if verdicts is not None else {})


def solve_all(solver: Solver, puzzles: Sequence[Puzzle],
              progress: Callable[[int], None] | None = None,
              on_outcome: Callable[[int, Outcome], None] | None = None,
              on_sweep: Callable[[int, float], None] | None = None) -> list[Outcome]:
    """Solve and verify `puzzles` in order. Puzzles that `clash` are not sent to the
    solver: they get an Outcome with that error. `progress(k)` is called as k more are done.
    `on_outcome(i, outcome)` is called in input order, as soon as puzzle i and every
    puzzle before it are answered (so a caller can write answers as they are ready).
    Batch solvers report each answer as it is ready when their `solve_many` takes an
    `on_attempt(i, attempt)` callback, and progress within a long batch (`on_sweep(sweep,
    lowest energy)`) when it takes `on_sweep`.
    """
    outcomes: list[Outcome | None] = [None] * len(puzzles)
    emitted = 0

    def settle(i: int, outcome: Outcome) -> None:
        nonlocal emitted
        outcomes[i] = outcome
        while emitted < len(outcomes) and outcomes[emitted] is not None:
            if on_outcome:
                on_outcome(emitted, outcomes[emitted])
            emitted += 1

    todo = []
    for i, puzzle in enumerate(puzzles):
        why = clash(puzzle)
        if why is not None:
            settle(i, Outcome(Attempt(None, 0.0), False, why))
            if progress:
                progress(1)
        else:
            todo.append(i)
    batch = getattr(solver, "solve_many", None)
    if batch is not None:
        todo_puzzles = [puzzles[i] for i in todo]
        accepts = inspect.signature(batch).parameters
        extra: dict = {}
        if "on_attempt" in accepts:
            def ready(j: int, attempt: Attempt) -> None:
                settle(todo[j], judge(puzzles[todo[j]], attempt))
            extra["on_attempt"] = ready
        if on_sweep is not None and "on_sweep" in accepts:
            extra["on_sweep"] = on_sweep
        attempts: Iterable[Attempt] = batch(todo_puzzles, progress=progress, **extra)
        for i, attempt in zip(todo, attempts):
            if outcomes[i] is None:
                settle(i, judge(puzzles[i], attempt))
    else:
        for i in todo:
            settle(i, judge(puzzles[i], solver.solve(puzzles[i])))
            if progress:
                progress(1)
    return outcomes  # type: ignore[return-value]


@dataclass(frozen=True)
class ReferenceSolver:
    """The exact SAT solver (`puzzles.kinds.count`) behind the common solve signature, for
    every puzzle kind."""

    name: str = "reference"

    def solve(self, puzzle: Puzzle) -> Attempt:
        start = time.perf_counter()
        counted = count(puzzle, limit=2)
        stats = {"verdict": counted.verdict, "conflicts": counted.conflicts,
                 "decisions": counted.decisions}
        seconds = time.perf_counter() - start
        if counted.verdict == "none":
            why = f"no solution ({describe(puzzle).stated} are contradictory)"
            return Attempt(None, seconds, why, stats)
        return Attempt(counted.solution, seconds, None, stats)
