"""Messages for people: no Python reprs, plurals and articles, directories named as
such, options that do nothing in a combination warned about, reversed ranges refused."""

import json

import pytest
from click.testing import CliRunner

from cli import cli
from puzzles.base import article, plural
from puzzles.errors import PuzzleError
from puzzles.formats import read_text
from harness.checking import check
from harness.commands.options import idle_settings
from puzzles.sudoku.model import Sudoku, explain

MANY = "1...............\n"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def many(tmp_path):
    path = tmp_path / "many.txt"
    path.write_text(MANY)
    return path


def test_articles_and_plurals():
    assert [article(w) for w in ("9x9", "8x8", "11x11", "18x18", "16x16", "attribute")] == \
        ["a 9x9", "an 8x8", "an 11x11", "an 18x18", "a 16x16", "an attribute"]
    assert (plural(1, "clue"), plural(0, "clue"), plural(2, "box", "boxes")) == \
        ("1 clue", "0 clues", "2 boxes")
    with pytest.raises(PuzzleError, match="for an 8x8 board"):
        Sudoku.parse("." * 63 + "9")
    with pytest.raises(PuzzleError, match="^1 symbol is not a square board"):
        Sudoku.parse("1")


def test_check_says_1_given_not_1_givens():
    (record,) = read_text("p.txt", MANY).records
    assert check(record).line().endswith("(1 given)")


def test_shape_mismatch_names_boxes_without_python_reprs():
    puzzle = Sudoku.parse("." * 36, (2, 3))
    other = Sudoku.parse("." * 36, (3, 2))
    why = explain(puzzle, other)
    assert "(2, 3)" not in why and "2x3" in why and "3x2" in why


@pytest.mark.parametrize("command", [["solve"], ["check"], ["bench", "--solver", "reference"],
                                     ["verify", "{many}"]])
def test_a_directory_argument_is_named_as_such(tmp_path, many, command):
    args = [c.format(many=many) for c in command]
    result = run(args[0], tmp_path, *args[1:])
    assert result.exit_code == 2 and result.stderr.strip() == f"{tmp_path}: is a directory"


def test_options_that_do_nothing_are_warned_about(many):
    result = run("solve", many, "--lm-weight", 2, "--order", "random", "--anneal-sweeps", 9)
    assert result.exit_code == 0
    assert "warning: --lm-weight does nothing with --energy penalty" in result.stderr
    assert "warning: --order does nothing with --move block" in result.stderr
    assert "warning: --anneal-sweeps does nothing with --schedule tempering" in result.stderr
    assert "warning: --chains does nothing with the reference solver" in \
        run("solve", many, "--solver", "reference", "--chains", 3).stderr
    assert "--lm-weight" not in run("solve", many, "--lm-weight", 2, "--quiet").stderr
    assert run("solve", many, "--order", "random", "--move", "site").stderr.count("warning: --") == 0


def test_idle_settings_names_only_what_was_given():
    settings = {"energy": "penalty", "move": "block", "schedule": "tempering", "init": "uniform",
                "search": "anneal"}
    assert idle_settings(settings, set()) == []
    assert idle_settings(settings, {"penalty_weight"}) == [
        "--penalty-weight does nothing with --energy penalty (only lm+penalty weighs the penalty)"]
    assert idle_settings({**settings, "energy": "lm+penalty"}, {"lm_weight", "penalty_weight"}) == []
    assert idle_settings(settings, {"ants", "patience"}) == [
        "--ants does nothing with --search anneal (it sets the constructive chains)"]
    construct = {**settings, "search": "construct", "energy": "lm+penalty"}
    assert idle_settings(construct, {"lm_weight", "ants"}) == []  # the prior's exponent
    assert idle_settings(construct, {"penalty_weight", "patience"}) == [
        "--patience does nothing with --search construct (see --restart)",
        "--penalty-weight does nothing with --search construct (the LM is read once, as the "
        "field's prior; --lm-weight is its exponent)"]


def test_reversed_beta_range_is_refused(many, tmp_path):
    result = run("solve", many, "--beta-start", 7, "--beta-end", 1)
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("--beta-start 7 is above --beta-end 1")
    out = tmp_path / "rep"
    result = run("report", many, "--beta-start", 7, "--beta-end", 1, "--out", out)
    assert result.exit_code == 2 and not out.exists()


def test_report_settings_show_the_box_as_written(many, tmp_path):
    out = tmp_path / "rep"
    assert run("report", many, "--energies", "reference", "--box", "2x2", "--out", out,
               "--quiet").exit_code == 0
    assert json.loads((out / "report.json").read_text())["settings"]["box"] == "2x2"
    assert "(2, 2)" not in (out / "report.md").read_text()


def test_written_files_get_normal_permissions(tmp_path):
    import os

    from encoders.lm import normal_permissions
    path = tmp_path / "model.safetensors"
    path.write_bytes(b"x")
    os.chmod(path, 0o600)
    umask = os.umask(0o022)
    try:
        normal_permissions(str(tmp_path))
    finally:
        os.umask(umask)
    assert oct(path.stat().st_mode & 0o777) == oct(0o644)
