import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from puzzles.errors import PuzzleError
from puzzles.sudoku.model import Sudoku, default_box, explain, geometry, parse_box, verify
from puzzles.sudoku.strategies import sudoku_grids

BOXES = [(2, 2), (2, 3), (3, 2), (2, 4), (3, 3), (3, 4), (4, 4)]


def brute_force_valid(grid: Sudoku) -> bool:
    """Independent definition: rows, columns and boxes computed from coordinates."""
    n, (br, bc) = grid.n, grid.box

    def cell(r, c):
        return grid.cells[r * n + c]

    full = set(range(1, n + 1))
    rows = all({cell(r, c) for c in range(n)} == full for r in range(n))
    cols = all({cell(r, c) for r in range(n)} == full for c in range(n))
    boxes = all({cell(r0 + i, c0 + j) for i in range(br) for j in range(bc)} == full
                for r0 in range(0, n, br) for c0 in range(0, n, bc))
    return rows and cols and boxes


def test_default_box_is_the_most_square_divisor_pair():
    assert [default_box(n) for n in (4, 6, 8, 9, 10, 12, 15, 16, 25)] == \
        [(2, 2), (2, 3), (2, 4), (3, 3), (2, 5), (3, 4), (3, 5), (4, 4), (5, 5)]


@pytest.mark.parametrize("text", ["3", "3x", "axb", "1x2", "6x5", "0x9"])
def test_bad_box_is_rejected(text):
    with pytest.raises(PuzzleError):
        parse_box(text)


def test_geometry_tables():
    geo = geometry((2, 3))
    assert len(geo.units) == 18 and all(len(u) == 6 for u in geo.units)
    # row (5) + column (5) + the box cells in neither: 6 - 3 - 2 + 1 = 2
    assert all(len(p) == 12 for p in geo.peers)
    assert geo.unit_name(13) == "box 2"


def test_every_4x4_grid_verifier_matches_brute_force():
    """All 4^16 grids are too many; all grids whose first row is 1234 with each later row a
    permutation cover every valid grid up to relabelling (24^3 = 13824 grids)."""
    puzzle = Sudoku((2, 2), (0,) * 16)
    perms = list(itertools.permutations(range(1, 5)))
    valid = 0
    for rows in itertools.product(perms, repeat=3):
        grid = Sudoku((2, 2), (1, 2, 3, 4) + sum(rows, ()))
        ok = verify(puzzle, grid)
        assert ok == brute_force_valid(grid)
        valid += ok
    assert valid == 288 // 24  # 288 valid 4x4 grids, 12 with first row 1234


@given(st.sampled_from(BOXES).flatmap(sudoku_grids))
def test_generated_grids_verify(grid):
    assert brute_force_valid(grid)
    assert verify(grid.with_cells([0] * len(grid.cells)), grid)


@given(st.sampled_from(BOXES).flatmap(sudoku_grids), st.data())
def test_verifier_rejects_changed_givens_and_swaps(grid, data):
    n = grid.n
    i = data.draw(st.integers(0, n * n - 1))
    v = data.draw(st.integers(1, n).filter(lambda v: v != grid.cells[i]))
    broken = list(grid.cells)
    broken[i] = v
    assert not verify(grid.with_cells([0] * n * n), grid.with_cells(broken))
    # the puzzle's given at i differs from a grid that is otherwise the same
    assert "given" in explain(grid.with_cells(broken), grid)


def test_explain_names_the_problem():
    grid = Sudoku.parse("1234341221434321")
    puzzle = grid.with_cells([0] * 16)
    assert explain(puzzle, grid) is None
    assert explain(puzzle, grid.with_cells((0,) + grid.cells[1:])) == "cell r1c1 is blank"
    swapped = (2, 1) + grid.cells[2:]
    assert "column 1" in explain(puzzle, grid.with_cells(swapped))


@given(st.sampled_from(BOXES).flatmap(sudoku_grids))
def test_parse_format_round_trip(grid):
    assert Sudoku.parse(grid.format(), grid.box) == grid
    assert Sudoku.parse(grid.format_grid(), grid.box) == grid
    assert Sudoku.parse(grid.format().lower(), grid.box) == grid


def test_symbols_and_blanks():
    assert Sudoku.parse("0" * 81).givens == 0
    with pytest.raises(PuzzleError, match="bad symbol '0'"):
        Sudoku.parse("0" * 256)
    assert Sudoku.parse("G" + "." * 255).cells[0] == 16
    with pytest.raises(PuzzleError, match="bad symbol 'H'"):
        Sudoku.parse("H" + "." * 255)
    with pytest.raises(PuzzleError, match="80 symbols"):
        Sudoku.parse("." * 80)


def test_conflicts_names_unit_and_cells():
    puzzle = Sudoku.parse("1...1..........." )
    assert puzzle.conflicts() == "1 twice in column 1 (cells r1c1 and r2c1)"
    assert Sudoku.parse("1" + "." * 15).conflicts() is None
