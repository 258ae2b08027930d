"""The CLI on Zebra puzzles: solve, verify, check and generate, exit codes, --json fields,
read-back of answers, and bad input (exit 2, FILE:LINE on stderr, nothing written)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from test_zebra import EXAMPLE, EXAMPLE_SOLUTION

from cli import cli
from puzzles.zebra.generate import ZebraGenerator
from puzzles.zebra.model import ZebraPuzzle, ZebraSolution
from puzzles.zebra.reference import count_solutions
from puzzles.zebra.wording import to_text


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def example_json(tmp_path):
    """The README's example as a pretty-printed .json file (one object over many lines)."""
    path = tmp_path / "example.json"
    path.write_text("\n" + json.dumps({**EXAMPLE, "solution": EXAMPLE_SOLUTION}, indent=2))
    return path


@pytest.fixture
def generated(tmp_path):
    """Three unique 4x4 puzzles in a .jsonl file, written by `generate zebra`."""
    path = tmp_path / "gen.jsonl"
    result = run("generate", "zebra", "--houses", 4, "--attributes", 4, "--count", 3,
                 "--seed", 7, "--out", path)
    assert result.exit_code == 0 and result.stdout == ""
    return path


def test_solve_json_gives_the_solution_in_the_input_shape_and_the_answer(example_json):
    result = run("solve", example_json, "--json")
    assert result.exit_code == 0, result.stderr
    (row,) = json_lines(result.stdout)
    assert row["source"] == f"{example_json}:2" and row["kind"] == "zebra"
    assert row["puzzle"] == EXAMPLE
    assert row["solution"] == EXAMPLE_SOLUTION
    assert row["answer"] == 1 and row["verified"] and row["error"] is None
    assert row["matches_expected"] and row["search"] == "construct"  # the Glauber solver answered


def test_json_answers_read_back_for_verify_and_solve(tmp_path, generated):
    answers = tmp_path / "answers.jsonl"
    assert run("solve", generated, "--json", "--out", answers).exit_code == 0
    result = run("verify", generated, answers)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [f"{generated}:{i}: ok" for i in (1, 2, 3)]
    again = json_lines(run("solve", answers, "--json").stdout)  # answers are puzzles too
    first = json_lines(answers.read_text())
    assert [r["solution"] for r in again] == [r["solution"] for r in first]
    assert all(r["matches_expected"] for r in again)


def test_zebra_input_is_answered_in_plain_text_without_json_flag(generated):
    result = run("solve", generated)
    assert "position of the asked person" in result.stdout
    result = run("solve", generated, "--json")
    rows = json_lines(result.stdout)
    assert result.exit_code == 0 and len(rows) == 3
    expected = [json.loads(line)["solution"] for line in generated.read_text().splitlines()]
    assert [r["solution"] for r in rows] == expected
    assert all(isinstance(r["answer"], int) for r in rows)


def test_natural_language_files_solve_and_verify(tmp_path):
    texts = []
    for seed in (1, 2):
        g = ZebraGenerator(4, 3, seed=seed).generate()
        path = tmp_path / f"puzzle{seed}.txt"
        path.write_text(to_text(g.puzzle))
        texts.append((path, g))
    result = run("solve", *[p for p, _ in texts], "--out", tmp_path / "a.jsonl")
    assert result.exit_code == 0
    rows = json_lines((tmp_path / "a.jsonl").read_text())
    for row, (path, g) in zip(rows, texts):
        assert row["source"] == f"{path}:1"
        assert row["answer"] == g.puzzle.answer(g.solution)
        assert row["solution"] == g.solution.to_json()
    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps(rows[0]) + "\n")
    assert run("verify", texts[0][0], one).exit_code == 0


def test_unsolvable_puzzle_still_gets_its_line_and_exits_1(tmp_path, example_json):
    contradictory = {**EXAMPLE, "clues": EXAMPLE["clues"] + [
        {"kind": "at", "a": ["pet", "fish"], "position": 3}]}
    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps(EXAMPLE) + "\n" + json.dumps(contradictory) + "\n"
                    + json.dumps({"puzzle": "1" + "." * 15}) + "\n")
    result = run("solve", path, "--json")
    assert result.exit_code == 1
    rows = json_lines(result.stdout)
    assert [r["kind"] for r in rows] == ["zebra", "zebra", "sudoku"]
    assert rows[0]["answer"] == 1 and rows[2]["verified"]
    assert rows[1]["solution"] is None and rows[1]["answer"] is None
    assert f"{path}:2: no solution (" in result.stderr


def test_check_verdicts_and_clue_counts(tmp_path):
    no_clues = {**EXAMPLE, "clues": []}
    clash = {**EXAMPLE, "clues": [{"kind": "left_of", "a": ["pet", "cat"], "b": ["pet", "cat"]}]}
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(o) + "\n" for o in (EXAMPLE, no_clues, clash)))
    result = run("check", path, "--json")
    assert result.exit_code == 1
    rows = json_lines(result.stdout)
    assert [r["verdict"] for r in rows] == ["unique", "many", "none"]
    assert [r["clues"] for r in rows] == [4, 0, 1]
    assert rows[2]["error"].startswith("conflicting clues: clue 1")
    text = run("check", path).stdout.splitlines()
    assert text[0] == f"{path}:1: unique (4 clues)"


