"""Training, saving and loading a model offline, and solving with LM energies."""

import json
import os

import pytest
from click.testing import CliRunner

from cli import cli
from puzzles.sudoku.model import Sudoku, verify

os.environ["HF_HUB_OFFLINE"] = "1"  # loading must never need the hub


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("lm") / "sudoku-4x4"
    result = CliRunner().invoke(cli, ["train", "sudoku", "--box", "2x2", "--steps", "3", "--batch", "8",
                                      "--out", str(out), "--device", "cpu", "-q"])
    assert result.exit_code == 0, result.output
    return out


def test_trained_model_directory_is_standard_and_documented(model_dir):
    names = {p.name for p in model_dir.iterdir()}
    assert {"config.json", "model.safetensors", "glauber.json", "README.md"} <= names
    card = json.loads((model_dir / "glauber.json").read_text())
    assert card["steps"] == 3 and card["box"] == [2, 2] and "target_cell_accuracy" in card["heldout"]


@pytest.mark.parametrize("energy", ["lm", "lm+penalty"])
def test_solve_with_lm_energies_verifies_answers(tmp_path, model_dir, energy):
    puzzles = tmp_path / "p.txt"
    puzzles.write_text("1...\n..3.\n.4..\n...2\n".replace("\n", "") + "\n" + "." * 16 + "\n")
    result = CliRunner().invoke(cli, ["solve", str(puzzles), "--json", "--energy", energy,
                                      "--model", str(model_dir), "--sweeps", "300", "--chains", "8"])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 2 and all(r["energy_terms"] == energy for r in rows)
    for row in rows:  # a reported grid keeps the givens and passes the exact verifier
        assert row["verified"] == (row["solution"] is not None)
        if row["solution"] is not None:
            puzzle, solution = Sudoku.parse(row["puzzle"]), Sudoku.parse(row["solution"])
            assert all(g in (0, s) for g, s in zip(puzzle.cells, solution.cells))
            assert verify(puzzle, solution)
    if "penalty" in energy:  # whatever the model's quality, penalties solve a 4x4 board
        assert all(r["verified"] for r in rows)
    assert result.exit_code == (0 if all(r["verified"] for r in rows) else 1)


def test_lm_energy_without_a_model_for_the_board_is_a_usage_error(tmp_path):
    puzzles = tmp_path / "p.txt"
    puzzles.write_text("." * 36 + "\n")
    result = CliRunner().invoke(cli, ["solve", str(puzzles), "--energy", "lm"])
    assert result.exit_code == 2 and "no default LM for 6x6" in result.stderr


def test_a_directory_that_is_not_a_model_is_a_usage_error(tmp_path):
    puzzles = tmp_path / "p.txt"
    puzzles.write_text("." * 16 + "\n")
    result = CliRunner().invoke(cli, ["solve", str(puzzles), "--energy", "lm", "--model", str(tmp_path)])
    assert result.exit_code == 2 and "not a glauber model directory" in result.stderr
