"""Zebra (Einstein) logic puzzles: the puzzle, its solution, the verifier.

N houses stand in a row at positions 1..N (left is a lower number). Each of M attributes
(pet, drink, ...) has N distinct values, and a solution puts each value of each attribute
in exactly one house. An entity is one `(attribute, value)` pair.

Clues (what each clue kind means, mentions of entities and houses) are
`puzzles.zebra.clues`'s.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Sequence

from puzzles.base import Description
from puzzles.errors import PuzzleError
from puzzles.zebra.clues import (ROLES, Attributes, Clue, Either, Entity, entity_readings,
                                  entity_text, mention_json, options_of, placements,
                                  read_mention, reading_parts, ref_text)

NOT_A_HOUSE = "question: must ask about a person, not a house"


@dataclass(frozen=True)
class ZebraSolution:
    """A complete arrangement: per attribute, its values ordered by house (house 1 first)."""

    houses: int
    assignment: Attributes  # values by house 1..N

    def __post_init__(self):
        for name, values in self.assignment:
            if len(values) != self.houses:
                raise PuzzleError(f"solution gives attribute {name!r} {len(values)} values "
                                  f"for {self.houses} houses")

    @cached_property
    def _positions(self) -> dict[Entity, int]:
        where: dict[Entity, int] = {}
        for name, values in self.assignment:
            for house, value in enumerate(values, 1):
                where.setdefault((name, value), house)
        return where

    def position(self, entity: Entity) -> int:
        """1-based house of `entity`; PuzzleError if the solution does not place it."""
        try:
            return self._positions[entity]
        except KeyError:
            raise PuzzleError(f"solution does not place {entity_text(entity)}") from None

    def entity_at(self, attribute: str, house: int) -> Entity:
        """The entity of `attribute` standing in `house` (1-based)."""
        return (attribute, dict(self.assignment)[attribute][house - 1])

    def pin_against(self, other: "ZebraSolution") -> Clue:
        """An `at` clue true of this arrangement and false of `other` (which must differ):
        it places the first entity (attribute by attribute, house by house) that `other`
        puts elsewhere."""
        entity = next(e for e in self._positions if other.position(e) != self.position(e))
        return Clue("at", entity, position=self.position(entity))

    def to_json(self) -> dict:
        return {name: list(values) for name, values in self.assignment}

    def format(self) -> str:
        """The solution as one compact JSON object (attribute -> values by house)."""
        return json.dumps(self.to_json(), separators=(",", ":"))

    @classmethod
    def from_json(cls, puzzle: "ZebraPuzzle", obj) -> "ZebraSolution":
        """Read `{attribute: [value by house]}` for `puzzle`. Only the shape is checked here
        (every attribute present, N strings each); whether it solves the puzzle is
        `puzzle.explain`'s job."""
        if not isinstance(obj, dict):
            raise PuzzleError(f"a solution must be a JSON object, not {type(obj).__name__}")
        names = [name for name, _ in puzzle.attributes]
        extra = [k for k in obj if k not in names]
        if extra:
            raise PuzzleError(f"solution names unknown attribute {extra[0]!r}")
        assignment = []
        for name in names:
            values = obj.get(name)
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise PuzzleError(f"solution must give attribute {name!r} a list of strings")
            assignment.append((name, tuple(values)))
        return cls(puzzle.houses, tuple(assignment))


