"""`check` verdicts and `verify` pairing as library calls."""

import pytest

from puzzles.errors import InputError
from puzzles.formats import read_text
from harness.checking import check, judge_answers

UNIQUE = "1234341221434321"  # a full 4x4 grid: unique
MANY = "." * 16
CLASH = "11" + "." * 14


def test_verdicts_with_reasons_and_figures():
    pfile = read_text("p.txt", "\n".join([UNIQUE, MANY, CLASH]))
    unique, many, clash = (check(r) for r in pfile.records)
    assert (unique.verdict, unique.error) == ("unique", None)
    assert set(unique.stats) == {"conflicts", "decisions"}
    assert (many.verdict, many.error) == ("many", "more than one solution")
    assert clash.verdict == "none" and clash.error.startswith("conflicting givens:")
    assert clash.stats == {}
    assert unique.line() == "p.txt:1: unique (16 givens)"
    assert many.as_dict() == {"source": "p.txt:2", "kind": "sudoku", "givens": 0,
                              "verdict": "many", "error": "more than one solution",
                              **many.stats}


def test_answers_are_paired_in_order_and_judged():
    puzzles = read_text("p.txt", "1" + "." * 15 + "\n" + MANY + "\n")
    answers = read_text("a.txt", UNIQUE + "\n" + UNIQUE.replace("4", "1", 1) + "\n")
    ok, bad = judge_answers(puzzles, answers)
    assert ok.error is None and ok.line() == "p.txt:1: ok"
    assert bad.error is not None and bad.as_dict()["answer"] == "a.txt:2"
    with pytest.raises(InputError, match="a.txt: 1 answer for 2 puzzles in p.txt"):
        judge_answers(puzzles, read_text("a.txt", UNIQUE + "\n"))
