import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_zebra import EXAMPLE, EXAMPLE_SOLUTION

from puzzles.errors import InputError
from harness.answers import format_answers
from puzzles.formats import detect_format, proposed_answers, read_text
from harness.solving import ReferenceSolver, solve_all
from puzzles.sudoku.model import Sudoku
from puzzles.sudoku.strategies import sudoku_puzzles
from puzzles.zebra.model import ZebraPuzzle, ZebraSolution
from puzzles.zebra.strategies import zebra_puzzles
from puzzles.zebra.wording import to_text

BOXES = [(2, 2), (2, 3), (3, 2), (2, 4), (3, 3), (4, 4)]
puzzles_any_box = st.sampled_from(BOXES).flatmap(
    lambda box: st.lists(sudoku_puzzles(box, max_givens=box[0] * box[1] * 2, unique=False),
                         min_size=1, max_size=3))


def answer_round_trip(path, text, box=None, as_json=False):
    """Read, solve, write answers in the same format (or JSON lines), and read those back."""
    pfile = read_text(path, text, box=box)
    outcomes = solve_all(ReferenceSolver(), [r.puzzle for r in pfile.records])
    written = format_answers(pfile, outcomes, as_json)
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
        assert [s for _, s in proposed_answers(back)] == solved


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
    ("a.csv", "id,puzzle\n1\n", "a.csv:2", "row has 1 field,"),
    ("a.csv", "puzzle,solution\n" + "." * 16 + ",12\n", "a.csv:2", "got 2"),
    ("a.jsonl", '{"puzzle": "' + "." * 16 + '"}\n{"puzzle": 3}\n', "a.jsonl:2", '"puzzle" string'),
    ("a.jsonl", '{"puzzle": \n', "a.jsonl:1", "invalid JSON"),
    ("a.jsonl", '{"puzzle": "' + "." * 36 + '", "box": "3x3"}\n', "a.jsonl:1", "expected 81 symbols"),
    ("a.jsonl", '{"puzzle": "' + "." * 16 + '"}\n{"kind": "kakuro"}\n', "a.jsonl:2",
     "unsupported puzzle kind 'kakuro'"),
    ("a.jsonl", '{"kind": ["zebra"]}\n', "a.jsonl:1", "unsupported puzzle kind"),
    ("a.jsonl", '[1, 2]\n', "a.jsonl:1", "expected a JSON object"),
    ("a.jsonl", '{"houses": 2, "attributes": {"pet": ["cat", "cat"]}}\n', "a.jsonl:1",
     "lists value 'cat' twice"),
    ("a.jsonl", '{"kind": "zebra", "puzzle": {"houses": "3"}}\n', "a.jsonl:1",
     '"houses" must be an integer'),
    ("a.json", '{"houses": 2, "attributes": {"pet": ["cat", "dog"]}}\n{}\n', "a.json:2",
     "invalid JSON: Extra data"),
    ("a.txt", "There are 2 people in a row.\nEveryone owns a different pet: cat, dog, fish.\n",
     "a.txt:2", "attribute 'pet' has 3 values, expected 2"),
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


zebra_sizes = {"houses": st.integers(2, 4), "attributes": st.integers(1, 3)}


@given(st.lists(zebra_puzzles(**zebra_sizes), min_size=1, max_size=3), st.booleans())
def test_zebra_json_lines_answers_read_back(puzzles, nested):
    """README-shape objects (or `solve --json` objects, puzzle nested) in, JSON lines out,
    and the answers read back as expected solutions."""
    objs = [{"kind": "zebra", "puzzle": p.to_json()} if nested else p.to_json() for p in puzzles]
    text = "".join(json.dumps(o) + "\n" for o in objs)
    pfile, outcomes, back = answer_round_trip("z.jsonl", text, as_json=True)
    assert [r.puzzle for r in pfile.records] == puzzles
    assert all(o.verified for o in outcomes) and not pfile.has_solutions
    assert [r.expected for r in back.records] == [o.solution for o in outcomes]
    assert [s for _, s in proposed_answers(back)] == [o.solution for o in outcomes]
    assert [r.puzzle for r in back.records] == puzzles


@given(zebra_puzzles(**zebra_sizes), st.sampled_from(["people", "houses"]))
def test_zebra_text_is_detected_and_answered_in_json_lines(puzzle, wording):
    text = to_text(puzzle, wording)
    assert detect_format("p.txt", text) == "text"
    pfile, outcomes, back = answer_round_trip("p.txt", "\n" + text, as_json=True)
    (record,) = pfile.records
    assert record.puzzle == puzzle and record.source == "p.txt:2" and record.layout == "text"
    assert back.format == "jsonl" and back.records[0].expected == outcomes[0].solution
    row = json.loads(format_answers(pfile, outcomes, as_json=True))
    assert "position" in format_answers(pfile, outcomes)  # plain text for people by default
    assert row["answer"] == puzzle.answer(outcomes[0].solution)


def test_json_file_holds_one_object_over_many_lines_with_its_solution():
    text = "\n\n" + json.dumps({**EXAMPLE, "solution": EXAMPLE_SOLUTION}, indent=2) + "\n"
    pfile = read_text("e.json", text)
    (record,) = pfile.records
    assert record.line == 3 and pfile.has_solutions
    assert record.puzzle == ZebraPuzzle.from_json(EXAMPLE)
    assert record.expected == ZebraSolution.from_json(record.puzzle, EXAMPLE_SOLUTION)


def test_one_jsonl_file_mixes_sudoku_and_zebra_and_kind_may_be_explicit():
    text = "\n".join([json.dumps({"puzzle": "1" + "." * 15}), json.dumps(EXAMPLE),
                      json.dumps({"kind": "zebra", **EXAMPLE}),
                      json.dumps({"kind": "sudoku", "puzzle": "." * 16})])
    pfile = read_text("m.jsonl", text)
    assert [r.puzzle.kind for r in pfile.records] == ["sudoku", "zebra", "zebra", "sudoku"]
    assert [r.line for r in pfile.records] == [1, 2, 3, 4]
    assert proposed_answers(pfile)[1][1] is None  # a Zebra puzzle is not its own answer
    assert proposed_answers(pfile)[0][1] == Sudoku.parse("1" + "." * 15)


def test_sudoku_line_files_are_not_taken_for_zebra_text():
    assert detect_format("s.txt", "# There are 4 people in a row\n" + "." * 16 + "\n") == "lines"
    assert detect_format("s.txt", "." * 81 + "\n") == "lines"
    assert detect_format("z.txt", "Everyone owns a different pet: cat, dog.\n") == "text"


@given(st.one_of(
    st.text(alphabet="0123456789.abcdefgABCDEFGP| -+\t\r\u00a0xZ", max_size=90),
    puzzles_any_box.map(lambda ps: ps[0].format()),
    puzzles_any_box.map(lambda ps: " ".join(ps[0].format().lower()))),
    st.sampled_from([None, (2, 2), (2, 3), (3, 2), (3, 3), (4, 4)]))
def test_the_quick_reader_reads_as_sudoku_parse(text, box):
    """Files are read through a quicker path than Sudoku.parse: the same grid, the same
    errors (from Sudoku.parse itself)."""
    from puzzles.errors import PuzzleError
    from puzzles.readers import _sudoku

    def read(parse):
        try:
            grid = parse(text, box)
            return grid, grid.box, grid.cells, hash(grid)
        except PuzzleError as e:
            return str(e)
    assert read(_sudoku) == read(Sudoku.parse)
