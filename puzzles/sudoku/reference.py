"""Sudoku's exact reference counter: count solutions up to a limit (none / unique / many).

Why SAT: a CDCL solver (MiniSat via python-sat) answers the hardest 9x9 puzzles in a few
milliseconds and scales to 25x25, where a pure-Python search does not. The givens are
first removed from their peers (`propagate.candidate_masks(puzzle, "givens")`), so the
formula holds only the candidates that remain; a fresh solver per puzzle keeps the
statistics (our difficulty figure) independent of what was solved before.
"""

from __future__ import annotations

import itertools

from pysat.solvers import Solver

from puzzles.base import SAT_SOLVER, Counted
from puzzles.sudoku.model import Sudoku
from puzzles.sudoku.propagate import candidate_masks


def _formula(puzzle: Sudoku, cand: list[int]):
    """CNF over the remaining candidates: each cell one value, each unit each value once.

    Returns (clauses, variables) with variables[(cell, value)] = SAT variable, or None
    when some cell or unit has no candidate left for a value it needs.
    """
    n = puzzle.n
    var: dict[tuple[int, int], int] = {}
    clauses: list[list[int]] = []
    for i, mask in enumerate(cand):
        lits = []
        for v in range(1, n + 1):
            if mask >> (v - 1) & 1:
                var[i, v] = len(var) + 1
                lits.append(var[i, v])
        if not lits:
            return None
        clauses.append(lits)
        clauses.extend([-a, -b] for a, b in itertools.combinations(lits, 2))
    for unit in puzzle.geometry.units:
        for v in range(1, n + 1):
            lits = [var[i, v] for i in unit if (i, v) in var]
            if not lits:
                return None
            clauses.append(lits)
            clauses.extend([-a, -b] for a, b in itertools.combinations(lits, 2))
    return clauses, var


def count_solutions(puzzle: Sudoku, limit: int = 2) -> Counted:
    """Find up to `limit` solutions of a Sudoku (limit >= 2); verdict none/unique/many."""
    if limit < 2:
        raise ValueError("limit must be >= 2 to tell unique from many")
    cand = candidate_masks(puzzle, "givens")
    encoded = _formula(puzzle, cand) if cand is not None else None
    if encoded is None:
        return Counted("none", (), 0, 0)
    clauses, var = encoded
    found: list[Sudoku] = []
    with Solver(name=SAT_SOLVER, bootstrap_with=clauses) as sat:
        while len(found) < limit and sat.solve():
            model = sat.get_model()
            cells = [0] * (puzzle.n * puzzle.n)
            for (i, v), x in var.items():
                if model[x - 1] > 0:
                    cells[i] = v
            found.append(puzzle.with_cells(cells))
            sat.add_clause([-var[i, v] for i, v in enumerate(cells)])  # block this one
        stats = sat.accum_stats()
    verdict = ("none", "unique")[len(found)] if len(found) < 2 else "many"
    return Counted(verdict, tuple(found), stats.get("conflicts", 0), stats.get("decisions", 0))


DIFFICULTY_BANDS = ((0, 1, "0"), (1, 10, "1-9"), (10, 100, "10-99"), (100, 1000, "100-999"),
                    (1000, None, "1000+"))  # (low, high, label) bands of reference conflicts
DIFFICULTY_AXIS = "reference solver conflicts"  # what the bands measure, for plots


def difficulty_band(size: str, conflicts: int | None) -> tuple[int, str] | None:
    """(sort key, label) of a puzzle's difficulty band, by the reference solver's
    conflicts; None when there are none to go by (clashing givens)."""
    if conflicts is None:
        return None
    return next((k, label) for k, (low, high, label) in enumerate(DIFFICULTY_BANDS)
                if low <= conflicts and (high is None or conflicts < high))


def verdicts(puzzle: Sudoku, solution: Sudoku) -> dict:
    """Is `solution` (which solves `puzzle`) its only solution? `{"solution_verdict":
    "unique"|"many"}`, from the exact counter (a few ms on a 9x9)."""
    return {"solution_verdict": "unique" if count_solutions(puzzle, 2).verdict == "unique"
            else "many"}

