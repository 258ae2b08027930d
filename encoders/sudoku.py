"""Sudoku <-> `Encoded`: one site per cell, value index v-1, rows/columns/boxes as groups.

Propagation (`propagate=`) shrinks the hard mask `allowed` before any sampling:

- `none`: givens clamped, every value allowed elsewhere;
- `singles`: givens removed from their peers, then naked singles (a cell with one
  candidate) and hidden singles (a value with one place in a unit) to a fixpoint;
- `full`: singles plus locked candidates (a value confined to one line inside a box, or
  to one box inside a line, leaves the rest of that line or box) to a fixpoint.

Every step only removes values no solution can take, so the mask never excludes a
solution. All of it reads the unit tables of `puzzles.sudoku.Geometry`.
"""

from __future__ import annotations

import torch

from encoders.encoded import PROPAGATION, Encoded, Encoder
from puzzles.sudoku.model import Sudoku, geometry


def _eliminate_singles(cand: list[int], units, peers) -> bool:
    """Naked and hidden singles to a fixpoint, in place. False on a contradiction."""
    settled = [False] * len(cand)
    changed = True
    while changed:
        changed = False
        for i, mask in enumerate(cand):
            if mask == 0:
                return False
            if not settled[i] and mask & (mask - 1) == 0:  # naked single
                settled[i] = True
                for p in peers[i]:
                    if cand[p] & mask:
                        cand[p] &= ~mask
                        changed = True
        for unit in units:
            seen_once, seen_more = 0, 0
            for i in unit:
                seen_more |= seen_once & cand[i]
                seen_once |= cand[i]
            if seen_once != (1 << len(unit)) - 1:
                return False  # some value has no place in this unit
            for i in unit:
                hidden = cand[i] & ~seen_more
                if hidden and cand[i] != hidden:
                    if hidden & (hidden - 1):
                        return False  # two values that can only go in this one cell
                    cand[i] = hidden
                    changed = True
    return True


def _locked_candidates(cand: list[int], n: int, box_units, line_units) -> bool:
    """Remove values confined by box/line intersections, in place; True if any changed."""
    changed = False
    for box in box_units:
        box_set = set(box)
        for line in line_units:
            inter = box_set.intersection(line)
            if not inter:
                continue
            inside = 0
            for i in inter:
                inside |= cand[i]
            for a, b in ((box, line), (line, box)):
                rest = [i for i in a if i not in inter]
                outside_a = 0
                for i in rest:
                    outside_a |= cand[i]
                locked = inside & ~outside_a  # values of `a` that must sit in the intersection
                for i in b:
                    if i not in inter and cand[i] & locked:
                        cand[i] &= ~locked
                        changed = True
    return changed


def candidates(puzzle: Sudoku, propagate: str = "singles") -> list[int] | None:
    """Candidate bitmask per cell (bit v-1 for value v) after propagation; None on a
    contradiction."""
    if propagate not in PROPAGATION:
        raise ValueError(f"propagate must be one of {PROPAGATION}")
    n, geo = puzzle.n, puzzle.geometry
    full = (1 << n) - 1
    cand = [1 << (v - 1) if v else full for v in puzzle.cells]
    if propagate == "none":
        return cand
    if not _eliminate_singles(cand, geo.units, geo.peers):
        return None
    if propagate == "full":
        lines, boxes = geo.units[:2 * n], geo.units[2 * n:]
        while _locked_candidates(cand, n, boxes, lines):
            if not _eliminate_singles(cand, geo.units, geo.peers):
                return None
    return cand


class SudokuEncoder(Encoder):
    """Encodes Sudoku of one propagation level; `decode` inverts `encode`."""

    kind = "sudoku"

    def encode(self, puzzle: Sudoku) -> Encoded:
        """tokens LongTensor[n*n] (value-1, or n for blank), allowed BoolTensor[n*n, n],
        groups LongTensor[3n, n] (rows, columns, boxes)."""
        n = puzzle.n
        cand = candidates(puzzle, self.propagate)
        if cand is None:
            cand = [0] * (n * n)  # contradiction: nothing allowed anywhere
        bits = torch.tensor(cand, dtype=torch.long)
        allowed = (bits[:, None] >> torch.arange(n)) & 1 == 1
        tokens = torch.tensor([v - 1 if v else n for v in puzzle.cells], dtype=torch.long)
        groups = torch.tensor(geometry(puzzle.box).units, dtype=torch.long)
        return Encoded(tokens, tokens < n, allowed, groups, perm_groups=groups[2 * n:],
                       meta={"shape": ("sudoku", puzzle.box), "propagate": self.propagate})

    @staticmethod
    def decode(puzzle: Sudoku, state: torch.Tensor) -> Sudoku:
        """A complete grid from a state LongTensor[n*n] of value indices 0..n-1."""
        return puzzle.with_cells(int(v) + 1 for v in state.tolist())

    @staticmethod
    def decode_tokens(puzzle: Sudoku, tokens: torch.Tensor) -> Sudoku:
        """A (partial) grid from tokens LongTensor[n*n]; the blank token n becomes 0."""
        n = puzzle.n
        return puzzle.with_cells(int(t) + 1 if t < n else 0 for t in tokens.tolist())


def to_text(puzzle: Sudoku) -> str:
    """The serialisation a language model reads: n rows of n symbols, `.` for blanks."""
    line, n = puzzle.format(), puzzle.n
    return "\n".join(line[r * n:(r + 1) * n] for r in range(n))
