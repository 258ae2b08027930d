import json
import random

import pytest

from puzzles.errors import PuzzleError
from puzzles.formats import read_text
from puzzles.sudoku.generate import (
    OUTPUT_FORMATS,
    SudokuGenerator,
    canonical_grid,
    format_generated,
    random_symmetry,
)
from puzzles.sudoku.model import verify
from puzzles.sudoku.reference import count_solutions


@pytest.mark.parametrize("box", [(2, 2), (2, 3), (3, 2), (2, 4), (3, 3), (3, 4), (4, 4)])
def test_canonical_and_shuffled_grids_are_valid(box):
    grid = canonical_grid(box)
    empty = grid.with_cells([0] * len(grid.cells))
    assert verify(empty, grid)
    rng = random.Random(0)
    for _ in range(5):
        assert verify(empty, random_symmetry(box, rng).apply(grid))


@pytest.mark.parametrize("box,givens", [((2, 2), 6), ((2, 3), 14), ((2, 4), 30), ((3, 3), 30),
                                        ((3, 4), 80)])
def test_generated_puzzles_are_unique_with_at_most_k_givens(box, givens):
    with SudokuGenerator(box, seed=3) as gen:
        for _ in range(3):
            g = gen.generate(givens)
            assert g.puzzle.givens <= givens
            counted = count_solutions(g.puzzle)
            assert counted.verdict == "unique" and counted.solution == g.solution
            assert verify(g.puzzle, g.solution)


def test_minimal_puzzles_lose_uniqueness_when_any_given_goes():
    with SudokuGenerator((3, 3), seed=5) as gen:
        g = gen.generate(40, minimal=True)
    for i, v in enumerate(g.puzzle.cells):
        if v:
            cells = list(g.puzzle.cells)
            cells[i] = 0
            assert count_solutions(g.puzzle.with_cells(cells)).verdict == "many"


def test_generation_is_deterministic_for_a_seed():
    def batch(seed):
        with SudokuGenerator((2, 3), seed) as gen:
            return [gen.generate(16).puzzle for _ in range(3)]
    assert batch(7) == batch(7)
    assert batch(7) != batch(8)


def test_impossible_givens_target_is_a_clear_error():
    with SudokuGenerator((3, 3), seed=0) as gen, pytest.raises(PuzzleError, match="at most 10 givens"):
        gen.generate(10, attempts=2)


def test_no_attempt_at_a_minimal_puzzle_is_a_clear_error():
    with SudokuGenerator((2, 2), seed=0) as gen, pytest.raises(PuzzleError) as e:
        gen.generate(None, attempts=0)
    assert str(e.value) == "no minimal 4x4 (box 2x2) puzzle in 0 attempts"  # not "None givens"


def test_generated_puzzles_are_written_in_every_output_format():
    with SudokuGenerator((2, 3), seed=1) as gen:
        rows = [gen.generate(14) for _ in range(2)]
    texts = {fmt: format_generated(rows, fmt) for fmt in OUTPUT_FORMATS}
    assert texts["lines"] == "".join(g.puzzle.format() + "\n" for g in rows)
    assert texts["csv"].splitlines()[0] == "puzzle,solution,givens,conflicts,decisions"
    objects = [json.loads(line) for line in texts["jsonl"].splitlines()]
    assert [o["box"] for o in objects] == ["2x3", "2x3"]
    for fmt, name in (("csv", "g.csv"), ("jsonl", "g.jsonl")):  # they read back, with solutions
        back = read_text(name, texts[fmt])
        assert [(r.puzzle, r.expected) for r in back.records] == [(g.puzzle, g.solution) for g in rows]


def test_a_conflict_budget_keeps_puzzles_unique_and_only_stops_removals_early():
    from puzzles.sudoku.generate import SudokuGenerator
    with SudokuGenerator((3, 3), seed=4, conflict_budget=0) as tight, \
            SudokuGenerator((3, 3), seed=4, conflict_budget=None) as exact:
        a, b = tight.generate(), exact.generate()
    assert count_solutions(a.puzzle).verdict == "unique"
    assert a.solution == b.solution and a.puzzle.givens >= b.puzzle.givens


def test_25x25_boards_are_generated_near_the_minimum_in_seconds():
    from puzzles.sudoku.generate import SudokuGenerator
    with SudokuGenerator((5, 5), seed=1) as gen:
        assert gen.conflict_budget is not None  # past 16x16 removals have a budget
        g = gen.generate(320)
    assert g.puzzle.givens <= 320 and count_solutions(g.puzzle).verdict == "unique"
