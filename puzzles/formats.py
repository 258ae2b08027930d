"""Puzzle files: read line, grid, CSV, JSON(-lines) and Zebra text files; write answers.

Formats (detected from the extension, then the content; forced with `format=`):

- `lines`: one Sudoku per line of n*n symbols, `#` comment lines and blank lines skipped;
  or a grid drawn over n lines (one block per puzzle, blocks separated by blank lines,
  spaces and `|-+` ignored). A block of k lines of k symbols is a grid, except that k
  lines each holding a whole board (16 lines of 4x4 puzzles) stay line puzzles; a `box`
  removes any doubt.
- `csv`: a header naming the puzzle column (`quizzes`, `puzzle` or `question`) and
  optionally the expected solution (`solutions`, `solution` or `answer`).
- `jsonl`: one JSON object per line (a `.json` file: one object, which may span lines),
  as written by `glauber solve --json`. A Sudoku object has a `puzzle` string (and
  optionally `solution`, `box`); a Zebra object has `houses`, `attributes`, `clues` (and
  optionally `question`, `solution`), at the top or under `puzzle`; `"kind"` may say
  which. One file may mix both kinds.
- `text`: one natural-language Zebra puzzle per file (`puzzles.zebra.text`).

Answers are written in the input's format (CSV keeps every input column and fills or adds
the solution column), or as JSON lines; Zebra answers are plain text for people (the asked
position and a table) unless JSON is asked for. A UTF-8 byte-order mark is accepted in
every format, and the path `-` reads standard input. Every problem is raised as
`InputError(path, line, message)`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from puzzles.base import Puzzle, Solution, plural
from puzzles.errors import InputError, PuzzleError
from puzzles.kinds import kind_of, read_json
from puzzles.sudoku.model import Sudoku, default_box, size_of_length, value_of
from puzzles.zebra.text import looks_like_zebra_text, parse_zebra_text

FORMATS = ("lines", "csv", "jsonl", "text")
PUZZLE_COLUMNS = ("quizzes", "puzzle", "question")
SOLUTION_COLUMNS = ("solutions", "solution", "answer")
_DRAWING = str.maketrans("", "", " \t|-+")

if TYPE_CHECKING:
    from puzzles.harness.solving import Outcome


@dataclass(frozen=True)
class Record:
    """One puzzle read from a file."""

    path: str  # the file it came from
    line: int  # 1-based line where it starts
    puzzle: Puzzle
    expected: Solution | None = None  # solution column / field, when the file has one
    layout: str = "line"  # how it was written: "line", "grid", "csv", "jsonl" or "text"
    text: str | None = None  # csv: the puzzle field as written, echoed back in answers
    fields: tuple[str, ...] | None = None  # csv: the whole row as written, kept in answers

    @property
    def source(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class PuzzleFile:
    """All records of one file, and what is needed to write answers in its format."""

    path: str
    format: str  # one of FORMATS
    records: tuple[Record, ...]
    columns: tuple[str, str] = ("quizzes", "solutions")  # csv: puzzle and solution header
    has_solutions: bool = False  # csv/jsonl: a solution column/field was present
    header: tuple[str, ...] | None = None  # csv: every column of the input, as written
    solution_column: int | None = None  # csv: index of the solution column in `header`


def detect_format(path: str, text: str) -> str:
    """Guess the format from the extension, else from the first meaningful line; a
    natural-language Zebra puzzle is told from a Sudoku line file by its sentences."""
    lower = path.lower()
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith((".jsonl", ".json")):
        return "jsonl"
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("{"):
            return "jsonl"
        head = [c.strip().lower() for c in line.split(",")]
        if len(head) > 1 and any(c in PUZZLE_COLUMNS for c in head):
            return "csv"
        break
    return "text" if looks_like_zebra_text(text) else "lines"


STDIN = "-"  # the path that reads standard input
STDIN_NAME = "<stdin>"  # its name in records and messages


def read_file(path: str, format: str = "auto", box: tuple[int, int] | None = None) -> PuzzleFile:
    """Read every puzzle of a file (`-`: standard input). A UTF-8 byte-order mark is
    skipped. Raises InputError naming the file and line."""
    if path == STDIN:
        return read_text(STDIN_NAME, sys.stdin.read(), format, box)
    if os.path.isdir(path):
        raise InputError(path, None, "is a directory")
    try:
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
    except UnicodeDecodeError:
        raise InputError(path, None, "not a text file (cannot decode as UTF-8)") from None
    except OSError as e:
        raise InputError(path, None, f"cannot read: {e.strerror or e}") from None
    return read_text(path, text, format, box)


def read_text(path: str, text: str, format: str = "auto",
              box: tuple[int, int] | None = None) -> PuzzleFile:
    """Parse file contents (see `read_file`); `path` is used in records and errors."""
    text = text.removeprefix("\ufeff")  # a byte-order mark (stdin, or text from elsewhere)
    fmt = detect_format(path, text) if format == "auto" else format
    if fmt not in FORMATS:
        raise InputError(path, None, f"unknown format {format!r} (use one of {', '.join(FORMATS)})")
    reader = {"lines": _read_lines, "csv": _read_csv, "jsonl": _read_jsonl,
              "text": _read_zebra_text}[fmt]
    parsed = reader(path, text, box)
    if not parsed.records:
        raise InputError(path, None, "no puzzles found")
    return parsed


def _parse(path: str, line: int, text: str, box) -> Sudoku:
    try:
        return Sudoku.parse(text, box)
    except PuzzleError as e:
        raise InputError(path, line, str(e)) from None


def _parse_row(path: str, line: int, symbols: str, n: int) -> None:
    """Raise InputError at `line` if a grid row holds a symbol that is not valid for size n."""
    try:
        for ch in symbols:
            value_of(ch, n)
    except PuzzleError as e:
        raise InputError(path, line, str(e)) from None


def _blocks(text: str):
    """Consecutive non-blank, non-comment lines as lists of (line number, symbols)."""
    block: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            if block:
                yield block
            block = []
            continue
        symbols = stripped.translate(_DRAWING)
        if symbols:  # a pure drawing line such as ------+------- carries no cells
            block.append((number, symbols))
    if block:
        yield block


def _whole_board(symbols: str, box) -> bool:
    """Does one line hold a whole board (of size `box`, or of any size when box is None)?"""
    if box is not None:
        return len(symbols) == (box[0] * box[1]) ** 2
    n = size_of_length(len(symbols))
    if n is None:
        return False
    try:
        Sudoku.parse(symbols, default_box(n))
        return True
    except PuzzleError:
        return False


def _read_lines(path: str, text: str, box) -> PuzzleFile:
    records = []
    for block in _blocks(text):
        k = len(block)
        is_grid = (k > 1 and all(len(s) == k for _, s in block)
                   and (box is None or box[0] * box[1] == k)
                   and not all(_whole_board(s, box) for _, s in block))
        if not is_grid and k > 1 and not any(_whole_board(s, box) for _, s in block):
            width = box[0] * box[1] if box else len(block[0][1])
            for number, s in block:  # a grid with a faulty row: name the row
                if len(s) != width:
                    raise InputError(path, number, f"grid row has {plural(len(s), 'symbol')}, expected "
                                     f"{width} like the first row at line {block[0][0]}")
            raise InputError(path, block[0][0], f"grid of {plural(k, 'row')} of {plural(width, 'symbol')} is not square")
        if is_grid:
            grid_box = box or default_box(k)
            for number, s in block:  # name the row holding a bad symbol
                _parse_row(path, number, s, k)
            records.append(Record(path, block[0][0], _parse(path, block[0][0], "".join(s for _, s in block),
                                                            grid_box), layout="grid"))
        else:
            records.extend(Record(path, number, _parse(path, number, s, box)) for number, s in block)
    return PuzzleFile(path, "lines", tuple(records))


def _pick(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def _read_csv(path: str, text: str, box) -> PuzzleFile:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise InputError(path, 1, "empty CSV file (expected a header)")
    p_col = _pick(header, PUZZLE_COLUMNS)
    if p_col is None:
        raise InputError(path, 1, f"no puzzle column in header {','.join(header)!r} "
                         f"(name it one of: {', '.join(PUZZLE_COLUMNS)})")
    s_col = _pick(header, SOLUTION_COLUMNS)
    records = []
    for row in reader:
        number = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(p_col, s_col or 0):
            raise InputError(path, number, f"row has {plural(len(row), 'field')}, the header has {len(header)}")
        puzzle = _parse(path, number, row[p_col], box)
        expected = None
        if s_col is not None and row[s_col].strip():
            expected = _parse(path, number, row[s_col], puzzle.box)
        records.append(Record(path, number, puzzle, expected, "csv", row[p_col], tuple(row)))
    columns = (header[p_col].strip(), header[s_col].strip() if s_col is not None else "solutions")
    return PuzzleFile(path, "csv", tuple(records), columns, s_col is not None,
                      tuple(header), s_col)


def _json_objects(path: str, text: str):
    """(line, value) of each JSON value: the whole document of a `.json` file, else one per
    non-blank, non-`#` line."""
    if path.lower().endswith(".json"):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError(path, e.lineno, f"invalid JSON: {e.msg} (column {e.colno})") from None
        start = len(text) - len(text.lstrip())
        yield text.count("\n", 0, start) + 1, value
        return
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        try:
            yield number, json.loads(raw)
        except json.JSONDecodeError as e:
            raise InputError(path, number, f"invalid JSON: {e.msg} (column {e.colno})") from None


def _read_jsonl(path: str, text: str, box) -> PuzzleFile:
    records = []
    any_solution = False
    for number, obj in _json_objects(path, text):
        if not isinstance(obj, dict):
            raise InputError(path, number, "expected a JSON object (one puzzle)")
        try:
            puzzle, expected = read_json(obj, box)
        except PuzzleError as e:
            raise InputError(path, number, str(e)) from None
        any_solution |= "solution" in obj
        records.append(Record(path, number, puzzle, expected, layout="jsonl"))
    return PuzzleFile(path, "jsonl", tuple(records), has_solutions=any_solution)


def _read_zebra_text(path: str, text: str, box) -> PuzzleFile:
    """One natural-language Zebra puzzle; its record starts at the first non-blank line."""
    puzzle = parse_zebra_text(path, text)
    first = next((i for i, line in enumerate(text.splitlines(), 1) if line.strip()), 1)
    return PuzzleFile(path, "text", (Record(path, first, puzzle, layout="text"),))


def outcome_json(record: Record, outcome: Outcome) -> dict:
    """The `solve --json` object of one answered record. A Sudoku's puzzle and solution
    are symbol strings; a Zebra's are JSON objects in the input shape, plus the `answer`
    (the question entity's house, or null). It reads back as a `jsonl` record."""
    puzzle = record.puzzle
    attempt = outcome.attempt
    obj: dict = {"source": record.source, "kind": puzzle.kind,
                 **kind_of(puzzle).answer_json(puzzle, outcome.solution)}  # None unless verified
    obj.update({
        "verified": outcome.verified,
        "error": outcome.error,
        "seconds": round(attempt.seconds, 6),
    })
    if record.expected is not None:
        obj["matches_expected"] = outcome.verified and outcome.solution == record.expected
    obj.update(attempt.stats)
    obj["unique"] = outcome.unique  # the only solution? null when unsolved
    if outcome.verdicts:  # a Zebra question: answered only when every solution agrees
        obj.update(outcome.verdicts)
        if not outcome.answered:
            obj["answer"] = None
    return obj


def _csv_line(fields) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(fields)
    return out.getvalue()


def answer_header(pfile: PuzzleFile, as_json: bool = False) -> str:
    """What the answers of `pfile` start with: the CSV header (every input column, plus
    a `solutions` column when the input has no solution column), else nothing."""
    if as_json or pfile.format != "csv":
        return ""
    if pfile.header is None:
        return _csv_line(pfile.columns)
    extra = () if pfile.solution_column is not None else (pfile.columns[1],)
    return _csv_line(pfile.header + extra)


def zebra_answer_text(record: Record, outcome: Outcome) -> str:
    """A Zebra answer for people: where it came from, the asked person's position, and
    the solution as a table (attributes down, positions across); a blank line after."""
    puzzle = record.puzzle
    if outcome.answered:
        status = "solved" if outcome.unique else "solved (one of several solutions)"
    elif outcome.verified:  # solutions disagree on the question: no answer
        status = f"not answered: {outcome.why}"
    else:
        status = f"not solved: {outcome.error}"
    lines = [f"{record.source}: {status}"]
    if outcome.answered:
        if puzzle.question is not None:
            from puzzles.zebra.model import question_text
            lines.append(f"position of the asked person ({question_text(puzzle.question)}): "
                         f"{puzzle.answer(outcome.solution)}")
        rows = [("position", *map(str, range(1, puzzle.houses + 1)))]
        rows += [(name, *values) for name, values in outcome.solution.assignment]
        widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
        lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
                  for row in rows]
    return "\n".join(lines) + "\n\n"


