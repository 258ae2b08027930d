"""Unique-solution Sudoku generation for any box shape, deterministic for a seed.

A solved grid comes from the SAT solver (random diagonal boxes completed), shuffled by a
random validity-preserving `Symmetry`; then givens are removed in a random order while
the solution stays unique. Removing cell i keeps a unique puzzle unique exactly when no
grid agrees with the remaining givens and differs from the solution at i, which is one
incremental SAT call with assumptions only, so the solver's learned clauses carry over.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Callable, Sequence

from pysat.solvers import Solver

from puzzles.base import SAT_SOLVER, Generated, plural
from puzzles.errors import PuzzleError
from puzzles.sudoku.model import Sudoku, as_box, box_label
from puzzles.sudoku.reference import _formula, count_solutions


def canonical_grid(box: tuple[int, int]) -> Sudoku:
    """The pattern solution (r, c) -> (cols*(r % rows) + r // rows + c) % n + 1."""
    br, bc = box
    n = br * bc
    return Sudoku((br, bc), tuple((bc * (r % br) + r // br + c) % n + 1
                                  for r in range(n) for c in range(n)))


@dataclass(frozen=True)
class Symmetry:
    """A validity-preserving transformation of a grid of one box shape.

    Every field is a permutation; the identity permutations leave a grid unchanged.
    """

    relabel: tuple[int, ...]  # value v becomes relabel[v - 1] + 1
    bands: tuple[int, ...]  # new band b is old band bands[b]
    rows: tuple[tuple[int, ...], ...]  # within new band b, new row i is old row rows[b][i]
    stacks: tuple[int, ...]  # likewise for stacks of columns
    cols: tuple[tuple[int, ...], ...]
    transpose: bool = False  # only for square boxes

    def apply(self, grid: Sudoku) -> Sudoku:
        br, bc = grid.box
        n = grid.n
        row_of = [self.bands[r // br] * br + self.rows[r // br][r % br] for r in range(n)]
        col_of = [self.stacks[c // bc] * bc + self.cols[c // bc][c % bc] for c in range(n)]
        cells = [0] * (n * n)
        for r in range(n):
            for c in range(n):
                v = grid.cells[row_of[r] * n + col_of[c]]
                cells[(c * n + r) if self.transpose else (r * n + c)] = self.relabel[v - 1] + 1 if v else 0
        return grid.with_cells(cells)


def random_symmetry(box: tuple[int, int], rng: random.Random) -> Symmetry:
    br, bc = box
    n = br * bc

    def perm(k):
        p = list(range(k))
        rng.shuffle(p)
        return tuple(p)

    return Symmetry(perm(n), perm(n // br), tuple(perm(br) for _ in range(n // br)),
                    perm(n // bc), tuple(perm(bc) for _ in range(n // bc)),
                    br == bc and rng.random() < 0.5)


EXACT_UP_TO = 16  # boards up to 16x16 are reduced to truly minimal puzzles
REMOVAL_BUDGET = 30  # larger boards: SAT conflicts allowed to prove one removal unique


class SudokuGenerator:
    """Generates unique puzzles of one box shape; `seed` fixes the whole sequence.

    Givens are removed one by one while an incremental SAT call (the other givens as
    assumptions) proves the puzzle still unique. On boards up to 16x16 every proof runs
    to the end, so "minimal" puzzles are minimal. Past that (25x25), a proof that needs
    more than `conflict_budget` conflicts is abandoned and the given kept: the puzzle is
    still unique (every removal was proven) and near-minimal, and a 25x25 takes seconds
    instead of hours (some proofs near the minimum take minutes each)."""

    def __init__(self, box: tuple[int, int], seed: int = 0, conflict_budget: int | None = -1):
        self.box = as_box(box)
        self.n = box[0] * box[1]
        self.rng = random.Random(seed)
        # -1: the default for the board (exact up to EXACT_UP_TO); None: always exact
        self.conflict_budget = ((None if self.n <= EXACT_UP_TO else REMOVAL_BUDGET)
                                if conflict_budget == -1 else conflict_budget)
        empty = Sudoku(self.box, (0,) * (self.n * self.n))
        clauses, self.var = _formula(empty, [(1 << self.n) - 1] * (self.n * self.n))
        self.sat = Solver(name=SAT_SOLVER, bootstrap_with=clauses)

    def close(self):
        self.sat.delete()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def solved_grid(self) -> Sudoku:
        """A random complete grid: random diagonal boxes, completed by SAT, then shuffled."""
        br, bc = self.box
        n = self.n
        while True:  # diagonal boxes share no unit; on small boards they may not complete
            assumptions = []
            for b in range(min(n // br, n // bc)):
                values = list(range(1, n + 1))
                self.rng.shuffle(values)
                cells = [(b * br + i) * n + b * bc + j for i in range(br) for j in range(bc)]
                assumptions += [self.var[c, v] for c, v in zip(cells, values)]
            if self.sat.solve(assumptions=assumptions):
                break
        model = self.sat.get_model()
        cells = [0] * (n * n)
        for (i, v), x in self.var.items():
            if model[x - 1] > 0:
                cells[i] = v
        grid = Sudoku(self.box, tuple(cells))
        return random_symmetry(self.box, self.rng).apply(grid)

    def reduce(self, solution: Sudoku, givens: int, minimal: bool,
               progress: Callable[[int, int], None] | None = None) -> Sudoku:
        """Remove givens of `solution` in random order while the puzzle stays unique, down
        to `givens` (or further, to a minimal puzzle, when `minimal`). progress(cells
        tried, givens left) after each cell."""
        n = self.n
        keep = set(range(n * n))
        order = list(keep)
        self.rng.shuffle(order)
        for tried, i in enumerate(order, 1):
            if len(keep) <= givens and not minimal:
                break
            others = [self.var[c, solution.cells[c]] for c in keep if c != i]
            if self._unique_without(others + [-self.var[i, solution.cells[i]]]):
                keep.discard(i)  # no other grid fits the rest: still unique
            if progress:
                progress(tried, len(keep))
        return solution.with_cells(v if i in keep else 0 for i, v in enumerate(solution.cells))

    def _unique_without(self, assumptions: list[int]) -> bool:
        """Is there provably no grid with these assumptions (the other givens, and another
        value at the removed cell)? Within the conflict budget, if any; an abandoned proof
        counts as "not proven" (the given stays)."""
        if self.conflict_budget is None:
            return not self.sat.solve(assumptions=assumptions)
        self.sat.conf_budget(self.conflict_budget)
        return self.sat.solve_limited(assumptions=assumptions) is False

    def random_deletion(self, givens: int) -> Generated[Sudoku, Sudoku]:
        """A solved grid with all but `givens` cells blanked uniformly at random, uniqueness
        unchecked: the random-deletion instances of the Sudoku completion literature (near
        43% filled on 25x25 lies the hard band). `solution` is the grid it came from, one of
        possibly many; the difficulty figures are the SAT counter's (stops at a second
        solution)."""
        solution = self.solved_grid()
        keep = set(self.rng.sample(range(self.n * self.n), min(givens, self.n * self.n)))
        puzzle = solution.with_cells(v if i in keep else 0 for i, v in enumerate(solution.cells))
        counted = count_solutions(puzzle)
        return Generated(puzzle, solution, counted.conflicts, counted.decisions)

    def generate(self, givens: int | None = None, minimal: bool = False,
                 attempts: int = 50, progress: Callable[[int, int], None] | None = None
                 ) -> Generated[Sudoku, Sudoku]:
        """One unique puzzle with at most `givens` givens (None: a minimal puzzle).
        progress(cells tried, givens left) as givens are removed (`reduce`)."""
        target = 0 if givens is None else givens
        for _ in range(attempts):
            solution = self.solved_grid()
            puzzle = self.reduce(solution, target, minimal or givens is None, progress)
            if puzzle.givens <= target or givens is None:
                counted = count_solutions(puzzle)
                assert counted.verdict == "unique" and counted.solution == solution
                return Generated(puzzle, solution, counted.conflicts, counted.decisions)
        if givens is None:  # the first attempt makes one: only `attempts` < 1 comes here
            raise PuzzleError(f"no minimal {n_label(self.box)} puzzle in {attempts} attempts")
        raise PuzzleError(f"no unique {n_label(self.box)} puzzle with at most {plural(givens, 'given')} "
                          f"in {attempts} attempts; ask for more givens")


def n_label(box: tuple[int, int]) -> str:
    n = box[0] * box[1]
    return f"{n}x{n} (box {box[0]}x{box[1]})"


OUTPUT_FORMATS = ("lines", "csv", "jsonl")  # what `format_generated` writes


def format_generated(rows: Sequence[Generated[Sudoku, Sudoku]], fmt: str) -> str:
    """Generated puzzles as text: `lines` one puzzle per line; `csv` puzzle, solution,
    givens and the difficulty figures; `jsonl` objects with the box as well."""
    if fmt == "lines":
        return "".join(f"{g.puzzle.format()}\n" for g in rows)
    if fmt == "csv":
        return "puzzle,solution,givens,conflicts,decisions\n" + "".join(
            f"{g.puzzle.format()},{g.solution.format()},{g.puzzle.givens},{g.conflicts},"
            f"{g.decisions}\n" for g in rows)
    if fmt == "jsonl":
        return "".join(json.dumps({"kind": "sudoku", "box": box_label(g.puzzle.box),
                                   "puzzle": g.puzzle.format(), "solution": g.solution.format(),
                                   "givens": g.puzzle.givens, "conflicts": g.conflicts,
                                   "decisions": g.decisions}) + "\n" for g in rows)
    raise ValueError(f"format must be one of {OUTPUT_FORMATS}")
