"""One solve signature for every solver, and the harness that runs and verifies them.

A solver is anything with `name` and `solve(puzzle) -> Attempt` (`Solver`); batch
solvers (the Glauber sampler) also offer `solve_many(puzzles, observer) -> list[Attempt]`
(`BatchSolver`), reporting to one `solver.observers.Observer`. An Attempt is the
solver's claim, unverified. `solve` (one puzzle) and `solve_all` (a list, in order) pass
every answer through the puzzle's exact verifier and return `Outcome`s, so nothing
unverified is ever reported as solved; `solve_stream` does the same
for any number of puzzles, read a window at a time, each answer handed on as soon as it
is ready. `ReferenceSolver` is the exact SAT solver behind that signature.
"""

from __future__ import annotations

import hashlib
import itertools
import time
from dataclasses import dataclass, field
from typing import Callable, Generic, Iterable, Protocol, Sequence, TypeVar, runtime_checkable

from puzzles.base import Attempt, Puzzle, Solution
from puzzles.kinds import count, describe, kind_of
from solver.observers import Observer, Relay


def clash(puzzle: Puzzle) -> str | None:
    """Why the puzzle contradicts itself on its face (two equal givens in a unit, a clue
    that can never hold, ...), or None. Such puzzles are never sent to a solver."""
    found = puzzle.conflicts()
    return None if found is None else f"conflicting {describe(puzzle).stated}: {found}"


@runtime_checkable
class Solver(Protocol):
    """One solve signature for every solver: an unverified attempt per puzzle."""

    @property
    def name(self) -> str: ...  # read-only: a frozen dataclass's field will do

    def solve(self, puzzle: Puzzle) -> Attempt: ...


@runtime_checkable
class Preflighted(Protocol):
    """A solver that can check, before any answer is written, that it can start on the
    given puzzles (e.g. that a language model exists for their board)."""

    def preflight(self, puzzles: Sequence[Puzzle]) -> None:
        """ConfigError when it cannot start on one of `puzzles`."""


@runtime_checkable
class Seeded(Protocol):
    """A solver whose random draws follow `seed` (the harness derives one per window or
    chunk, so answers do not depend on how work was cut)."""

    seed: int


@runtime_checkable
class BatchSolver(Protocol):
    """A solver that answers many puzzles at once, telling `observer` (finished counts,
    each attempt as it is ready, sweep energies and status) as it goes."""

    name: str
    batched: bool  # do the puzzles of one call share work and random draws (annealed side
    # by side)? False: each is answered alone, in turn, so a harness may call it per puzzle

    def solve_many(self, puzzles: Sequence[Puzzle], observer: Observer | None = None
                   ) -> list[Attempt]: ...


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


def interruption(error: BaseException) -> bool:
    """Is this the user's Ctrl-C? A KeyboardInterrupt, or the error PySAT's solvers raise
    when SIGINT arrives inside a SAT call (`pysolvers.error: Caught keyboard interrupt`)."""
    return isinstance(error, KeyboardInterrupt) or (
        type(error).__module__ == "pysolvers" and "interrupt" in str(error).lower())


def solve_all(solver: Solver | BatchSolver, puzzles: Sequence[Puzzle],
              observer: Observer | None = None, ordered: bool = True) -> list[Outcome]:
    """Solve and verify `puzzles` in order. Puzzles that `clash` are not sent to the
    solver: they get an Outcome with that error. The observer (`solver.observers.Observer`;
    `Hooks` for plain functions) hears `finished(k)` as k more are done and
    `outcome(i, outcome)` in input order, as soon as puzzle i and every puzzle before it
    are answered (so a caller can write answers as they are ready), or, with
    `ordered=False`, as soon as puzzle i is answered; from a batch solver also its
    `status` (progress within a long batch), `sweep` (every chain's energy, e.g.
    `solver.traces.EnergyTrace`) and `result` (the unverified attempt). Indices are
    positions in `puzzles`.
    """
    observer = observer or Observer()
    outcomes: list[Outcome | None] = [None] * len(puzzles)
    sequencer: Sequencer[None] = Sequencer(lambda i, _, outcome: observer.outcome(i, outcome),
                                           ordered)

    def settle(i: int, outcome: Outcome) -> None:
        outcomes[i] = outcome
        sequencer.settle(i, None, outcome)

    todo = []
    for i, puzzle in enumerate(puzzles):
        why = clash(puzzle)
        if why is not None:
            settle(i, Outcome(Attempt(None, 0.0), False, why))
            observer.finished(1)
        else:
            todo.append(i)
    if isinstance(solver, BatchSolver):
        watch = _Watch(todo, puzzles, settle, observer)
        attempts: Iterable[Attempt] = solver.solve_many([puzzles[i] for i in todo], watch)
        for i, attempt in zip(todo, attempts):
            if outcomes[i] is None:
                settle(i, judge(puzzles[i], attempt))
    else:
        for i in todo:
            attempt = solver.solve(puzzles[i])
            observer.result(i, attempt)
            settle(i, judge(puzzles[i], attempt))
            observer.finished(1)
    return outcomes  # type: ignore[return-value]


