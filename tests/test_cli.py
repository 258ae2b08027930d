import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cli import cli
from puzzles.sudoku.model import Sudoku, parse_box, verify
from puzzles.sudoku.reference import count_solutions

PUZZLE_4X4 = "1...............\n"
SOLVED_6X6 = "..3.6....1.4..1..2..........6...5..1\n"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def puzzles(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text(PUZZLE_4X4 + "11..............\n" + "." * 36 + "\n")
    return path


def test_solve_json_answers_in_order_and_exits_1_on_clash(puzzles):
    result = run("solve", puzzles, "--json")
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in rows] == [f"{puzzles}:1", f"{puzzles}:2", f"{puzzles}:3"]
    assert rows[0]["verified"] and rows[2]["verified"] and rows[0]["kind"] == "sudoku"
    assert rows[1]["solution"] is None and "conflicting givens" in rows[1]["error"]
    assert f"{puzzles}:2: conflicting givens" in result.stderr
    assert verify(Sudoku.parse(rows[0]["puzzle"]), Sudoku.parse(rows[0]["solution"]))


def test_solve_writes_the_input_format_and_verify_accepts_it(tmp_path):
    src = tmp_path / "q.csv"
    src.write_text("quizzes,solutions\n" + "1" + "0" * 15 + ",\n")
    out = tmp_path / "answers.csv"
    assert run("solve", src, "--out", out).exit_code == 0
    assert out.read_text().startswith("quizzes,solutions\n1000000000000000,1")
    result = run("verify", src, out)
    assert result.exit_code == 0 and result.stdout.strip().endswith(": ok")


def test_json_output_reads_back(tmp_path, puzzles):
    out = tmp_path / "a.jsonl"
    run("solve", puzzles, "--json", "--out", out)
    result = run("verify", puzzles, out)
    assert result.exit_code == 1  # the clashing puzzle has no solution
    assert [line.split(": ", 1)[1] for line in result.stdout.splitlines()] == \
        ["ok", "no solution given", "ok"]


def test_malformed_input_exits_2_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text(PUZZLE_4X4 + "." * 15 + "\n")
    out = tmp_path / "out.txt"
    result = run("solve", bad, "--out", out)
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(f"{bad}:2: 15 symbols")
    assert not out.exists()


def test_missing_file_and_bad_box_are_usage_errors(tmp_path):
    assert run("solve", tmp_path / "none.txt").exit_code == 2
    assert run("solve", "--box", "3y3", tmp_path / "none.txt").exit_code == 2


def test_verify_reports_wrong_answers(tmp_path):
    puzzle = tmp_path / "p.txt"
    puzzle.write_text(PUZZLE_4X4)
    answer = tmp_path / "a.txt"
    answer.write_text("2143341212344321\n")
    result = run("verify", puzzle, answer)
    assert result.exit_code == 1 and "given 1 at r1c1 changed to 2" in result.stdout


def test_check_verdicts(tmp_path, puzzles):
    result = run("check", puzzles, "--json")
    verdicts = [json.loads(line)["verdict"] for line in result.stdout.splitlines()]
    assert verdicts == ["many", "none", "many"] and result.exit_code == 1


def test_generate_then_check_and_solve(tmp_path):
    out = tmp_path / "gen.jsonl"
    result = run("generate", "sudoku", "--box", "2x3", "--count", 4, "--givens", 14,
                 "--seed", 3, "--format", "jsonl", "--out", out)
    assert result.exit_code == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 4 and all(r["givens"] <= 14 for r in rows)
    for r in rows:  # the SAT figures written are the puzzle's own (a fresh solver per count)
        counted = count_solutions(Sudoku.parse(r["puzzle"], parse_box(r["box"])))
        assert (r["conflicts"], r["decisions"]) == (counted.conflicts, counted.decisions)
    assert run("check", out).exit_code == 0
    solved = run("solve", out, "--json")
    assert solved.exit_code == 0
    assert all(json.loads(line)["matches_expected"] for line in solved.stdout.splitlines())


def test_generate_is_deterministic():
    a = run("generate", "sudoku", "--box", "2x2", "--count", 3, "--seed", 9).stdout
    assert a == run("generate", "sudoku", "--box", "2x2", "--count", 3, "--seed", 9).stdout
    assert len(a.splitlines()) == 3


def test_console_script_has_no_traceback_on_bad_input(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("xyz\n")
    proc = subprocess.run([sys.executable, "-m", "cli", "solve", str(bad)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and f"{bad}:1:" in proc.stderr


def test_glauber_is_the_default_solver_and_deterministic_for_a_seed(tmp_path):
    out = tmp_path / "gen.txt"
    run("generate", "sudoku", "--box", "2x3", "--count", 3, "--givens", 12, "--seed", 5, "--out", out)

    def answers(seed):
        result = run("solve", out, "--json", "--seed", seed, "--chains", 4, "--propagate", "none")
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        assert result.exit_code == 0 and all(r["verified"] and r["search"] == "construct" for r in rows)
        return [(r["solution"], r["sweeps"], r["restarts"]) for r in rows]

    assert answers(11) == answers(11)


@pytest.mark.parametrize("move", ["site", "swap", "shuffle", "block"])
def test_every_move_kernel_solves_small_boards(tmp_path, move):
    out = tmp_path / "gen.txt"
    run("generate", "sudoku", "--box", "2x2", "--count", 4, "--seed", 2, "--out", out)
    result = run("solve", out, "--json", "--move", move, "--propagate", "none", "--schedule", "geometric")
    assert result.exit_code == 0, result.stderr
    assert all(json.loads(line)["verified"] for line in result.stdout.splitlines())