@dataclass(frozen=True)
class ZebraPuzzle:
    """Houses, attributes (each with N distinct values), clues and an optional question."""

    houses: int
    attributes: Attributes  # declared values, in declaration order
    clues: tuple[Clue, ...]
    question: Entity | Either | None = None  # the person whose position is asked (an
    #   `Either` when the question's wording is ambiguous: answered only if every reading
    #   in every solution gives the same house)
    readings_opened: str | None = field(default=None, compare=False)  # read from text:
    #   why readings its wording decided were opened (they left no solution), else None

    def __post_init__(self):
        if self.houses < 1:
            raise PuzzleError(f"a puzzle needs at least one house, not {self.houses}")
        if not self.attributes:
            raise PuzzleError("a puzzle needs at least one attribute")
        names = [name for name, _ in self.attributes]
        for name, values in self.attributes:
            if names.count(name) > 1:
                raise PuzzleError(f"attribute {name!r} is declared twice")
            if len(values) != self.houses:
                raise PuzzleError(f"attribute {name!r} has {len(values)} values, "
                                  f"expected {self.houses} (one per house)")
            twice = next((v for v in values if values.count(v) > 1), None)
            if twice is not None:
                raise PuzzleError(f"attribute {name!r} lists value {twice!r} twice")
        for i, clue in enumerate(self.clues, 1):
            where = clue.label(i, meaning=False)
            for m in clue.entities:
                for r in options_of(m):
                    if isinstance(r, int):
                        if not 1 <= r <= self.houses:
                            raise PuzzleError(f"{where}: house {r} is outside 1..{self.houses}")
                    else:
                        self._check_entity(r, where)
            if clue.position is not None and not 1 <= clue.position <= self.houses:
                raise PuzzleError(f"{where}: position {clue.position} is outside "
                                  f"1..{self.houses}")
        if self.question is not None:
            for r in options_of(self.question):
                if isinstance(r, int):
                    raise PuzzleError(NOT_A_HOUSE)
                self._check_entity(r, "question")

    def _check_entity(self, entity: Entity, where: str):
        values = self.values.get(entity[0])
        if values is None:
            raise PuzzleError(f"{where}: unknown attribute {entity[0]!r}")
        if entity[1] not in values:
            raise PuzzleError(f"{where}: {entity[1]!r} is not a value of {entity[0]!r}")

    @property
    def kind(self) -> str:
        return "zebra"

    @cached_property
    def values(self) -> dict[str, tuple[str, ...]]:
        """Attribute name -> its declared values."""
        return dict(self.attributes)

    @property
    def entities(self) -> tuple[Entity, ...]:
        """Every (attribute, value), in declaration order."""
        return tuple((name, v) for name, values in self.attributes for v in values)

    @classmethod
    def from_json(cls, obj) -> "ZebraPuzzle":
        """Build from the JSON shape (`houses`, `attributes`, `clues`, optional `question`;
        a `solution` field is ignored here). Raises PuzzleError saying what is wrong."""
        if not isinstance(obj, dict):
            raise PuzzleError("a Zebra puzzle must be a JSON object")
        houses = obj.get("houses")
        if not isinstance(houses, int) or isinstance(houses, bool):
            raise PuzzleError(f'"houses" must be an integer, not {houses!r}')
        attrs = obj.get("attributes")
        if not isinstance(attrs, dict) or not all(
                isinstance(vs, list) and all(isinstance(v, str) for v in vs) for vs in attrs.values()):
            raise PuzzleError('"attributes" must map each attribute to a list of value strings')
        clues_obj = obj.get("clues", [])
        if not isinstance(clues_obj, list):
            raise PuzzleError('"clues" must be a list')
        clues = []
        for i, c in enumerate(clues_obj, 1):
            try:
                clues.append(Clue.from_json(c))
            except PuzzleError as e:
                raise PuzzleError(f"clue {i}: {e}") from None
        question = obj.get("question")
        asked = read_mention(question, "question") if question is not None else None
        attributes = tuple((k, tuple(vs)) for k, vs in attrs.items())
        if isinstance(asked, int):  # a house: the puzzle's own checks first, as for any question
            cls(houses, attributes, tuple(clues))
            raise PuzzleError(NOT_A_HOUSE)
        return cls(houses, attributes, tuple(clues), asked)

    def to_json(self) -> dict:
        obj: dict = {"houses": self.houses,
                     "attributes": {name: list(values) for name, values in self.attributes},
                     "clues": [c.to_json() for c in self.clues]}
        if self.question is not None:
            obj["question"] = mention_json(self.question)
        return obj

    def explain(self, solution: ZebraSolution) -> str | None:
        """Why `solution` does not solve this puzzle, or None (the module's `explain`)."""
        return explain(self, solution)

    def answer(self, solution: ZebraSolution) -> int | None:
        """The asked person's house in `solution` (1-based); None without a question, or
        when the readings of an ambiguous question disagree in `solution`."""
        if self.question is None:
            return None
        houses = {solution.position(r) for r in entity_readings(self.question)}
        return houses.pop() if len(houses) == 1 else None

    def conflicts(self) -> str | None:
        """A contradiction visible without search, described; None if there is none.

        Finds an entity that the one-entity clues (at, not_at, at_end) leave no house,
        two values of one attribute pinned to one house, and a clue that no placement of
        its own entities within those houses satisfies (`same` of two values of one
        attribute, `left_of` of an entity and itself, ...).
        """
        domains: dict[Entity, frozenset[int]] = {}
        everywhere = frozenset(range(1, self.houses + 1))
        for i, clue in enumerate(self.clues, 1):
            readings = clue.readings()
            if len(readings) != 1:
                continue
            ents, good = reading_parts(clue.kind, readings[0], clue.position, self.houses)
            if len(ents) == 1:
                old = domains.get(ents[0], everywhere)
                domains[ents[0]] = frozenset(p for p in old if (p,) in good)
                if not domains[ents[0]]:
                    return f"{clue.label(i, meaning=False)} leaves {entity_text(ents[0])} no possible house"
        pinned: dict[tuple[str, int], Entity] = {}
        for e, dom in domains.items():
            if len(dom) == 1:
                other = pinned.setdefault((e[0], min(dom)), e)
                if other != e:
                    return (f"{entity_text(other)} and {entity_text(e)} are both placed in "
                            f"house {min(dom)}")
        for i, clue in enumerate(self.clues, 1):
            parts = [reading_parts(clue.kind, r, clue.position, self.houses)
                     for r in clue.readings()]
            if not any(ps in good for ents, good in parts
                       for ps in placements(ents, self.houses, domains)):
                return f"{clue.label(i)} can never hold"
        return None


