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

import atexit
import csv
import io
import itertools
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Iterator

from puzzles.base import Puzzle, Solution, article, plural
from puzzles.errors import InputError, PuzzleError
from puzzles.kinds import kind_of, read_json
from puzzles.sudoku.model import (MAX_SIZE, MIN_SIZE, SYMBOLS, Sudoku, default_box,
                                  size_of_length, value_of)
from puzzles.zebra.text import looks_like_zebra_text, parse_zebra_text

FORMATS = ("lines", "csv", "jsonl", "text")
PUZZLE_COLUMNS = ("quizzes", "puzzle", "question")
SOLUTION_COLUMNS = ("solutions", "solution", "answer")
_DRAWING = str.maketrans("", "", " \t|-+")

if TYPE_CHECKING:
    from harness.solving import Outcome


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
    records: tuple[Record, ...] | None  # None: too many to hold; `iter_records` reads them
    columns: tuple[str, str] = ("quizzes", "solutions")  # csv: puzzle and solution header
    has_solutions: bool = False  # csv/jsonl: a solution column/field was present
    header: tuple[str, ...] | None = None  # csv: every column of the input, as written
    solution_column: int | None = None  # csv: index of the solution column in `header`
    count: int = 0  # how many records
    box: tuple[int, int] | None = None  # the box it was read with (None: from the size)
    origin: str | None = None  # the file to read the records from again (stdin: a copy)
    samples: tuple = ()  # one puzzle per `board_key` (`scan_file`), for checks before work


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
KEEP_RECORDS = 20_000  # `scan_file`: a file with more puzzles is read again as it is solved


class _Text:
    """File contents held in memory, as the readers take them."""

    def __init__(self, text: str):
        self._text = text

    def text(self) -> str:
        return self._text

    def lines(self) -> Iterator[str]:
        return iter(self._text.splitlines())

    def csv_lines(self) -> Iterator[str]:
        return iter(io.StringIO(self._text))


class _File:
    """A file on disk, read line by line (never whole, except a `.json` document or a
    natural-language puzzle); a byte-order mark is skipped; `name` is used in errors."""

    def __init__(self, path: str, name: str):
        self.path, self.name = path, name

    def _read(self, newline):
        try:
            with open(self.path, encoding="utf-8-sig", newline=newline) as f:
                yield from f
        except UnicodeDecodeError:
            raise InputError(self.name, None, "not a text file (cannot decode as UTF-8)") from None
        except OSError as e:
            raise InputError(self.name, None, f"cannot read: {e.strerror or e}") from None

    def text(self) -> str:
        return "".join(self._read(None))

    def lines(self) -> Iterator[str]:
        return (line.rstrip("\n") for line in self._read(None))

    def csv_lines(self) -> Iterator[str]:
        return self._read("")

    def head(self, lines: int = 200) -> str:
        """The first lines, for `detect_format`."""
        return "\n".join(itertools.islice(self.lines(), lines))


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


def _resolve_format(path: str, head: str, format: str) -> str:
    fmt = detect_format(path, head) if format == "auto" else format
    if fmt not in FORMATS:
        raise InputError(path, None, f"unknown format {format!r} (use one of {', '.join(FORMATS)})")
    return fmt


def _records(path: str, source, fmt: str, box, meta: dict) -> Iterator[Record]:
    """The records of `source` in format `fmt`, one by one; what answers need besides
    (CSV header, whether solutions are present) is filled into `meta` as it is read."""
    reader = {"lines": _read_lines, "csv": _read_csv, "jsonl": _read_jsonl,
              "text": _read_zebra_text}[fmt]
    return reader(path, source, box, meta)


def read_text(path: str, text: str, format: str = "auto",
              box: tuple[int, int] | None = None) -> PuzzleFile:
    """Parse file contents (see `read_file`); `path` is used in records and errors."""
    text = text.removeprefix("\ufeff")  # a byte-order mark (stdin, or text from elsewhere)
    fmt = _resolve_format(path, text, format)
    meta: dict = {}
    records = tuple(_records(path, _Text(text), fmt, box, meta))
    if not records:
        raise InputError(path, None, "no puzzles found")
    return PuzzleFile(path, fmt, records, count=len(records), box=box, **meta)


def board_key(puzzle: Puzzle) -> tuple:
    """What a solver's settings may fit or not (a language model is made for one board):
    the kind, and a Sudoku's box."""
    return puzzle.kind, getattr(puzzle, "box", None)


def _spool_stdin() -> str:
    """Copy standard input to a temporary file (removed at exit), so that it can be read
    twice without holding it in memory."""
    fd, path = tempfile.mkstemp(prefix="glauber-stdin-", suffix=".txt")
    atexit.register(lambda: os.path.exists(path) and os.remove(path))
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(sys.stdin.buffer, out)
    return path


