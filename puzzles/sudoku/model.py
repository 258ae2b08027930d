"""Sudoku of any box shape: the board geometry as plain tables, the puzzle, the verifier.

A board has n = rows * cols symbols; boxes are `rows` tall and `cols` wide. Cells are
numbered row-major, 0 .. n*n - 1. Values are 1..n, 0 is blank. Symbols on disk are
`1`-`9` then `A`, `B`, ... (so 16x16 uses 1-9 and A-G); blank is `.`, or `0` when n <= 9.

The constraint structure (`Geometry.units`, `Geometry.peers`) is written once here and
read by the verifier, the reference solver, the generator and the encoders alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Sequence

from puzzles.base import Description, article, plural
from puzzles.errors import PuzzleError

SYMBOLS = "123456789ABCDEFGHIJKLMNOP"
MAX_SIZE = len(SYMBOLS)  # n <= 25
MIN_SIZE = 4  # smaller boards are trivial, and would make 4- and 9-symbol rows ambiguous
BLANKS = ".0"


def default_box(n: int) -> tuple[int, int]:
    """Box (rows, cols) for an n x n board: rows = largest divisor of n not above sqrt(n)."""
    rows = max(d for d in range(1, math.isqrt(n) + 1) if n % d == 0)
    return rows, n // rows


def parse_box(text: str) -> tuple[int, int]:
    """Parse `RxC` (e.g. `2x3`) into (rows, cols); raises PuzzleError on anything else."""
    parts = text.lower().replace("*", "x").split("x")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise PuzzleError(f"box must be written RxC, e.g. 3x3 or 2x3, not {text!r}")
    rows, cols = int(parts[0]), int(parts[1])
    if rows < 1 or cols < 1 or not MIN_SIZE <= rows * cols <= MAX_SIZE:
        raise PuzzleError(f"box {text} gives a {rows * cols}x{rows * cols} board; "
                          f"supported sizes are {MIN_SIZE}..{MAX_SIZE}")
    return rows, cols


def as_box(box: Sequence[int]) -> tuple[int, int]:
    """`box` as the (rows, cols) tuple that grids and tables hold (a caller may pass a list)."""
    rows, cols = box
    return rows, cols


def box_label(box: tuple[int, int]) -> str:
    """`RxC`, as `parse_box` reads it."""
    return f"{box[0]}x{box[1]}"


@dataclass(frozen=True)
class Geometry:
    """Constraint tables of one box shape. Build through `geometry(box)` (cached)."""

    box: tuple[int, int]  # (rows, cols) of one box

    @property
    def n(self) -> int:
        return self.box[0] * self.box[1]

    @property
    def cells(self) -> int:
        return self.n * self.n

    @cached_property
    def units(self) -> tuple[tuple[int, ...], ...]:
        """All 3n units as cell-index tuples: n rows, then n columns, then n boxes."""
        n, (br, bc) = self.n, self.box
        rows = [tuple(r * n + c for c in range(n)) for r in range(n)]
        cols = [tuple(r * n + c for r in range(n)) for c in range(n)]
        boxes = [tuple((r0 + i) * n + c0 + j for i in range(br) for j in range(bc))
                 for r0 in range(0, n, br) for c0 in range(0, n, bc)]
        return tuple(rows + cols + boxes)

    @cached_property
    def peers(self) -> tuple[tuple[int, ...], ...]:
        """For each cell, the sorted cells sharing a unit with it (itself excluded)."""
        sets: list[set[int]] = [set() for _ in range(self.cells)]
        for unit in self.units:
            for cell in unit:
                sets[cell].update(unit)
        return tuple(tuple(sorted(s - {i})) for i, s in enumerate(sets))

    def unit_name(self, k: int) -> str:
        """Human name of unit k, e.g. `row 3`, `column 5`, `box 2` (1-based)."""
        kind = ("row", "column", "box")[k // self.n]
        return f"{kind} {k % self.n + 1}"


@lru_cache(maxsize=None)
def geometry(box: tuple[int, int]) -> Geometry:
    return Geometry(box)  # a tuple already: the cache needs it hashable


def symbol(value: int, n: int) -> str:
    """Symbol of a value 1..n; 0 (blank) is `.`."""
    return SYMBOLS[value - 1] if value else "."


def value_of(ch: str, n: int) -> int:
    """Value of one symbol (case-insensitive); raises PuzzleError if not valid for size n."""
    if ch == "." or (ch == "0" and n <= 9):
        return 0
    v = SYMBOLS.find(ch.upper()) + 1
    if not 1 <= v <= n:
        raise PuzzleError(f"bad symbol {ch!r} for {article(f'{n}x{n}')} board "
                          f"(use 1-{SYMBOLS[n - 1]}, blank '.'{' or 0' if n <= 9 else ''})")
    return v


def size_of_length(length: int) -> int | None:
    """Board size n whose n*n cells make `length` symbols, or None."""
    n = math.isqrt(length)
    return n if n * n == length and MIN_SIZE <= n <= MAX_SIZE else None


@dataclass(frozen=True)
class Sudoku:
    """A Sudoku grid: `cells[i]` is the value (1..n, 0 blank) of cell i, row-major."""

    box: tuple[int, int]  # (rows, cols) of one box; n = rows * cols
    cells: tuple[int, ...]  # n*n values, 0 = blank

    def __post_init__(self):
        n = self.box[0] * self.box[1]
        if len(self.cells) != n * n:
            raise PuzzleError(f"{article(f'{n}x{n}')} board needs {n * n} cells, got {len(self.cells)}")
        if any(not 0 <= v <= n for v in self.cells):
            raise PuzzleError(f"cell values must be 0..{n}")

    @property
    def n(self) -> int:
        return self.box[0] * self.box[1]

    @property
    def geometry(self) -> Geometry:
        return geometry(self.box)

    @property
    def givens(self) -> int:
        return sum(1 for v in self.cells if v)

    @property
    def is_complete(self) -> bool:
        return all(self.cells)

    @classmethod
    def parse(cls, text: str, box: tuple[int, int] | None = None) -> "Sudoku":
        """Parse n*n symbols (whitespace and `|-+` drawing characters ignored).

        The board size comes from the length; `box` overrides the default box shape.
        """
        chars = [ch for ch in text if not ch.isspace() and ch not in "|-+"]
        if box is None:
            n = size_of_length(len(chars))
            if n is None:
                raise PuzzleError(f"{plural(len(chars), 'symbol')} is not a square board "
                                  f"(expected n*n for n in {MIN_SIZE}..{MAX_SIZE}, e.g. 81 for 9x9)")
            box = default_box(n)
        n = box[0] * box[1]
        if len(chars) != n * n:
            raise PuzzleError(f"expected {n * n} symbols for {article(f'{n}x{n}')} board "
                              f"(box {box[0]}x{box[1]}), got {len(chars)}")
        return cls(as_box(box), tuple(value_of(ch, n) for ch in chars))

    def format(self, blank: str = ".") -> str:
        """The grid as one line of n*n symbols."""
        n = self.n
        return "".join(symbol(v, n) if v else blank for v in self.cells)

    def to_json(self) -> str:
        """The grid's JSON form: its symbol string (`format`)."""
        return self.format()

    def format_grid(self) -> str:
        """The grid drawn over n lines with `|` between stacks and `-+` lines between bands."""
        n, (br, bc) = self.n, self.box
        line = self.format()
        rows = []
        for r in range(n):
            if r and r % br == 0:
                rows.append("-+-".join("-" * (2 * bc - 1) for _ in range(n // bc)))
            chunks = [" ".join(line[r * n + c0: r * n + c0 + bc]) for c0 in range(0, n, bc)]
            rows.append(" | ".join(chunks))
        return "\n".join(rows)

    def with_cells(self, cells) -> "Sudoku":
        return Sudoku(self.box, tuple(cells))

    @property
    def kind(self) -> str:
        return "sudoku"

    def explain(self, solution: "Sudoku") -> str | None:
        """Why `solution` does not solve this puzzle, or None (the module's `explain`)."""
        return explain(self, solution)

    def conflicts(self) -> str | None:
        """First pair of equal filled values in one unit, described; None if there is none."""
        geo = self.geometry
        for k, unit in enumerate(geo.units):
            seen: dict[int, int] = {}
            for cell in unit:
                v = self.cells[cell]
                if v and v in seen:
                    return (f"{symbol(v, self.n)} twice in {geo.unit_name(k)} "
                            f"(cells r{seen[v] // self.n + 1}c{seen[v] % self.n + 1} and "
                            f"r{cell // self.n + 1}c{cell % self.n + 1})")
                seen[v] = cell
        return None


def explain(puzzle: Sudoku, solution: Sudoku) -> str | None:
    """Why `solution` does not solve `puzzle`, or None when it does. The definition of correct:

    same board, every cell filled, every row, column and box a permutation of 1..n, and
    every given of the puzzle kept.
    """
    if solution.box != puzzle.box:
        return (f"board shapes differ ({puzzle.n}x{puzzle.n} with {box_label(puzzle.box)} boxes vs "
                f"{solution.n}x{solution.n} with {box_label(solution.box)} boxes)")
    n = puzzle.n
    for i, (g, v) in enumerate(zip(puzzle.cells, solution.cells)):
        if not v:
            return f"cell r{i // n + 1}c{i % n + 1} is blank"
        if g and g != v:
            return f"given {symbol(g, n)} at r{i // n + 1}c{i % n + 1} changed to {symbol(v, n)}"
    full = set(range(1, n + 1))
    geo = puzzle.geometry
    for k, unit in enumerate(geo.units):
        if {solution.cells[c] for c in unit} != full:
            return f"{geo.unit_name(k)} is not a permutation of 1..{n}"
    return None


def verify(puzzle: Sudoku, solution: Sudoku) -> bool:
    """True exactly when `solution` solves `puzzle` (see `explain`)."""
    return explain(puzzle, solution) is None


def describe(puzzle: Sudoku) -> Description:
    return Description(f"{puzzle.n}x{puzzle.n}", "givens", puzzle.givens)


def read_json(obj: dict, box: tuple[int, int] | None = None) -> tuple[Sudoku, Sudoku | None]:
    """A puzzle and its expected solution (or None) from a JSON object with a `puzzle`
    string and optional `solution` and `box` (`box` given here wins over the object's)."""
    if not isinstance(obj.get("puzzle"), str):
        raise PuzzleError('expected a JSON object with a "puzzle" string')
    if box is None and obj.get("box") is not None:
        box = parse_box(str(obj["box"]))
    puzzle = Sudoku.parse(obj["puzzle"], box)
    solution = obj.get("solution")
    if solution is not None and not isinstance(solution, str):
        raise PuzzleError('"solution" must be a string or null')
    return puzzle, Sudoku.parse(solution, puzzle.box) if solution else None


def solution_from_json(puzzle: Sudoku, obj) -> Sudoku:
    """A grid of `puzzle`'s board from its JSON form (`Sudoku.to_json`)."""
    return Sudoku.parse(obj, puzzle.box)


def answer_json(puzzle: Sudoku, solution: Sudoku | None) -> dict:
    """The puzzle and answer fields of a `solve --json` object: symbol strings, and the
    box where it is not the board's default."""
    obj: dict = {"puzzle": puzzle.format()}
    if puzzle.box != default_box(puzzle.n):
        obj["box"] = box_label(puzzle.box)
    obj["solution"] = solution.format() if solution is not None else None
    return obj


def open_values(puzzle: Sudoku, solution: Sudoku) -> tuple[int, ...]:
    """`solution`'s values at the puzzle's blanks (the cells a solver fills in)."""
    return tuple(v for g, v in zip(puzzle.cells, solution.cells) if not g)
