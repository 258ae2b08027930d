"""The puzzle kinds, by name: every per-kind behaviour the rest of the package needs, looked
up here instead of switched on. A new kind is one sub-package (model, reference, ...)
plus one entry in `KINDS`.

Encoders need torch, which `puzzles` never imports: a kind names its encoder and its
language-model entry (`encoders.lm_kinds`) as `"module:attr"` strings, imported on first
use (`encoder`, `encoders.lm_kinds.lm_kind`).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable, Generic

from puzzles.base import P, S, Counted, Description, Puzzle, Solution
from puzzles.errors import PuzzleError
from puzzles.sudoku import model as sudoku
from puzzles.sudoku import reference as sudoku_reference
from puzzles.zebra import model as zebra
from puzzles.zebra import reference as zebra_reference
from puzzles.zebra import text as zebra_text
from puzzles.zebra import wording as zebra_wording


@dataclass(frozen=True)
class TextFormat(Generic[P]):
    """A kind's own plain-text file format (one puzzle per file, e.g. a Zebra puzzle in
    English): how a file's head is recognised and how a file is read."""

    name: str  # the `--format` name
    claims: Callable[[str], bool]  # does this text (only its head is read) hold one?
    parse: Callable[[str, str], P]  # (path, text) -> the puzzle; InputError naming the line


@dataclass(frozen=True)
class Kind(Generic[P, S]):
    """One puzzle kind's entry points, typed on its own puzzle (P) and solution (S) types:
    each entry of `KINDS` is checked against its kind's functions."""

    name: str  # the `puzzle.kind` and JSON "kind" it answers to
    describe: Callable[[P], Description]  # size and what it states, for messages
    read_json: Callable[[dict, tuple[int, int] | None], tuple[P, S | None]]
    # a JSON object -> (puzzle, expected solution or None); PuzzleError when malformed
    claims_json: Callable[[dict], bool] | None  # does an object without "kind" hold this
    # kind? None: the kind an unclaimed object is read as (exactly one kind has None)
    solution_from_json: Callable[[P, Any], S]  # inverse of solution.to_json()
    answer_json: Callable[[P, S | None], dict]  # puzzle and answer fields of a `solve
    # --json` object
    open_values: Callable[[P, S], tuple]  # a solution's values at the cells a solver fills
    # in (what cell accuracy compares)
    count: Callable[[P, int], Counted]  # the exact SAT counter
    difficulty_band: Callable[[str, int | None], tuple[int, str] | None]  # (size, reference
    # conflicts) -> (sort key, label) for the report's solve rate by difficulty
    difficulty_axis: str  # what the bands measure
    encoder: str  # "module:Class" of its encoder (torch), imported on use
    lm: str  # "module:attr" of its language-model entry (`encoders.lm_kinds.KindLM`:
    # vocabulary, serialisation, shipped model), imported on use
    own_answer: Callable[[P], S] | None  # a file of these puzzles may be a file of answers
    # (filled grids): a puzzle read as its own answer; None: never
    verdicts: Callable[[P, S], dict] | None = None  # given a solution: is it the only
    # one, and is the question's answer ({solution_verdict: unique|many, answer_verdict:
    # unique|several|None, answers}); None: the solution is the answer
    ambiguities: Callable[[P], list[dict]] | None = None  # ambiguous mentions and whether
    # the puzzle's solutions settle them (`check` lists them)
    answer_lines: Callable[[P, S], list[str]] | None = None  # an answer for people, after
    # its status line (`harness.answers`); None: answers in the file's format
    text: TextFormat[P] | None = None  # its own plain-text file format, if any


# A kind is looked up by `puzzle.kind`, which picks the entry of the puzzle's own types: the
# registry holds kinds of different types, so its values are `Kind[Any, Any]`.
KINDS: dict[str, Kind[Any, Any]] = {kind.name: kind for kind in (
    Kind[sudoku.Sudoku, sudoku.Sudoku](
         name="sudoku", describe=sudoku.describe, read_json=sudoku.read_json, claims_json=None,
         solution_from_json=sudoku.solution_from_json, answer_json=sudoku.answer_json,
         open_values=sudoku.open_values, count=sudoku_reference.count_solutions,
         difficulty_band=sudoku_reference.difficulty_band,
         difficulty_axis=sudoku_reference.DIFFICULTY_AXIS,
         encoder="encoders.sudoku:SudokuEncoder", lm="encoders.sudoku_lm:LM", own_answer=lambda grid: grid,
         verdicts=sudoku_reference.verdicts),
    Kind[zebra.ZebraPuzzle, zebra.ZebraSolution](
         name="zebra", describe=zebra.describe, read_json=zebra.read_json,
         claims_json=zebra.claims_json, solution_from_json=zebra.ZebraSolution.from_json,
         answer_json=zebra.answer_json, open_values=zebra.open_values,
         count=zebra_reference.count_solutions, difficulty_band=zebra_reference.difficulty_band,
         difficulty_axis=zebra_reference.DIFFICULTY_AXIS,
         encoder="encoders.zebra:ZebraEncoder", lm="encoders.zebra_lm:LM", own_answer=None,
         verdicts=lambda p, s: zebra_reference.verdicts(p, s).as_dict(),
         ambiguities=zebra_reference.settled_readings, answer_lines=zebra_wording.answer_lines,
         text=TextFormat("text", zebra_text.looks_like_zebra_text, zebra_text.parse_zebra_text)),
)}
TEXT_FORMATS: dict[str, TextFormat[Any]] = {  # the kinds' own text formats, by format name
    kind.text.name: kind.text for kind in KINDS.values() if kind.text is not None}


def kind_of(puzzle: Puzzle) -> Kind[Any, Any]:
    return KINDS[puzzle.kind]


def describe(puzzle: Puzzle) -> Description:
    """A puzzle's size and what it states (givens, clues), for messages."""
    return kind_of(puzzle).describe(puzzle)


def count(puzzle: Puzzle, limit: int = 2) -> Counted:
    """Find up to `limit` solutions of a puzzle of any kind (limit >= 2); verdict
    none/unique/many. Conflicts and decisions are the kind's difficulty figure."""
    return kind_of(puzzle).count(puzzle, limit)


def read_json(obj: dict, box: tuple[int, int] | None = None) -> tuple[Puzzle, Solution | None]:
    """A puzzle of any kind and its expected solution (or None) from a JSON object: the
    kind is its "kind" field, else the kind that claims its keys. PuzzleError when the
    kind is unknown or the object malformed."""
    if "kind" in obj:
        name = obj["kind"]
    else:
        name = next((k.name for k in KINDS.values() if k.claims_json and k.claims_json(obj)),
                    next(k.name for k in KINDS.values() if k.claims_json is None))
    if not isinstance(name, str) or name not in KINDS:
        raise PuzzleError(f"unsupported puzzle kind {name!r} (use one of {', '.join(KINDS)})")
    return KINDS[name].read_json(obj, box)


def encoder(kind: str, propagate: str):
    """The encoder of `kind` at propagation level `propagate` (imports torch)."""
    module, _, cls = KINDS[kind].encoder.partition(":")
    return getattr(importlib.import_module(module), cls)(propagate)