def scan_file(path: str, format: str = "auto", box: tuple[int, int] | None = None,
              keep: int | None = None) -> PuzzleFile:
    """Read and check every puzzle of a file, as `read_file` does, holding at most `keep`
    records (default `KEEP_RECORDS`): a larger file comes back with `records` None and is
    read again, one record at a time, by `iter_records`, so memory does not grow with the
    file. Standard input (`-`) is copied to a temporary file for that. `count` is the
    number of puzzles and `samples` one puzzle per `board_key`."""
    keep = KEEP_RECORDS if keep is None else keep
    name = STDIN_NAME if path == STDIN else path
    if path != STDIN and os.path.isdir(path):
        raise InputError(path, None, "is a directory")
    source = _File(_spool_stdin() if path == STDIN else path, name)
    fmt = _resolve_format(name, source.head(), format)
    meta: dict = {}
    kept: list[Record] | None = []
    samples: dict[tuple, Puzzle] = {}
    count = 0
    for record in _records(name, source, fmt, box, meta):
        count += 1
        samples.setdefault(board_key(record.puzzle), record.puzzle)
        if kept is not None:
            kept.append(record)
            if len(kept) > keep:
                kept = None
    if not count:
        raise InputError(name, None, "no puzzles found")
    return PuzzleFile(name, fmt, None if kept is None else tuple(kept), count=count, box=box,
                      origin=source.path, samples=tuple(samples.values()), **meta)


def iter_records(pfile: PuzzleFile) -> Iterator[Record]:
    """The records of a file, in order: those it holds, or read again from its file (see
    `scan_file`)."""
    if pfile.records is not None:
        return iter(pfile.records)
    return _records(pfile.path, _File(pfile.origin, pfile.path), pfile.format, pfile.box, {})


_IGNORED = {ord(c): None for c in "|-+" + "".join(chr(k) for k in range(128) if chr(k).isspace())}


def _symbol_table(n: int) -> bytes:
    """bytes.translate table: an n x n board's symbols (either case) -> their values, blanks
    -> 0, anything else -> 255."""
    table = bytearray([255]) * 256
    for v, ch in enumerate(SYMBOLS[:n], 1):
        table[ord(ch)] = table[ord(ch.lower())] = v
    table[ord(".")] = 0
    if n <= 9:
        table[ord("0")] = 0
    return bytes(table)


_SYMBOL_TABLES = {n: _symbol_table(n) for n in range(MIN_SIZE, MAX_SIZE + 1)}


def _sudoku(text: str, box) -> Sudoku:
    """`Sudoku.parse(text, box)`, quicker for well-formed ASCII (a file of 200,000
    puzzles is read twice): anything else goes to `Sudoku.parse`, which says what is
    wrong."""
    if text.isascii():
        symbols = text.translate(_IGNORED)
        n = box[0] * box[1] if box else size_of_length(len(symbols))
        if n is not None and MIN_SIZE <= n <= MAX_SIZE and len(symbols) == n * n:
            values = symbols.encode("ascii").translate(_SYMBOL_TABLES[n])
            if 255 not in values:
                # what Sudoku.__post_init__ checks (n*n values in 0..n) holds by
                # construction; building it through __init__ would check 81 values
                # again in Python, most of the time spent here
                grid = object.__new__(Sudoku)
                object.__setattr__(grid, "box", tuple(box) if box else default_box(n))
                object.__setattr__(grid, "cells", tuple(values))
                return grid
    return Sudoku.parse(text, box)


def _parse(path: str, line: int, text: str, box) -> Sudoku:
    try:
        return _sudoku(text, box)
    except PuzzleError as e:
        raise InputError(path, line, str(e)) from None


def _parse_row(path: str, line: int, symbols: str, n: int) -> None:
    """Raise InputError at `line` if a grid row holds a symbol that is not valid for size n."""
    try:
        for ch in symbols:
            value_of(ch, n)
    except PuzzleError as e:
        raise InputError(path, line, str(e)) from None


def _blocks(lines: Iterable[str]):
    """Consecutive non-blank, non-comment lines as lists of (line number, symbols)."""
    block: list[tuple[int, str]] = []
    for number, raw in enumerate(lines, 1):
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


def _boxes_for(n: int) -> str:
    """The box shapes of an n x n board, as `--box` takes them: `2x3 or 3x2`."""
    shapes = [f"{r}x{n // r}" for r in range(2, n) if n % r == 0]
    return " or ".join(shapes) if shapes else f"1x{n}"