def error_answer(error: InputError, as_json: bool = False) -> str:
    """The output line of a file that could not be read: a JSON object with the `error`
    (as JSON lines), else a `#` comment line (which the readers skip)."""
    source = error.path if error.line is None else f"{error.path}:{error.line}"
    if as_json:
        return json.dumps({"source": source, "kind": None, "solution": None, "answer": None,
                           "verified": False, "error": error.message}) + "\n"
    return f"# {source}: error: {error.message}\n"


def format_answer(pfile: PuzzleFile, record: Record, outcome: Outcome,
                  as_json: bool = False) -> str:
    """The answer of one record as text, in the file's own format or as a JSON line
    (see `format_answers`)."""
    if not as_json and record.puzzle.kind == "zebra":
        return zebra_answer_text(record, outcome)
    if as_json or pfile.format in ("jsonl", "text"):
        return json.dumps(outcome_json(record, outcome)) + "\n"
    if pfile.format == "csv":
        answer = outcome.solution.format() if outcome.verified else ""
        if record.fields is None or pfile.header is None:
            return _csv_line([record.text, answer])
        fields = list(record.fields) + [""] * (len(pfile.header) - len(record.fields))
        if pfile.solution_column is None:
            fields.append(answer)
        else:
            fields[pfile.solution_column] = answer
        return _csv_line(fields)
    grid = outcome.solution if outcome.verified else record.puzzle
    return grid.format_grid() + "\n\n" if record.layout == "grid" else grid.format() + "\n"


def format_answers(pfile: PuzzleFile, outcomes: list[Outcome], as_json: bool = False) -> str:
    """Answers of one file as text: JSON lines, or the file's own format.

    In `lines` format an unsolved puzzle is written back unchanged (its givens only), so
    the output keeps one entry per input puzzle; CSV leaves the solution field empty.
    Natural-language Zebra files (`text`) are answered in JSON lines. The header
    (`answer_header`) then one `format_answer` per record: a caller may write them one
    by one as they are ready.
    """
    return answer_header(pfile, as_json) + "".join(
        format_answer(pfile, r, o, as_json) for r, o in zip(pfile.records, outcomes))


def proposed_answers(pfile: PuzzleFile) -> list[tuple[Record, Solution | None]]:
    """The answers a file proposes, for `glauber verify`: the solution column or field
    where the file has one (None where it is empty), else each puzzle itself where its
    kind allows (a line file of filled Sudoku grids is a file of answers; a Zebra puzzle
    is never its own answer)."""
    if pfile.has_solutions:
        return [(r, r.expected) for r in pfile.records]
    return [(r, r.puzzle if kind_of(r.puzzle).own_answer else None) for r in pfile.records]
