"""The per-kind registry: JSON kind detection, descriptions, counters, lazy encoders."""

import subprocess
import sys

import pytest

from puzzles.errors import PuzzleError
from puzzles.kinds import KINDS, count, describe, encoder, kind_of, read_json
from puzzles.sudoku.model import Sudoku
from puzzles.zebra.model import ZebraPuzzle

ZEBRA = {"houses": 2, "attributes": {"pet": ["cat", "dog"]},
         "clues": [{"kind": "at", "a": ["pet", "cat"], "position": 1}]}


def test_every_kind_is_registered_under_its_own_name_and_one_is_the_default():
    assert all(k.name == name for name, k in KINDS.items())
    assert sum(k.claims_json is None for k in KINDS.values()) == 1


def test_json_kind_comes_from_the_kind_field_else_from_the_keys():
    puzzle, expected = read_json({"puzzle": "1..." * 4})
    assert isinstance(puzzle, Sudoku) and expected is None
    assert isinstance(read_json(ZEBRA)[0], ZebraPuzzle)
    assert isinstance(read_json({"puzzle": ZEBRA, "kind": "zebra"})[0], ZebraPuzzle)
    with pytest.raises(PuzzleError, match="unsupported puzzle kind 'kakuro'"):
        read_json({"kind": "kakuro"})


def test_describe_and_count_dispatch_on_the_kind():
    sudoku = Sudoku.parse("1..." * 4)
    zebra = read_json(ZEBRA)[0]
    assert (describe(sudoku).size, describe(sudoku).stated, describe(sudoku).count) == ("4x4", "givens", 4)
    assert (describe(zebra).size, describe(zebra).stated, describe(zebra).count) == ("2x1", "clues", 1)
    assert count(zebra).verdict == "unique"
    assert kind_of(zebra).difficulty_band("2x1", None) == (201, "2x1")


def test_solutions_round_trip_through_their_json_form():
    zebra = read_json(ZEBRA)[0]
    solution = count(zebra).solution
    assert kind_of(zebra).solution_from_json(zebra, solution.to_json()) == solution
    grid = Sudoku.parse("1234341221434321")
    assert kind_of(grid).solution_from_json(grid, grid.to_json()) == grid


def test_encoders_resolve_on_use_and_puzzles_never_import_torch():
    assert encoder("sudoku", "full").propagate == "full"
    code = ("import sys, puzzles.kinds, puzzles.formats, harness.report, "
            "harness.solving; print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
