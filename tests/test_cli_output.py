"""The CLI's output as users meet it: paths checked before any work, answers written as
they are ready (in input order), no leftovers from failed runs."""

import json

import pytest
from click.testing import CliRunner

from cli import cli
from harness import solving
from harness.solving import ReferenceSolver, solve_all
from solver.observers import Hooks
from puzzles.sudoku import generate as sudoku_generate
from puzzles.sudoku.model import Sudoku

PUZZLES_4X4 = ["1234341221434321", "1.3.3.1.2.4.4.2.", "12..............", "2143341212344321"]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def puzzles(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("".join(p + "\n" for p in PUZZLES_4X4))
    return path


@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if any solving or generating starts."""
    from harness import chunks  # imported now: it must not keep `refuse`

    def refuse(*args, **kwargs):
        raise AssertionError("work started before the output path was checked")
    monkeypatch.setattr(solving, "solve_all", refuse)
    monkeypatch.setattr(chunks, "solve_all", refuse)
    monkeypatch.setattr(sudoku_generate.SudokuGenerator, "generate", refuse)


@pytest.mark.parametrize("command", [["solve", "{p}", "--solver", "reference"],
                                     ["generate", "sudoku", "--box", "2x2"]])
def test_out_into_a_missing_directory_fails_before_any_work(tmp_path, puzzles, no_work, command):
    out = tmp_path / "missing" / "a.txt"
    result = run(*[c.format(p=puzzles) for c in command], "--out", out)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{out}: cannot write: directory {out.parent} does not exist"
    assert not out.parent.exists()


def test_out_that_is_a_directory_is_named_as_such(tmp_path, puzzles, no_work):
    result = run("solve", puzzles, "--out", tmp_path)
    assert result.exit_code == 2 and result.stderr.strip() == f"{tmp_path}: is a directory"


def test_report_out_dir_is_checked_first_and_never_left_empty(tmp_path, puzzles, no_work):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("report", puzzles, "--energies", "reference", "--out", blocker / "rep")
    assert result.exit_code == 2 and "cannot create directory" in result.stderr
    bad = tmp_path / "bad.txt"
    bad.write_text("123\n")
    out = tmp_path / "rep"
    result = run("report", bad, "--energies", "reference", "--out", out)
    assert result.exit_code == 2 and not out.exists()  # malformed input: no empty directory


def test_solve_all_reports_outcomes_in_input_order_as_they_are_ready():
    class OutOfOrder:  # a batch solver that finishes the last puzzle first
        name, batched = "fake", True

        def solve_many(self, puzzles, observer=None):
            attempts = [ReferenceSolver().solve(p) for p in puzzles]
            for i in reversed(range(len(puzzles))):
                seen.append(("ready", i))
                observer.result(i, attempts[i])
            return attempts

    seen = []
    puzzles = [Sudoku.parse(p) for p in PUZZLES_4X4]
    solve_all(OutOfOrder(), puzzles, Hooks(outcome=lambda i, o: seen.append(("out", i))))
    outs = [i for tag, i in seen if tag == "out"]
    assert outs == [0, 1, 2, 3]
    assert seen.index(("out", 0)) == len(seen) - 4  # nothing written before puzzle 0 is ready


def test_an_interrupted_solve_keeps_the_answers_it_finished(tmp_path, puzzles, monkeypatch):
    calls = []
    original = ReferenceSolver.solve

    def solve(self, puzzle):
        calls.append(puzzle)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(self, puzzle)

    monkeypatch.setattr(ReferenceSolver, "solve", solve)
    out = tmp_path / "answers.txt"
    result = CliRunner().invoke(cli, ["solve", str(puzzles), "--solver", "reference",
                                      "--out", str(out)])
    assert result.exit_code == 130 and result.stderr.endswith(
        f"interrupted: 2 of 4 answered (written to {out})\n")
    answers = out.read_text().splitlines()
    assert len(answers) == 2 and answers[0] == PUZZLES_4X4[0] and "." not in answers[1]


def test_glauber_answers_stream_in_order_too(tmp_path, puzzles):
    out = tmp_path / "a.jsonl"
    result = run("solve", puzzles, "--json", "--out", out, "--chains", 4)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["source"] for r in rows] == [f"{puzzles}:{k}" for k in range(1, 5)]
    assert result.exit_code == 0


def test_generated_puzzles_are_written_one_by_one(tmp_path):
    out = tmp_path / "g.csv"
    assert run("generate", "sudoku", "--box", "2x2", "--count", 3, "--format", "csv",
               "--out", out).exit_code == 0
    lines = out.read_text().splitlines()
    assert lines[0].startswith("puzzle,") and len(lines) == 4
    whole = run("generate", "sudoku", "--box", "2x2", "--count", 3, "--format", "csv").stdout
    assert whole == out.read_text()
