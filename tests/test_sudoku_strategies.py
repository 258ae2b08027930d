from hypothesis import find, given
from hypothesis import strategies as st

from puzzles.sudoku.generate import canonical_grid
from puzzles.sudoku.model import verify
from puzzles.sudoku.reference import count_solutions
from puzzles.sudoku.strategies import sudoku_grids, sudoku_puzzles


@given(sudoku_puzzles((3, 3), min_givens=22, max_givens=30))
def test_unique_puzzles_are_unique_and_within_bounds(puzzle):
    counted = count_solutions(puzzle)
    assert counted.verdict == "unique"
    assert 22 <= puzzle.givens
    # A puzzle above max_givens must be minimal: every blanking breaks uniqueness.
    if puzzle.givens > 30:
        i = next(i for i, v in enumerate(puzzle.cells) if v)
        cells = list(puzzle.cells)
        cells[i] = 0
        assert count_solutions(puzzle.with_cells(cells)).verdict == "many"


@given(st.sampled_from([(2, 2), (2, 3), (3, 2), (2, 4)]).flatmap(
    lambda box: sudoku_puzzles(box, unique=False, max_givens=10)))
def test_non_unique_puzzles_are_solvable_blankings(puzzle):
    assert puzzle.givens <= 10
    assert count_solutions(puzzle).verdict in ("unique", "many")


def test_grids_shrink_to_the_canonical_grid():
    assert find(sudoku_grids((2, 3)), lambda g: True) == canonical_grid((2, 3))


def test_puzzles_shrink_toward_max_givens():
    puzzle = find(sudoku_puzzles((2, 2), max_givens=9), lambda p: True)
    assert puzzle.givens == 9
    assert verify(puzzle, canonical_grid((2, 2)))
