"""Sudoku candidate propagation: which values each cell can still take, as bitmasks (bit
v-1 for value v). One propagator, in levels; each only removes values no solution can
take, so a mask never excludes a solution:

- `none`: givens fixed, every value allowed elsewhere;
- `givens`: every given removed from its peers, once (what the SAT reference's formula
  is built on);
- `singles`: naked singles (a cell with one candidate leaves its peers) and hidden
  singles (a value with one place in a unit) to a fixpoint;
- `full`: singles plus locked candidates (a value confined to one line inside a box, or
  to one box inside a line, leaves the rest of that line or box) to a fixpoint.

The encoder's hard mask uses `none`, `singles` or `full` (`puzzles.base.PROPAGATION`).
All of it reads the unit tables of `puzzles.sudoku.model.Geometry`.
"""

from __future__ import annotations

from puzzles.sudoku.model import Sudoku

LEVELS = ("none", "givens", "singles", "full")


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


def _remove_givens(cand: list[int], cells, peers) -> bool:
    """Remove each given from its peers, in place, once. False when some cell is left with
    no candidate (two equal givens in one unit, say)."""
    for i, v in enumerate(cells):
        if v:
            for p in peers[i]:
                cand[p] &= ~(1 << (v - 1))
    return all(cand)


def candidate_masks(puzzle: Sudoku, level: str) -> list[int] | None:
    """Candidate bitmask per cell (bit v-1 for value v) after propagation at `level` (one
    of LEVELS, each at least as strong as the one before); None on a contradiction."""
    if level not in LEVELS:
        raise ValueError(f"propagation level must be one of {LEVELS}")
    n, geo = puzzle.n, puzzle.geometry
    full = (1 << n) - 1
    cand = [1 << (v - 1) if v else full for v in puzzle.cells]
    if level == "none":
        return cand
    if level == "givens":
        return cand if _remove_givens(cand, puzzle.cells, geo.peers) else None
    if not _eliminate_singles(cand, geo.units, geo.peers):
        return None
    if level == "full":
        lines, boxes = geo.units[:2 * n], geo.units[2 * n:]
        while _locked_candidates(cand, n, boxes, lines):
            if not _eliminate_singles(cand, geo.units, geo.peers):
                return None
    return cand