class _Watch(Relay):
    """A batch solver's reports, passed on under the caller's indices, each attempt
    verified and settled as it is ready."""

    def __init__(self, todo: list[int], puzzles: Sequence[Puzzle], settle, observer: Observer):
        super().__init__(observer, todo)
        self.puzzles, self.settle = puzzles, settle

    def result(self, index: int, attempt: Attempt) -> None:
        i = self.index[index]
        self.inner.result(i, attempt)  # the attempt first, then its verified outcome
        self.settle(i, judge(self.puzzles[i], attempt))


def solve(solver: Solver, puzzle: Puzzle) -> Outcome:
    """Solve one puzzle and verify the answer: `solve_all(solver, [puzzle])[0]`. The
    outcome's `verified` (and `solution`, None unless verified) is the exact verifier's
    word; `solver.solve(puzzle)` alone returns an unverified Attempt."""
    return solve_all(solver, [puzzle])[0]


T = TypeVar("T")

WINDOW = 512  # `solve_stream`: puzzles read ahead and solved in one call (a batch's worth
# of the Glauber solver's annealing; the constructive search takes them one at a time)


def derived_seed(seed: int, *parts) -> int:
    """A seed for one part of a run (a report chunk, a window of puzzles, one puzzle): a
    hash, so that neighbouring seeds and parts draw unrelated streams (seed + k would make
    seed 1 part 0 = seed 0 part 1)."""
    digest = hashlib.sha256(":".join(map(str, (seed, *parts))).encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1  # 63 bits: every torch.Generator takes it


def window_seed(seed: int, k: int) -> int:
    """The solver seed of window k of `solve_stream`: the seed itself for the first (so a
    file of up to `WINDOW` puzzles is answered as one `solve_all` call answers it)."""
    return seed if k == 0 else derived_seed(seed, "window", k)


class Sequencer(Generic[T]):
    """Hands outcomes on in input order: `settle(i, item, outcome)` for each as it is ready
    (any order); `emit(i, item, outcome)` is called once every earlier one is emitted.
    Unordered, each is emitted at once. `flush()` emits the outcomes still waiting for an
    earlier one (an interrupted run: finished work is kept, out of order)."""

    def __init__(self, emit: Callable[[int, T, Outcome], None], ordered: bool = True):
        self.emit, self.ordered = emit, ordered
        self.waiting: dict[int, tuple[T, Outcome]] = {}
        self.next = 0  # the first index not emitted yet, in order

    def settle(self, i: int, item: T, outcome: Outcome) -> None:
        if not self.ordered:
            self.emit(i, item, outcome)
            return
        self.waiting[i] = (item, outcome)
        while self.next in self.waiting:
            self.emit(self.next, *self.waiting.pop(self.next))
            self.next += 1

    def flush(self) -> None:
        for i in sorted(self.waiting):
            self.emit(i, *self.waiting.pop(i))


def solve_stream(solver: Solver | BatchSolver, items: Iterable[T], puzzle_of: Callable[[T], Puzzle],
                 on_outcome: Callable[[int, T, Outcome], None],
                 observer: Observer | None = None, ordered: bool = True,
                 window: int = WINDOW) -> None:
    """Solve and verify any number of items (records, puzzles: `puzzle_of(item)` is the
    puzzle), read lazily `window` at a time: memory is bounded by the window, not by the
    input. `on_outcome(i, item, outcome)` as soon as item i is answered and every earlier
    one is (in input order), or at once with `ordered=False`, and the observer's
    `outcome(i, outcome)` just after; the observer hears the rest as `solve_all` tells it
    (finished counts, status, sweeps, attempts; indices count items from the first). Each window is one `solve_all` call; a seeded solver's
    seed is `window_seed(seed, k)` for window k (and restored after). On Ctrl-C
    (`interruption`), the answers finished but still waiting for an earlier one are
    handed on before KeyboardInterrupt is raised."""
    if window < 1:
        raise ValueError(f"window must be at least 1, not {window}")
    observer = observer or Observer()
    seeded = solver if isinstance(solver, Seeded) else None
    seed = None if seeded is None else seeded.seed

    def emit(i: int, item: T, outcome: Outcome) -> None:
        on_outcome(i, item, outcome)
        observer.outcome(i, outcome)

    sequencer: Sequencer[T] = Sequencer(emit, ordered)
    items = iter(items)
    start = 0
    try:
        for k in itertools.count():
            chunk = list(itertools.islice(items, window))
            if not chunk:
                break
            if seeded is not None and seed is not None:
                seeded.seed = window_seed(seed, k)
            solve_all(solver, [puzzle_of(item) for item in chunk],
                      _Window(observer, start, chunk, sequencer), ordered=False)
            start += len(chunk)
    except BaseException as e:
        if not interruption(e):
            raise
        sequencer.flush()
        raise KeyboardInterrupt from None
    finally:
        if seeded is not None and seed is not None:
            seeded.seed = seed


class _Window(Relay):
    """One window of `solve_stream`: indices offset by the window's start, outcomes to
    the sequencer (with their items)."""

    def __init__(self, observer: Observer, start: int, chunk: list, sequencer: Sequencer):
        super().__init__(observer, list(range(start, start + len(chunk))))
        self.start, self.chunk, self.sequencer = start, chunk, sequencer

    def outcome(self, index: int, outcome) -> None:
        self.sequencer.settle(self.start + index, self.chunk[index], outcome)


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
