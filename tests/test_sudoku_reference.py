from hypothesis import given
from hypothesis import strategies as st

from harness.solving import ReferenceSolver, judge, solve_all
from puzzles.sudoku.model import Sudoku, verify
from puzzles.sudoku.reference import count_solutions
from puzzles.sudoku.strategies import sudoku_grids, sudoku_puzzles


def brute_force_count(puzzle: Sudoku, limit: int = 3) -> int:
    """Independent count by plain backtracking over the cells (4x4 and 6x6 only)."""
    n = puzzle.n
    cells = list(puzzle.cells)
    peers = puzzle.geometry.peers

    def go(i):
        if i == len(cells):
            return 1
        if cells[i]:
            return go(i + 1)
        total = 0
        for v in range(1, n + 1):
            if all(cells[p] != v for p in peers[i]):
                cells[i] = v
                total += go(i + 1)
                cells[i] = 0
                if total >= limit:
                    break
        return total

    return min(go(0), limit)


@given(sudoku_grids((2, 2)), st.lists(st.integers(0, 15), max_size=8), st.data())
def test_verdicts_match_brute_force_4x4(grid, blanks_kept, data):
    # Givens drawn from a grid (solvable), then perturbed by a drawn cell value (maybe not).
    cells = [v if i in blanks_kept else 0 for i, v in enumerate(grid.cells)]
    i = data.draw(st.integers(0, 15))
    cells[i] = data.draw(st.integers(0, 4))
    puzzle = grid.with_cells(cells)
    counted = count_solutions(puzzle, limit=2)
    expected = brute_force_count(puzzle, limit=2) if puzzle.conflicts() is None else 0
    assert counted.verdict == ("none", "unique", "many")[expected]
    for solution in counted.solutions:
        assert verify(puzzle, solution)


@given(sudoku_puzzles((2, 3), min_givens=8, max_givens=14, unique=False))
def test_verdicts_match_brute_force_6x6(puzzle):
    expected = brute_force_count(puzzle, limit=2)
    assert count_solutions(puzzle).verdict == ("none", "unique", "many")[expected]


def test_count_up_to_limit_finds_distinct_solutions():
    empty = Sudoku((2, 2), (0,) * 16)
    counted = count_solutions(empty, limit=300)
    assert len(set(counted.solutions)) == len(counted.solutions) == 288
    assert all(verify(empty, s) for s in counted.solutions)


def test_solver_signature_and_harness():
    solvable = Sudoku.parse("1...............")
    clash = Sudoku.parse("11..............")
    impossible = Sudoku.parse("12........3...4.")  # r1c3 needs 3 or 4; column 3 has both
    outcomes = solve_all(ReferenceSolver(), [solvable, clash, impossible])
    assert outcomes[0].verified and verify(solvable, outcomes[0].solution)
    assert outcomes[1].error.startswith("conflicting givens")
    assert not outcomes[2].verified and outcomes[2].attempt.stats["verdict"] == "none"


def test_judge_rejects_a_wrong_answer():
    puzzle = Sudoku.parse("1...............")
    wrong = Sudoku.parse("1234123412341234")
    attempt = ReferenceSolver().solve(puzzle)
    assert judge(puzzle, attempt).verified
    outcome = judge(puzzle, type(attempt)(wrong, 0.0))
    assert not outcome.verified and outcome.solution is None
    assert "rejected by the verifier" in outcome.error


def test_hard_9x9():
    # "AI Escargot"-class puzzle: one solution, needs search
    puzzle = Sudoku.parse("1....7.9..3..2...8..96..5....53..9...1..8...26....4...3......1..4......7..7...3..")
    counted = count_solutions(puzzle)
    assert counted.verdict == "unique" and verify(puzzle, counted.solution)
