"""The record readers of each file format (`puzzles.formats` picks one): Sudoku lines and
grids drawn over lines, CSV, JSON(-lines) and `.json` arrays, natural-language Zebra text.
A reader takes (path, source, box, meta): `source` gives the file's text, lines or CSV
lines; what answers need besides the records (CSV header, whether solutions are
present) is filled into `meta` as it is read. Every problem is raised as
`InputError(path, line, message)`.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from typing import Iterable, Iterator

from puzzles.base import Puzzle, Solution, article, plural
from puzzles.errors import InputError, PuzzleError
from puzzles.kinds import TEXT_FORMATS, TextFormat, read_json
from puzzles.sudoku.model import (MAX_SIZE, MIN_SIZE, SYMBOLS, Sudoku, default_box,
                                  size_of_length, value_of)

PUZZLE_COLUMNS = ("quizzes", "puzzle", "question")
SOLUTION_COLUMNS = ("solutions", "solution", "answer")
_DRAWING = str.maketrans("", "", " \t|-+")


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


def read_lines(path: str, source, box, meta: dict) -> Iterator[Record]:
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


def read_csv(path: str, source, box, meta: dict) -> Iterator[Record]:
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


def read_jsonl(path: str, source, box, meta: dict) -> Iterator[Record]:
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


def text_reader(fmt: TextFormat):
    """The reader of a kind's own text format (`puzzles.kinds.TextFormat`): one puzzle per
    file, its record starting at the first non-blank line."""
    def read(path: str, source, box, meta: dict) -> Iterator[Record]:
        text = source.text()
        puzzle = fmt.parse(path, text)
        first = next((i for i, line in enumerate(text.splitlines(), 1) if line.strip()), 1)
        yield Record(path, first, puzzle, layout=fmt.name)
    return read


READERS = {"lines": read_lines, "csv": read_csv, "jsonl": read_jsonl,
           **{name: text_reader(fmt) for name, fmt in TEXT_FORMATS.items()}}
"""Each format's reader."""