def explain(puzzle: ZebraPuzzle, solution: ZebraSolution) -> str | None:
    """Why `solution` does not solve `puzzle`, or None when it does. The definition of correct:

    the same houses and attributes, every attribute a permutation of its declared values
    over the houses, and every clue true.
    """
    if solution.houses != puzzle.houses:
        return f"solution has {solution.houses} houses, the puzzle {puzzle.houses}"
    names = [name for name, _ in puzzle.attributes]
    if [name for name, _ in solution.assignment] != names:
        return f"solution attributes differ from the puzzle's ({', '.join(names)})"
    for (name, values), (_, placed) in zip(puzzle.attributes, solution.assignment):
        if sorted(placed) != sorted(values):
            return f"attribute {name!r} is not a permutation of {', '.join(values)}"
    for i, clue in enumerate(puzzle.clues, 1):
        if not clue.true_in(solution.position, puzzle.houses):
            where = ", ".join(f"{entity_text(e)} in house {solution.position(e)}"
                              for e in clue.refs())
            return f"{clue.label(i)} does not hold: {where or 'no person'}"
    return None


def settled(clue: Clue, solutions: Sequence[ZebraSolution], houses: int) -> list[dict]:
    """For each ambiguous mention of `clue`: its readings, and those that a true reading of
    the clue uses in some of `solutions` (`settled` when that is a single one)."""
    out = []
    for slot, (role, mention) in enumerate(zip(ROLES, clue.entities)):
        if not isinstance(mention, Either):
            continue
        used: set = set()
        for solution in solutions:
            where = solution.position
            used |= {reading[slot] for reading in clue.readings() if clue.relation.test(
                [r if isinstance(r, int) else where(r) for r in reading], clue.position, houses)}
        kept = [r for r in mention.options if r in used]
        out.append({"slot": role, "readings": [ref_text(r) for r in mention.options],
                    "true": [ref_text(r) for r in kept], "settled": len(kept) == 1})
    return out


def ambiguities(puzzle: ZebraPuzzle, solutions: Sequence[ZebraSolution]) -> list[dict]:
    """Every ambiguous mention of the puzzle's clues (see `settled`), with its clue's number
    and sentence (or meaning): what `check` lists."""
    return [{"clue": clue.number if clue.number is not None else i,
             "text": clue.sentence or str(clue), **found}
            for i, clue in enumerate(puzzle.clues, 1) if clue.ambiguous
            for found in settled(clue, solutions, puzzle.houses)]


def verify(puzzle: ZebraPuzzle, solution: ZebraSolution) -> bool:
    """True exactly when `solution` solves `puzzle` (see `explain`)."""
    return explain(puzzle, solution) is None


def describe(puzzle: ZebraPuzzle) -> Description:
    return Description(f"{puzzle.houses}x{len(puzzle.attributes)}", "clues", len(puzzle.clues))


def claims_json(obj: dict) -> bool:
    """Does a JSON object without a "kind" field hold a Zebra puzzle (by its keys)?"""
    return "houses" in obj or "attributes" in obj or isinstance(obj.get("puzzle"), dict)


def read_json(obj: dict, box=None) -> tuple[ZebraPuzzle, ZebraSolution | None]:
    """A puzzle and its expected solution (or None) from a JSON object. The puzzle's fields
    sit at the top, or under "puzzle" (as `solve --json` writes them); the solution sits at
    the top in both. `box` is ignored (it is a Sudoku option)."""
    puzzle = ZebraPuzzle.from_json(obj["puzzle"] if isinstance(obj.get("puzzle"), dict) else obj)
    solution = obj.get("solution")
    return puzzle, ZebraSolution.from_json(puzzle, solution) if solution is not None else None


def answer_json(puzzle: ZebraPuzzle, solution: ZebraSolution | None) -> dict:
    """The puzzle and answer fields of a `solve --json` object: JSON objects in the input
    shape, `answer`, the question entity's house (or null), and `readings_opened` when
    the text's decided readings were opened (`ZebraPuzzle.readings_opened`)."""
    obj: dict = {"puzzle": puzzle.to_json(),
                 "solution": solution.to_json() if solution is not None else None,
                 "answer": puzzle.answer(solution) if solution is not None else None}
    if puzzle.readings_opened:
        obj["readings_opened"] = puzzle.readings_opened
    return obj


def open_values(puzzle: ZebraPuzzle, solution: ZebraSolution) -> tuple[str, ...]:
    """Every (attribute, house) value of `solution`, in the puzzle's attribute order."""
    by_name = dict(solution.assignment)
    return tuple(v for name, _ in puzzle.attributes for v in by_name[name])
