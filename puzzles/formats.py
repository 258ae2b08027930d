"""Puzzle files: read line, grid, CSV, JSON(-lines) and Zebra text files (each format's
reader: `puzzles.readers`), whole or again lazily; what a file proposes as answers.

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

Answers are written in the input's format, or as JSON lines, by `harness.answers`. A UTF-8
byte-order mark is accepted in every format, and the path `-` reads standard input. Every
problem is raised as `InputError(path, line, message)`.
"""

from __future__ import annotations

import atexit
import io
import itertools
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from typing import Iterator

from puzzles.base import Puzzle, Solution
from puzzles.errors import InputError
from puzzles.kinds import TEXT_FORMATS, kind_of
from puzzles.readers import PUZZLE_COLUMNS, READERS, Record

FORMATS = tuple(READERS)  # lines, csv, jsonl and the kinds' own text formats (text: Zebra)


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
    kind's own text format (a natural-language Zebra puzzle) is told from a Sudoku line
    file by its head (`puzzles.kinds.TextFormat.claims`)."""
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
    return next((name for name, fmt in TEXT_FORMATS.items() if fmt.claims(text)), "lines")


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
    return READERS[fmt](path, source, box, meta)


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
    def remove():
        if os.path.exists(path):
            os.remove(path)

    atexit.register(remove)
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
    # records None: only `scan_file` leaves them out, and it names the file to read again
    assert pfile.origin is not None, "a PuzzleFile without its records needs their origin"
    return _records(pfile.path, _File(pfile.origin, pfile.path), pfile.format, pfile.box, {})


def held_records(pfile: PuzzleFile) -> tuple[Record, ...]:
    """Every record of a file, held: those it holds, else read again (`iter_records`)."""
    return pfile.records if pfile.records is not None else tuple(iter_records(pfile))


def proposed_answers(pfile: PuzzleFile) -> list[tuple[Record, Solution | None]]:
    """The answers a file proposes, for `glauber verify`: the solution column or field
    where the file has one (None where it is empty), else each puzzle itself where its
    kind allows (a line file of filled Sudoku grids is a file of answers; a Zebra puzzle
    is never its own answer)."""
    if pfile.has_solutions:
        return [(r, r.expected) for r in iter_records(pfile)]
    proposed: list[tuple[Record, Solution | None]] = []
    for r in iter_records(pfile):
        own = kind_of(r.puzzle).own_answer
        proposed.append((r, own(r.puzzle) if own is not None else None))
    return proposed
