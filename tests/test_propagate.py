"""The Sudoku propagator: every level keeps every solution, and each level is at least as
strong as the one before."""

from hypothesis import given

from puzzles.sudoku.model import Sudoku
from puzzles.sudoku.propagate import LEVELS, candidate_masks
from puzzles.sudoku.reference import count_solutions
from puzzles.sudoku.strategies import sudoku_puzzles


def test_singles_and_full_propagation_only_remove_impossible_values():
    # "full" must be at least as strong as "singles", and both keep the solution
    puzzle = Sudoku.parse("4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......")
    solution = count_solutions(puzzle).solution
    singles, full = candidate_masks(puzzle, "singles"), candidate_masks(puzzle, "full")
    for s, f, v in zip(singles, full, solution.cells):
        assert f & ~s == 0 and f >> (v - 1) & 1
    assert sum(bin(f).count("1") for f in full) < sum(bin(s).count("1") for s in singles)


@given(sudoku_puzzles((2, 2), unique=False))
def test_levels_keep_the_solution_and_only_narrow(puzzle):
    solution = count_solutions(puzzle).solution
    masks = [candidate_masks(puzzle, level) for level in LEVELS]
    for weaker, stronger in zip(masks, masks[1:]):
        assert stronger is not None
        assert all(s & ~w == 0 for w, s in zip(weaker, stronger))
    if solution is not None:
        assert all(m >> (v - 1) & 1 for m, v in zip(masks[-1], solution.cells))


def test_givens_level_removes_each_given_from_its_peers_only():
    puzzle = Sudoku.parse("1..." + "...." + "...." + "....")
    masks = candidate_masks(puzzle, "givens")
    assert masks[0] == 0b0001
    assert masks[1] == masks[4] == masks[5] == 0b1110  # row, column and box peers
    assert masks[10] == 0b1111  # not a peer


def test_clashing_givens_are_a_contradiction_at_every_level_but_none():
    puzzle = Sudoku.parse("11.." + "." * 12)
    assert candidate_masks(puzzle, "none") is not None
    assert all(candidate_masks(puzzle, level) is None for level in LEVELS[1:])
