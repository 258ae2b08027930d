"""Hypothesis strategies for Sudoku, valid by construction.

Use them in your own property-based tests::

    from hypothesis import given
    from puzzles.sudoku.strategies import sudoku_grids, sudoku_puzzles

    @given(sudoku_puzzles(box=(2, 3), max_givens=20))
    def test_my_solver(puzzle):
        assert my_solver(puzzle) ...

Nothing is drawn and then filtered: a grid is the canonical pattern grid under a drawn
`Symmetry` (relabelling, rows within bands, bands, columns within stacks, stacks,
transpose), and a puzzle is that grid with a drawn set of cells blanked.
"""

from __future__ import annotations

from hypothesis import strategies as st

from puzzles.sudoku.generate import Symmetry, canonical_grid
from puzzles.sudoku.model import Sudoku, as_box
from puzzles.sudoku.reference import count_solutions


def _permutations(k: int):
    return st.permutations(range(k)).map(tuple)


@st.composite
def symmetries(draw, box: tuple[int, int] = (3, 3)):
    """A validity-preserving transformation of grids of `box`; shrinks toward the identity."""
    br, bc = box
    n = br * bc
    return Symmetry(
        relabel=draw(_permutations(n)),
        bands=draw(_permutations(n // br)),
        rows=tuple(draw(_permutations(br)) for _ in range(n // br)),
        stacks=draw(_permutations(n // bc)),
        cols=tuple(draw(_permutations(bc)) for _ in range(n // bc)),
        transpose=draw(st.booleans()) if br == bc else False,
    )


def sudoku_grids(box: tuple[int, int] = (3, 3)):
    """Complete valid grids of `box`; shrinks toward `canonical_grid(box)`."""
    grid = canonical_grid(as_box(box))
    return symmetries(as_box(box)).map(lambda symmetry: symmetry.apply(grid))


@st.composite
def sudoku_puzzles(draw, box: tuple[int, int] = (3, 3), min_givens: int = 0,
                   max_givens: int | None = None, unique: bool = True) -> Sudoku:
    """Puzzles of `box` with between `min_givens` and `max_givens` givens, each a blanked
    copy of a drawn grid (so always solvable).

    With `unique=True` every puzzle has exactly one solution: cells are blanked in a drawn
    order and a blank that would admit a second solution is skipped, so a unique puzzle
    may keep more than `max_givens` givens only when no further blank keeps it unique
    (then it is minimal, and still at least `min_givens`). Shrinks toward the canonical
    grid, the cells blanked in index order, and as many givens as allowed.
    """
    n = box[0] * box[1]
    cells = n * n
    hi = cells if max_givens is None else max_givens
    if not 0 <= min_givens <= hi <= cells:
        raise ValueError(f"need 0 <= min_givens <= max_givens <= {cells}")
    grid = draw(sudoku_grids(box))
    # Mirrored so that it shrinks toward max_givens (fewer blanks, an easier puzzle).
    givens = draw(st.integers(min_givens, hi).map(lambda k: hi + min_givens - k))
    # Drawn as an index shuffle: shrinks toward blanking cells 0, 1, 2, ... in order.
    order = draw(st.permutations(range(cells)))
    values = list(grid.cells)
    for i in order:
        if cells - values.count(0) <= givens:
            break
        keep = values[i]
        values[i] = 0
        if unique and count_solutions(grid.with_cells(values)).verdict != "unique":
            values[i] = keep
    return grid.with_cells(values)
