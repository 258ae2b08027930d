"""The puzzle kinds, by name: what the rest of the package looks up instead of switching
on `puzzle.kind`."""

from __future__ import annotations

from puzzles.base import Counted, Puzzle
from puzzles.sudoku import reference as sudoku_reference
from puzzles.zebra import reference as zebra_reference

COUNTERS = {"sudoku": sudoku_reference.count_solutions, "zebra": zebra_reference.count_solutions}
"""Puzzle kind -> its exact counter."""


def count(puzzle: Puzzle, limit: int = 2) -> Counted:
    """Find up to `limit` solutions of a puzzle of any kind (limit >= 2); verdict
    none/unique/many. Conflicts and decisions are the kind's difficulty figure."""
    return COUNTERS[puzzle.kind](puzzle, limit)
