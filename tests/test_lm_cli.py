"""Training, saving and loading a model offline, and solving with LM energies."""

import json
import os
from pathlib import Path

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
                                      "--model", str(model_dir), "--sweeps", "300", "--chains", "8",
                                      "--time-limit", "100000"])
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
    puzzles.write_text("." * 64 + "\n")
    result = CliRunner().invoke(cli, ["solve", str(puzzles), "--energy", "lm"])
    assert result.exit_code == 2 and "no default LM for 8x8 Sudoku with 2x4 boxes" in result.stderr


def test_a_model_for_another_board_is_a_usage_error(tmp_path, model_dir):
    puzzles = tmp_path / "p.txt"
    puzzles.write_text("." * 36 + "\n")
    result = CliRunner().invoke(cli, ["solve", str(puzzles), "--energy", "lm", "--model", str(model_dir)])
    assert result.exit_code == 2 and "model is for sudoku with box 2x2, not 6x6" in result.stderr


@pytest.mark.parametrize("example", ["sudoku_4x4.txt", "sudoku_6x6.txt", "sudoku_9x9.csv"])
@pytest.mark.parametrize("options", [["--energy", "lm+penalty"], ["--energy", "lm+penalty", "--search", "anneal"],
                                     ["--init", "lm", "--search", "anneal"]])
def test_shipped_models_work_out_of_the_box(example, options):
    """Every shipped board size runs the LM paths with no --model, offline, and every
    answer is verified."""
    path = Path(__file__).parent.parent / "examples" / example
    result = CliRunner().invoke(cli, ["solve", str(path), "--json", "--chains", "8", "--sweeps", "200",
                                      "--lm-refresh", "2", "--time-limit", "100000", *options])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and result.exit_code in (0, 1), result.stderr
    solved = [row for row in rows if row["solution"] is not None]
    assert len(solved) >= len(rows) / 2  # the examples include hard 9x9s; 200 sweeps here
    assert result.exit_code == (0 if len(solved) == len(rows) else 1)
    for row in solved:
        assert verify(Sudoku.parse(row["puzzle"]), Sudoku.parse(row["solution"]))
    anneal = "anneal" in options
    assert all(row["search"] == ("anneal" if anneal else "construct") for row in rows)
    assert all(row["energy_terms"] == ("penalty" if "--init" in options else "lm+penalty") for row in rows)
    if anneal:
        assert all(row["init"] == ("lm" if "--init" in options else "uniform") for row in rows)


def test_shipped_cards_record_how_the_models_were_made():
    from encoders.lm import MODELS
    cards = {p.parent.name: json.loads(p.read_text()) for p in MODELS.glob("*/glauber.json")}
    assert {"sudoku-4x4-box2x2-mlm", "sudoku-6x6-box2x3-mlm", "sudoku-9x9-box3x3-mlm"} <= set(cards)
    for name, card in cards.items():
        assert card["attention"] == "graph" and card["steps"] > 0 and card["train_seconds"] > 0
        assert (MODELS / name / "model.safetensors").stat().st_size <= 5 * 2 ** 20
    assert cards["sudoku-9x9-box3x3-mlm"]["heldout"]["target_cell_accuracy"] >= 0.95


def test_a_directory_that_is_not_a_model_is_a_usage_error(tmp_path):
    puzzles = tmp_path / "p.txt"
    puzzles.write_text("." * 16 + "\n")
    result = CliRunner().invoke(cli, ["solve", str(puzzles), "--energy", "lm", "--model", str(tmp_path)])
    assert result.exit_code == 2 and "not a model directory (no config.json" in result.stderr


def test_train_shows_no_library_bars_off_a_terminal_and_takes_threads(tmp_path):
    import torch
    before = torch.get_num_threads()
    try:
        result = CliRunner().invoke(cli, ["train", "sudoku", "--box", "2x2", "--steps", "1",
                                          "--batch", "4", "--out", str(tmp_path / "m"),
                                          "--device", "cpu", "--threads", "1"])
        assert result.exit_code == 0, result.output
        assert "Writing model shards" not in result.stderr and result.stderr == ""
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
