"""Reading rules for value names shared by two attributes, end to end: verbs never pick an
attribute (the published-set failures: a clue `can never hold`, a wrong answer called
unique), nouns do, and readings decided by nouns that leave no solution are opened again,
which `solve` and `check` say."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cli import cli
from puzzles.formats import read_file
from harness.checking import check
from puzzles.zebra.clues import Either
from puzzles.zebra.reference import count_solutions

HEAD = """There are 3 people next to each other in a row in positions 1, 2, 3 who have the following characteristics.
Everyone has a different favorite hobby: biking, skiing, chess.
Everyone likes a different physical activity: skiing, paragliding, biking.
Everyone has a different name: Ann, Bo, Cy.
Read the clues below and answer the question. Some clues may be irrelevant.
"""


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def write(tmp_path, body: str):
    path = tmp_path / "p.txt"
    path.write_text(HEAD + body)
    return path


def test_the_declarations_verb_does_not_make_a_clue_impossible(tmp_path):
    # `likes` is the activity's verb: read as the activity, skiing and paragliding would
    # be two activities of one person, and the clue could never hold
    path = write(tmp_path, "Clue 1: The person who likes skiing is the person who likes paragliding.\n"
                           "Clue 2: The person who likes paragliding is Bo.\n"
                           "Clue 3: Bo is the person at the 2nd position.\n"
                           "Question: What position is Bo at?\n")
    puzzle = read_file(str(path)).records[0].puzzle
    assert puzzle.clues[0].a == Either((("favorite hobby", "skiing"), ("physical activity", "skiing")))
    assert puzzle.readings_opened is None  # nothing was decided
    result = run("solve", "--solver", "reference", "--json", path)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["answer"] == 2
    checked = check(read_file(str(path)).records[0])
    assert checked.verdict != "none"
    assert [a["clue"] for a in checked.ambiguous] == [1]


def test_an_ambiguous_question_is_never_answered_by_one_reading(tmp_path):
    # hobby biking is at 1 and activity biking at 3 in the only solution: the question
    # `the person who likes biking` has two answers, and is not answered
    path = write(tmp_path, "Clue 1: The person whose favorite hobby is biking is Ann.\n"
                           "Clue 2: Ann is the person at the 1st position.\n"
                           "Clue 3: The person whose physical activity is biking is Cy.\n"
                           "Clue 4: Cy is the person at the 3rd position.\n"
                           "Clue 5: Bo is the person who has skiing as a favorite hobby.\n"
                           "Clue 6: Bo is the person whose physical activity is paragliding.\n"
                           "Question: What position is the person who likes biking at?\n")
    result = run("solve", "--solver", "reference", "--json", path)
    assert result.exit_code == 1
    obj = json.loads(result.stdout)
    assert obj["answer"] is None and obj["answers"] == [1, 3]
    assert obj["solution_verdict"] == "unique"  # one arrangement, yet two readings
    result = run("check", path)
    assert "ambiguous: question = favorite hobby=biking or physical activity=biking" in result.stdout
    assert result.exit_code == 1


CONTRADICTED = ("Clue 1: The person whose favorite hobby is biking is the person at the 1st position.\n"
                "Clue 2: The person who likes chess is the person at the 1st position.\n"
                "Clue 3: Ann is the person who likes skiing.\n"
                "Question: What position is the person who likes chess at?\n")


def test_decided_readings_that_contradict_are_opened_and_solve_and_check_say_so(tmp_path):
    path = write(tmp_path, CONTRADICTED)
    puzzle = read_file(str(path)).records[0].puzzle
    assert puzzle.readings_opened and "clue 1" in puzzle.readings_opened
    assert isinstance(puzzle.clues[0].a, Either)
    assert count_solutions(puzzle).verdict != "none"
    result = run("solve", "--solver", "reference", "--json", path)
    assert result.exit_code == 0, result.output
    obj = json.loads(result.stdout)
    assert obj["answer"] == 1 and obj["readings_opened"] == puzzle.readings_opened
    assert f"{path}:1: note: the readings that attribute nouns decide (clue 1)" in result.stderr
    quiet = run("solve", "--solver", "reference", "--quiet", path)
    assert quiet.exit_code == 0 and "note" not in quiet.stderr
    result = run("check", path)
    assert "  note: the readings that attribute nouns decide (clue 1)" in result.stdout
    assert "none" not in result.stdout.splitlines()[0]
    result = run("check", "--json", path)
    assert json.loads(result.stdout)["readings_opened"] == puzzle.readings_opened
    # the answer JSON reads back: its puzzle is the one solved, readings open
    answers = tmp_path / "answers.jsonl"
    assert run("solve", "--solver", "reference", "--json", "--out", answers, path).exit_code == 0
    assert run("verify", path, answers).exit_code == 0
    assert run("solve", "--solver", "reference", answers).exit_code == 0


def test_without_shared_names_a_contradiction_stays_one(tmp_path):
    path = write(tmp_path, "Clue 1: Ann is the person at the 1st position.\n"
                           "Clue 2: Bo is the person at the 1st position.\n")
    result = run("solve", "--solver", "reference", "--json", path)
    assert result.exit_code == 1 and "note" not in result.stderr
    assert "readings_opened" not in json.loads(result.stdout)
