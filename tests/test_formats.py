import json

import pytest
from hypothesis import given, strategies as st

from puzzles.errors import InputError
from puzzles.formats import candidates, format_answers, read_text
from puzzles.reference import ReferenceSolver
from puzzles.solving import solve_all
from puzzles.strategies import sudoku_puzzles

BOXES = [(2, 2), (2, 3), (3, 2), (2, 4), (3, 3), (4, 4)]
puzzles_any_box = st.sampled_from(BOXES).flatmap(
    lambda box: st.lists(sudoku_puzzles(box, max_givens=box[0] * box[1] * 2, unique=False),
                         min_size=1, max_size=3))


def answer_round_trip(path, text, box=None):
    """Read, solve, write answers in the same format, and read those back."""
    pfile = read_text(path, text, box=box)
    outcomes = solve_all(ReferenceSolver(), [r.puzzle for r in pfile.records])
    written = format_answers(pfile, outcomes)
    return pfile, outcomes, read_text(path, written, box=box)


@given(puzzles_any_box, st.sampled_from(["line", "grid", "csv", "jsonl"]))
def test_every_format_round_trips(puzzles, layout):
    box = puzzles[0].box
    if layout == "line":
        path, text = "p.txt", "# comment\n\n" + "".join(p.format() + "\n" for p in puzzles)
    elif layout == "grid":
        path, text = "p.txt", "".join(p.format_grid() + "\n\n" for p in puzzles)
    elif layout == "csv":
        path, text = "p.csv", "quizzes,solutions\n" + "".join(f"{p.format('0') if p.n <= 9 else p.format()},\n"
                                                             for p in puzzles)
    else:
        path = "p.jsonl"
        text = "".join(json.dumps({"puzzle": p.format(), "box": f"{p.box[0]}x{p.box[1]}"}) + "\n"
                       for p in puzzles)
    explicit_box = box if layout != "jsonl" else None
    pfile, outcomes, back = answer_round_trip(path, text, explicit_box)
    assert [r.puzzle for r in pfile.records] == puzzles
    assert all(o.verified for o in outcomes)
    solved = [o.solution for o in outcomes]
    if layout in ("line", "grid"):
        assert [r.puzzle for r in back.records] == solved
    else:
        assert [r.expected for r in back.records] == solved
        assert [s for _, s in candidates(back)] == solved


def test_grid_blocks_with_drawing_characters():
    text = """# a 4x4 drawn with separators
1 . | . 4
. . | 2 .
----+----
. 1 | . .
4 . | . 3

12341234........
"""
    pfile = read_text("g.txt", text)
    assert [r.line for r in pfile.records] == [2, 8]
    assert [r.layout for r in pfile.records] == ["grid", "line"]
    assert pfile.records[0].puzzle.format() == "1..4..2..1..4..3"


def test_sixteen_line_puzzles_are_not_mistaken_for_a_grid():
    lines = ["1" + "." * 15] * 16
    pfile = read_text("p.txt", "\n".join(lines))
    assert len(pfile.records) == 16


def test_kaggle_style_csv_with_expected_solutions():
    text = "quizzes,solutions\n" + "1" + "0" * 15 + ",1234341221434321\n"
    pfile = read_text("k.csv", text)
    assert pfile.has_solutions and pfile.records[0].expected.format() == "1234341221434321"
    assert pfile.records[0].line == 2


@pytest.mark.parametrize("path,text,where,message", [
    ("a.txt", "1234\n" + "." * 16 + "\n" + "." * 15 + "\n", "a.txt:1", "4 symbols is not a square board"),
    ("a.txt", "." * 81 + "\n" + "." * 80 + "\n", "a.txt:2", "80 symbols"),
    ("a.txt", "." * 80 + "Z\n", "a.txt:1", "bad symbol 'Z'"),
    ("a.txt", "1.. .\n.2..\n..3.\n...X\n", "a.txt:4", "bad symbol 'X'"),
    ("a.txt", "# only a comment\n", "a.txt", "no puzzles"),
    ("a.csv", "id,grid\n1,2\n", "a.csv:1", "no puzzle column"),
    ("a.csv", "id,puzzle\n1\n", "a.csv:2", "row has 1 fields"),
    ("a.csv", "puzzle,solution\n" + "." * 16 + ",12\n", "a.csv:2", "got 2"),
    ("a.jsonl", '{"puzzle": "' + "." * 16 + '"}\n{"puzzle": 3}\n', "a.jsonl:2", '"puzzle" string'),
    ("a.jsonl", '{"puzzle": \n', "a.jsonl:1", "invalid JSON"),
    ("a.jsonl", '{"puzzle": "' + "." * 36 + '", "box": "3x3"}\n', "a.jsonl:1", "expected 81 symbols"),
])
def test_malformed_input_names_file_line_and_problem(path, text, where, message):
    with pytest.raises(InputError) as info:
        read_text(path, text)
    assert str(info.value).startswith(where + ":")
    assert message in str(info.value)


def test_box_option_disambiguates_shape():
    text = "." * 36 + "\n"
    assert read_text("p.txt", text).records[0].puzzle.box == (2, 3)
    assert read_text("p.txt", text, box=(3, 2)).records[0].puzzle.box == (3, 2)
