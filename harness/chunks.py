"""Report chunks: consecutive puzzles of one dataset, their seeds, and the runner that
solves a chunk under every energy (`harness.report` in one process, `harness.distributed`
on Ray workers).

A solver that takes puzzles one at a time (the exact solver, the Glauber solver's
constructive search) solves each puzzle in its own call, seeded with
`puzzle_seed(seed, index)`; a batching solver (annealing, puzzles side by side) solves a
chunk in one call, seeded with `chunk_seed(seed, k)`: a puzzle's result depends on the
seed, its index or chunk and the settings only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Callable, Collection, Sequence

from puzzles.errors import ConfigError
from puzzles.formats import Record
from puzzles.kinds import count
from harness.scoring import Row, score
from harness.solving import BatchSolver, Seeded, Solver, clash, derived_seed, solve_all
from solver.observers import Hooks


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
    """The solver seed of chunk `number` (batching solvers): a hash, so that neighbouring
    seeds and chunks draw unrelated streams (seed + number would make seed 1 chunk 0 =
    seed 0 chunk 1)."""
    return derived_seed(seed, number)


def puzzle_seed(seed: int, index: int) -> int:
    """The solver seed of the dataset's puzzle `index` (solvers that take puzzles one at a
    time)."""
    return derived_seed(seed, "puzzle", index)


def one_at_a_time(solver: Solver | BatchSolver) -> bool:
    """Does the solver take puzzles one at a time (no `solve_many`, or one whose puzzles
    share nothing: the Glauber solver's constructive search), so that each puzzle gets its
    own call and seed?"""
    return not (isinstance(solver, BatchSolver) and solver.batched)


@dataclass(frozen=True)
class ChunkResult:
    dataset: str
    rows: list[Row]  # the rows this run made (not those it was told were done)
    walls: dict[str, float]  # energy -> wall seconds spent on the chunk


Done = Collection[tuple[str, int]]  # (energy, dataset index) pairs already in results.jsonl


class ChunkRunner:
    """Solves chunks under every energy. The solvers are built once, up front (bad
    settings fail before any work; an LM loads once per process), and reseeded for every
    call."""

    def __init__(self, energies: Sequence[str], factory: Callable[[str], Solver], seed: int):
        self.energies, self.factory, self.seed = list(energies), factory, seed
        self.solvers = {energy: factory(energy) for energy in energies}

    def todo(self, chunk: Chunk, done: Done = ()) -> dict[str, list[int]]:
        """Per energy, the chunk positions still to answer."""
        return {energy: [j for j in range(len(chunk.records))
                         if (energy, chunk.start + j) not in done] for energy in self.energies}

    def work(self, chunk: Chunk, done: Done = ()) -> int:
        """How many puzzle solves `run` makes (its progress steps): a batching solver solves
        the whole chunk again when any of it is left."""
        return sum(len(todo) if one_at_a_time(self.solvers[energy]) else
                   len(chunk.records) if todo else 0
                   for energy, todo in self.todo(chunk, done).items())

    def run(self, chunk: Chunk, progress: Callable[[int], None] | None = None,
            done: Done = (), on_row: Callable[[Row], None] | None = None) -> ChunkResult:
        """Solve the chunk's puzzles not in `done` under every energy; `on_row(row)` as
        each is scored (in the order they finish)."""
        records = chunk.records
        todo = self.todo(chunk, done)
        needed = sorted({j for js in todo.values() for j in js})
        references = {j: None if clash(records[j].puzzle) else count(records[j].puzzle)
                      for j in needed}
        rows: list[Row] = []
        walls: dict[str, float] = {}
        for energy, solver in self.solvers.items():
            if not todo[energy]:
                continue
            clock = [time.perf_counter()]

            def scored(j: int, outcome, energy=energy) -> None:
                now = time.perf_counter()
                row = replace(score(chunk.dataset, chunk.start + j, records[j], energy,
                                    outcome, references[j]), wall_s=now - clock[0])
                clock[0] = now
                rows.append(row)
                walls[energy] = walls.get(energy, 0.0) + row.wall_s
                if on_row is not None:
                    on_row(row)

            try:
                if one_at_a_time(solver):
                    for j in todo[energy]:
                        if isinstance(solver, Seeded):  # the exact solver draws nothing
                            solver.seed = puzzle_seed(self.seed, chunk.start + j)
                        # solve_all reports the outcome before it returns: j is this one
                        solve_all(solver, [records[j].puzzle],
                                  Hooks(finished=progress,
                                        outcome=lambda _, outcome: scored(j, outcome)))
                else:
                    if isinstance(solver, Seeded):
                        solver.seed = chunk_seed(self.seed, chunk.number)
                    wanted = set(todo[energy])
                    solve_all(solver, [r.puzzle for r in records],
                              Hooks(finished=progress, outcome=lambda j, outcome:
                                    scored(j, outcome) if j in wanted else None),
                              ordered=False)
            except ConfigError as e:  # e.g. an LM energy without a model for this board
                raise e.within(f"energy {energy} is not available for {chunk.dataset}: "
                               ) from None
        return ChunkResult(chunk.dataset, rows, walls)


def done_in(chunk: Chunk, done: Done) -> frozenset[tuple[str, int]]:
    """The (energy, index) pairs of `done` that fall in the chunk (what a worker needs)."""
    indices = range(chunk.start, chunk.start + len(chunk.records))
    return frozenset((e, i) for e, i in done if i in indices)