def test_verify_names_the_broken_clue_and_a_kind_mismatch(tmp_path, example_json):
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text(json.dumps({**EXAMPLE, "solution": {
        "color": ["red", "green", "blue"], "pet": ["cat", "fish", "dog"]}}) + "\n")
    result = run("verify", example_json, wrong)
    assert result.exit_code == 1
    assert "clue 4 (pet=cat is next to pet=dog) does not hold" in result.stdout
    sudoku = tmp_path / "s.txt"
    sudoku.write_text("1234341221434321\n")
    result = run("verify", example_json, sudoku, "--json")
    (row,) = json_lines(result.stdout)
    assert result.exit_code == 1 and "answer is for a sudoku puzzle" in row["error"]
    bare = tmp_path / "bare.jsonl"
    bare.write_text(json.dumps(EXAMPLE) + "\n")  # no solution field: nothing proposed
    assert "no solution given" in run("verify", example_json, bare).stdout


def test_generate_zebra_jsonl_is_deterministic_unique_and_solvable(generated):
    rows = json_lines(generated.read_text())
    assert len(rows) == 3
    for row in rows:
        puzzle = ZebraPuzzle.from_json(row)
        assert row["kind"] == "zebra" and puzzle.houses == 4 and len(puzzle.attributes) == 4
        assert puzzle.explain(ZebraSolution.from_json(puzzle, row["solution"])) is None
        counted = count_solutions(puzzle)  # the SAT figures written are the puzzle's own
        assert (row["conflicts"], row["decisions"]) == (counted.conflicts, counted.decisions)
    again = run("generate", "zebra", "--houses", 4, "--attributes", 4, "--count", 3, "--seed", 7)
    assert again.stdout == generated.read_text()
    assert run("check", generated).exit_code == 0


def test_generate_zebra_text_one_file_or_a_directory(tmp_path):
    one = run("generate", "zebra", "--houses", 3, "--attributes", 3, "--format", "text")
    assert one.exit_code == 0 and one.stdout.startswith("There are 3 people")
    out = tmp_path / "texts"
    result = run("generate", "zebra", "--houses", 4, "--attributes", 3, "--count", 2,
                 "--format", "text", "--wording", "houses", "--out", out)
    assert result.exit_code == 0
    files = sorted(out.iterdir())
    assert [f.name for f in files] == ["zebra_001.txt", "zebra_002.txt"]
    assert files[0].read_text().startswith("There are 4 houses")
    assert run("check", *files).exit_code == 0
    refused = run("generate", "zebra", "--count", 2, "--format", "text")
    assert refused.exit_code == 2 and "--out DIRECTORY" in refused.stderr


BAD_CLUE = {"kind": "near", "a": ["pet", "cat"], "b": ["pet", "dog"]}


@pytest.mark.parametrize("name, text, where, message", [
    ("bad.jsonl", json.dumps(EXAMPLE) + "\n" + json.dumps({**EXAMPLE, "clues": [BAD_CLUE]}) + "\n",
     2, "clue 1: unknown clue kind 'near'"),
    ("bad.jsonl", json.dumps({**EXAMPLE, "attributes": {"pet": ["cat", "dog"]}}) + "\n",
     1, "attribute 'pet' has 2 values, expected 3"),
    ("bad.jsonl", json.dumps({**EXAMPLE, "solution": {"pet": "cat"}}) + "\n",
     1, "solution must give attribute"),
    ("bad.json", '{\n  "houses": 3,\n  "attributes": {\n}}}\n', 4, "invalid JSON"),
    ("bad.txt", "There are 2 people in a row.\nEveryone owns a different pet: cat, dog.\n\n"
                "Clue 1: The cat flies.\n", 4, "cannot parse clue: Clue 1: The cat flies."),
    ("bad.txt", "There are 2 people in a row.\nEveryone owns a different pet: cat, dog.\n"
                "Clue 1: The person who owns a cow is next to the person who owns a dog.\n",
     3, "no declared value in 'the person who owns a cow'"),
])
@pytest.mark.parametrize("command", ["solve", "check"])
def test_malformed_zebra_input_exits_2_naming_file_and_line(tmp_path, command, name, text,
                                                            where, message):
    path = tmp_path / name
    path.write_text(text)
    out = tmp_path / "out.jsonl"
    args = ("solve", path, "--json", "--out", out) if command == "solve" else ("check", path)
    result = run(*args)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"{path}:{where}: ") and message in result.stderr
    assert not out.exists()


def test_console_script_has_no_traceback_on_bad_clue_text(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("There are 2 people in a row.\nEveryone owns a different pet: cat, dog.\n"
                   "Clue 1: The cat flies.\n")
    proc = subprocess.run([sys.executable, "-m", "cli", "solve", str(bad)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and f"{bad}:3: cannot parse clue" in proc.stderr
