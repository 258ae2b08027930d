"""Honest verdicts: every solve answer says whether it is unique; a Zebra question with
several possible answers gets no answer and exit 1; the README's examples are unique."""

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli

README = Path(__file__).resolve().parent.parent / "docs" / "formats.md"
SEVENTEEN = "1...............\n"  # 4x4 with many solutions
UNIQUE = "...4.1.2.....3..\n"  # generate sudoku --box 2x2 --seed 1
AMBIGUOUS_ZEBRA = """\
There are 3 people next to each other in a row in positions 1, 2, 3 who have the following characteristics.
Everyone owns a different pet: cat, dog, fish.
Everyone has a different name: Ann, Bo, Cy.
Clue 1: The person who owns a cat is Bo.
Clue 2: Ann is immediately to the left of the person at the 3rd position.
Question: What position is the person who owns a dog at?
"""


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("solver", ["glauber", "reference"])
@pytest.mark.parametrize("grid", [SEVENTEEN, "." * 16 + "\n", "." * 81 + "\n"])
def test_a_puzzle_with_several_solutions_is_answered_with_a_warning(tmp_path, solver, grid):
    path = tmp_path / "many.txt"
    path.write_text(grid)
    result = run("solve", path, "--solver", solver, "--json")
    row = json.loads(result.stdout)
    assert result.exit_code == 0 and row["verified"] and row["unique"] is False
    assert f"{path}:1: warning: the puzzle has more than one solution" in result.stderr
    plain = run("solve", path, "--solver", solver)
    assert "warning: the puzzle has more than one solution" in plain.stderr
    assert "warning" not in run("solve", path, "--solver", solver, "--quiet").stderr


def test_a_unique_puzzle_says_so_and_warns_nothing(tmp_path):
    path = tmp_path / "one.txt"
    path.write_text(UNIQUE)
    result = run("solve", path, "--json")
    assert json.loads(result.stdout)["unique"] is True and result.stderr == ""


def test_unsolved_puzzles_have_no_uniqueness(tmp_path):
    path = tmp_path / "clash.txt"
    path.write_text("11..............\n")
    assert json.loads(run("solve", path, "--json").stdout)["unique"] is None


@pytest.mark.parametrize("solver", ["glauber", "reference"])
def test_a_zebra_question_with_several_answers_gets_no_answer_and_exit_1(tmp_path, solver):
    path = tmp_path / "z.txt"
    path.write_text(AMBIGUOUS_ZEBRA)
    result = run("solve", path, "--solver", solver, "--json")
    row = json.loads(result.stdout)
    assert result.exit_code == 1 and row["answer"] is None and row["unique"] is False
    assert "several answers" in result.stderr
    plain = run("solve", path, "--solver", solver)
    assert plain.exit_code == 1 and "not answered" in plain.stdout
    assert "position of the asked person" not in plain.stdout


def test_the_readme_people_wording_example_is_unique_and_answered(tmp_path):
    block = re.search(r"```\n(  There are 3 people.*?)```", README.read_text(), re.S).group(1)
    path = tmp_path / "readme.txt"
    path.write_text("\n".join(line[2:] for line in block.splitlines()) + "\n")
    assert run("check", path).exit_code == 0
    result = run("solve", path)
    assert result.exit_code == 0 and "position of the asked person (pet dog): 2" in result.stdout