def _other_board(symbols: str, box) -> str | None:
    """When `box` is given and a line holds a whole board of another size: what to say
    (the line's size, the box's size, the boxes of the line's size); else None."""
    if box is None:
        return None
    n, want = size_of_length(len(symbols)), box[0] * box[1]
    if n is None or n == want:
        return None
    return (f"{plural(len(symbols), 'symbol')} make {article(f'{n}x{n}')} board, but box "
            f"{box[0]}x{box[1]} is for {want}x{want} boards ({want * want} symbols a line, or "
            f"{want} rows of {want}); for {n}x{n} use box {_boxes_for(n)}, or leave the box out")


def _read_lines(path: str, source, box, meta: dict) -> Iterator[Record]:
    for block in _blocks(source.lines()):
        k = len(block)
        is_grid = (k > 1 and all(len(s) == k for _, s in block)
                   and (box is None or box[0] * box[1] == k)
                   and not all(_whole_board(s, box) for _, s in block))
        if not is_grid:
            other = _other_board(block[0][1], box)
            if other is None and k > 1 and box and all(len(s) == k for _, s in block):
                other = (f"a grid of {k} rows of {k} symbols is {article(f'{k}x{k}')} board, but "
                         f"box {box[0]}x{box[1]} is for {box[0] * box[1]}x{box[0] * box[1]} "
                         f"boards; for {k}x{k} use box {_boxes_for(k)}, or leave the box out")
            if other is not None:  # a file of another board size than the box
                raise InputError(path, block[0][0], other)
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
            yield Record(path, block[0][0], _parse(path, block[0][0], "".join(s for _, s in block),
                                                   grid_box), layout="grid")
        else:
            for number, s in block:
                other = _other_board(s, box)
                if other is not None:
                    raise InputError(path, number, other)
                yield Record(path, number, _parse(path, number, s, box))


def _pick(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def _read_csv(path: str, source, box, meta: dict) -> Iterator[Record]:
    reader = csv.reader(source.csv_lines())
    header = next(reader, None)
    if header is None:
        raise InputError(path, 1, "empty CSV file (expected a header)")
    p_col = _pick(header, PUZZLE_COLUMNS)
    if p_col is None:
        raise InputError(path, 1, f"no puzzle column in header {','.join(header)!r} "
                         f"(name it one of: {', '.join(PUZZLE_COLUMNS)})")
    s_col = _pick(header, SOLUTION_COLUMNS)
    meta.update(columns=(header[p_col].strip(), header[s_col].strip() if s_col is not None
                         else "solutions"),
                has_solutions=s_col is not None, header=tuple(header), solution_column=s_col)
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
        yield Record(path, number, puzzle, expected, "csv", row[p_col], tuple(row))


def _array_items(text: str, start: int):
    """(offset, value) of each element of the JSON array that opens at text[start]."""
    decoder = json.JSONDecoder()
    pos = start + 1
    while True:
        while text[pos].isspace():
            pos += 1
        if text[pos] == "]":
            return
        value, end = decoder.raw_decode(text, pos)
        yield pos, value
        pos = end
        while text[pos].isspace():
            pos += 1
        if text[pos] == ",":
            pos += 1


def _json_objects(path: str, source):
    """(line, value) of each JSON value: a `.json` file is one document, whose value is
    one puzzle or an array of them (as `solve --out FILE.json` writes); any other file
    holds one value per non-blank, non-`#` line."""
    if path.lower().endswith(".json"):
        text = source.text()
        try:
            value = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError(path, e.lineno, f"invalid JSON: {e.msg} (column {e.colno})") from None
        start = len(text) - len(text.lstrip())
        if not isinstance(value, list):
            yield text.count("\n", 0, start) + 1, value
            return
        line, counted = 1, 0
        for offset, item in _array_items(text, start):
            line += text.count("\n", counted, offset)
            counted = offset
            yield line, item
        return
    for number, raw in enumerate(source.lines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        try:
            yield number, json.loads(raw)
        except json.JSONDecodeError as e:
            raise InputError(path, number, f"invalid JSON: {e.msg} (column {e.colno})") from None


def _read_jsonl(path: str, source, box, meta: dict) -> Iterator[Record]:
    meta.setdefault("has_solutions", False)
    for number, obj in _json_objects(path, source):
        if not isinstance(obj, dict):
            raise InputError(path, number, "expected a JSON object (one puzzle)")
        try:
            puzzle, expected = read_json(obj, box)
        except PuzzleError as e:
            raise InputError(path, number, str(e)) from None
        if "solution" in obj:
            meta["has_solutions"] = True
        yield Record(path, number, puzzle, expected, layout="jsonl")


def _read_zebra_text(path: str, source, box, meta: dict) -> Iterator[Record]:
    """One natural-language Zebra puzzle; its record starts at the first non-blank line."""
    text = source.text()
    puzzle = parse_zebra_text(path, text)
    first = next((i for i, line in enumerate(text.splitlines(), 1) if line.strip()), 1)
    yield Record(path, first, puzzle, layout="text")


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
