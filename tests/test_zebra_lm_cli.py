"""Training a Zebra LM from the CLI, solving Zebra puzzles (JSON and natural language)
under LM energies offline, every answer verified, and models refused where they do not fit."""

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from puzzles.formats import read_file

os.environ["HF_HUB_OFFLINE"] = "1"  # loading must never need the hub
EXAMPLES = Path(__file__).parent.parent / "examples"
# budgets in sweeps (rounds), never the clock: a busy machine gives the same results
NO_CLOCK = ["--time-limit", "100000"]


@pytest.fixture(scope="module")
def zebra_model(tmp_path_factory):
    out = tmp_path_factory.mktemp("lm") / "zebra"
    result = CliRunner().invoke(cli, ["train", "zebra", "--houses", "2-3", "--attributes", "2-3",
                                      "--steps", "3", "--batch", "8", "--out", str(out),
                                      "--device", "cpu", "-q"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def puzzles(tmp_path_factory):
    path = tmp_path_factory.mktemp("zebra") / "z.jsonl"
    result = CliRunner().invoke(cli, ["generate", "zebra", "--houses", "3", "--attributes", "3",
                                      "--count", "3", "--seed", "4", "-q"])
    assert result.exit_code == 0, result.output
    path.write_text(result.stdout)
    return path


def test_card_records_the_zebra_model(zebra_model):
    card = json.loads((zebra_model / "glauber.json").read_text())
    assert card["kind"] == "zebra" and card["attention"] == "graph" and card["steps"] == 3
    assert card["houses"] == [2, 3] and card["max_houses"] == 8
    assert "target_accuracy" in card["heldout"]["3x3"]
    assert "Zebra vocabulary" in (zebra_model / "README.md").read_text()


def verified_rows(result, path):
    """The JSON answers, each checked again here against the exact verifier."""
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    records = read_file(str(path)).records
    assert len(rows) == len(records), result.stderr
    for row, record in zip(rows, records):
        if row["solution"] is not None:
            from puzzles.zebra.model import ZebraSolution, verify
            assert verify(record.puzzle, ZebraSolution.from_json(record.puzzle, row["solution"]))
    return rows


@pytest.mark.parametrize("options", [["--energy", "lm+penalty"], ["--energy", "lm"],
                                     ["--init", "lm"]])
def test_solve_zebra_with_a_trained_model(zebra_model, puzzles, options):
    result = CliRunner().invoke(cli, ["solve", str(puzzles), "--json", "--model", str(zebra_model),
                                      "--chains", "8", "--sweeps", "200", *NO_CLOCK, *options])
    rows = verified_rows(result, puzzles)
    assert all(r["energy_terms"] == options[1] or options[0] == "--init" for r in rows)
    if options != ["--energy", "lm"]:  # penalties solve 3x3 whatever the model
        assert all(r["verified"] for r in rows) and result.exit_code == 0


def test_a_sudoku_model_is_refused_for_zebra_and_back(zebra_model, puzzles, tmp_path):
    from encoders.lm import default_model_dir
    result = CliRunner().invoke(cli, ["solve", str(puzzles), "--energy", "lm", "--model",
                                      str(default_model_dir("sudoku", (2, 2)))])
    assert result.exit_code == 2 and "model is for sudoku, not Zebra" in result.stderr
    grid = tmp_path / "s.txt"
    grid.write_text("." * 16 + "\n")
    result = CliRunner().invoke(cli, ["solve", str(grid), "--energy", "lm", "--model", str(zebra_model)])
    assert result.exit_code == 2 and "reads Zebra puzzles only" in result.stderr


@pytest.mark.parametrize("example", ["zebra_6x6.jsonl", "zebra_4x4.txt"])
def test_the_shipped_zebra_model_works_out_of_the_box(example):
    """JSON and natural-language Zebra under lm+penalty with no --model, offline."""
    path = EXAMPLES / example
    result = CliRunner().invoke(cli, ["solve", str(path), "--json", "--energy", "lm+penalty",
                                      "--chains", "8", "--sweeps", "2000", *NO_CLOCK])
    rows = verified_rows(result, path)
    assert all(r["verified"] for r in rows) and result.exit_code == 0, result.stderr


@pytest.mark.parametrize("bad", ["9-3", "x", "1-3", "3-", "2-99"])
def test_bad_training_sizes_are_usage_errors(bad, tmp_path):
    result = CliRunner().invoke(cli, ["train", "zebra", "--houses", bad, "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and "--houses" in result.stderr
    assert not (tmp_path / "m").exists()


def test_a_puzzle_too_large_for_the_model_fails_alone(zebra_model, puzzles, tmp_path):
    big = tmp_path / "big.jsonl"
    made = CliRunner().invoke(cli, ["generate", "zebra", "--houses", "9", "--attributes", "2",
                                    "--count", "1", "--seed", "1", "-q"])
    big.write_text(puzzles.read_text().splitlines()[0] + "\n" + made.stdout)
    result = CliRunner().invoke(cli, ["solve", str(big), "--json", "--energy", "lm+penalty",
                                      "--model", str(zebra_model), "--sweeps", "100", *NO_CLOCK])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["verified"] for r in rows] == [True, False] and result.exit_code == 1
    assert "up to 8 houses" in rows[1]["error"] and "energy penalty" in rows[1]["error"]
