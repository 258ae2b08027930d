"""Users' data survive the round trip: CSV columns kept, byte-order marks, stdin,
--puzzle strings, plain-text Zebra answers."""

import json

import pytest
from click.testing import CliRunner

from cli import cli
from puzzles.formats import read_text
from puzzles.zebra.generate import ZebraGenerator

PUZZLE = "1..............."  # 4x4, many solutions but solvable
UNIQUE = "1.3.3.1.2.4.4.2."  # 4x4 with a solution


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


def test_csv_output_keeps_every_input_column_and_adds_the_solution(tmp_path):
    src = tmp_path / "mine.csv"
    src.write_text('id,difficulty,puzzle,note\n7,easy,1.3.3.1.2.4.4.2.,"a, b"\n8,hard,11..............,x\n')
    result = run("solve", src, "--solver", "reference")
    lines = result.stdout.splitlines()
    assert lines[0] == "id,difficulty,puzzle,note,solutions"
    assert lines[1].startswith('7,easy,1.3.3.1.2.4.4.2.,"a, b",1') and len(lines[1].split(",")[-1]) == 16
    assert lines[2] == "8,hard,11..............,x,"  # unsolved: the row as it was, no solution
    assert result.exit_code == 1
    out = tmp_path / "answers.csv"
    out.write_text(result.stdout)
    assert run("verify", src, out).stdout.splitlines()[0].endswith(": ok")


def test_csv_solution_column_is_filled_in_place(tmp_path):
    src = tmp_path / "k.csv"
    src.write_text("quizzes,solutions,source\n1.3.3.1.2.4.4.2.,,book\n")
    lines = run("solve", src, "--solver", "reference").stdout.splitlines()
    assert lines[0] == "quizzes,solutions,source"
    assert lines[1].startswith("1.3.3.1.2.4.4.2.,1") and lines[1].endswith(",book")


@pytest.mark.parametrize("name,text", [
    ("bom.txt", UNIQUE + "\n"),
    ("bom.csv", "puzzle\n" + UNIQUE + "\n"),
    ("bom.jsonl", json.dumps({"puzzle": UNIQUE}) + "\n"),
    ("bom.json", json.dumps({"puzzle": UNIQUE}, indent=1) + "\n"),
])
def test_a_utf8_byte_order_mark_is_accepted_in_every_format(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    result = run("solve", path, "--solver", "reference", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[0])["verified"]


def test_zebra_text_with_a_byte_order_mark():
    g = ZebraGenerator(3, 3, seed=1).generate()
    from puzzles.zebra.wording import to_text
    assert read_text("z.txt", "\ufeff" + to_text(g.puzzle)).format == "text"


def test_dash_reads_stdin_and_puzzle_strings_are_solved(tmp_path):
    result = run("solve", "-", "--solver", "reference", input=UNIQUE + "\n")
    assert result.exit_code == 0 and len(result.stdout.strip()) == 16
    result = run("solve", "-", "--solver", "reference", "--json", input=UNIQUE + "\n")
    assert json.loads(result.stdout)["source"] == "<stdin>:1"
    result = run("solve", "--puzzle", UNIQUE, "--puzzle", PUZZLE, "--solver", "reference", "--json")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in rows] == ["--puzzle:1", "--puzzle:2"]
    assert all(r["verified"] for r in rows)
    result = run("solve", "--solver", "reference")
    assert result.exit_code == 2 and "nothing to solve" in result.stderr
    result = run("solve", "--puzzle", "12x", "--solver", "reference")
    assert result.exit_code == 2 and result.stderr.startswith("--puzzle:1: ")


def test_zebra_answers_are_plain_text_unless_json(tmp_path):
    g = ZebraGenerator(3, 3, seed=2).generate()
    path = tmp_path / "z.jsonl"
    path.write_text(json.dumps({"kind": "zebra", **g.puzzle.to_json()}) + "\n")
    result = run("solve", path, "--solver", "reference")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    attribute, value = g.puzzle.question
    assert lines[0] == f"{path}:1: solved"
    assert lines[1] == (f"position of the asked person ({attribute} {value}): "
                        f"{g.puzzle.answer(g.solution)}")
    assert lines[2].split() == ["position", "1", "2", "3"]
    assert [line.split()[0] for line in lines[3:6]] == [name for name, _ in g.solution.assignment]
    assert lines[3].split()[1:] == list(g.solution.assignment[0][1])
    as_json = run("solve", path, "--solver", "reference", "--json").stdout
    assert json.loads(as_json)["answer"] == g.puzzle.answer(g.solution)
    out = tmp_path / "a.jsonl"  # an --out file named .jsonl gets JSON lines
    run("solve", path, "--solver", "reference", "--out", out)
    assert json.loads(out.read_text())["answer"] == g.puzzle.answer(g.solution)
