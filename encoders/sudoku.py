"""Sudoku <-> `Encoded`: one site per cell, value index v-1, rows/columns/boxes as groups.

The hard mask `allowed` is the candidate set left by `puzzles.sudoku.propagate` at the
encoder's level (`none`, `singles` or `full`), which never excludes a solution.
"""

from __future__ import annotations

import torch

from encoders.encoded import Encoded, Encoder
from puzzles.sudoku.model import Sudoku, geometry
from puzzles.sudoku.propagate import candidate_masks


class SudokuEncoder(Encoder):
    """Encodes Sudoku of one propagation level; `decode` inverts `encode`."""

    kind = "sudoku"

    def encode(self, puzzle: Sudoku) -> Encoded:
        """tokens LongTensor[n*n] (value-1, or n for blank), allowed BoolTensor[n*n, n],
        groups LongTensor[3n, n] (rows, columns, boxes)."""
        n = puzzle.n
        cand = candidate_masks(puzzle, self.propagate)
        if cand is None:
            cand = [0] * (n * n)  # contradiction: nothing allowed anywhere
        bits = torch.tensor(cand, dtype=torch.long)
        allowed = (bits[:, None] >> torch.arange(n)) & 1 == 1
        tokens = torch.tensor([v - 1 if v else n for v in puzzle.cells], dtype=torch.long)
        groups = torch.tensor(geometry(puzzle.box).units, dtype=torch.long)
        return Encoded(tokens, tokens < n, allowed, groups, perm_groups=groups[2 * n:],
                       meta={"kind": "sudoku", "structure": puzzle.box,
                             "propagate": self.propagate})

    @staticmethod
    def decode(puzzle: Sudoku, state: torch.Tensor) -> Sudoku:
        """A complete grid from a state LongTensor[n*n] of value indices 0..n-1."""
        return puzzle.with_cells(int(v) + 1 for v in state.tolist())

    @staticmethod
    def decode_tokens(puzzle: Sudoku, tokens: torch.Tensor) -> Sudoku:
        """A (partial) grid from tokens LongTensor[n*n]; the blank token n becomes 0."""
        n = puzzle.n
        return puzzle.with_cells(int(t) + 1 if t < n else 0 for t in tokens.tolist())
