"""Zebra (Einstein) logic puzzles: the clue relations as one table, the puzzle, the verifier.

N houses stand in a row at positions 1..N (left is a lower number). Each of M attributes
(pet, drink, ...) has N distinct values, and a solution puts each value of each attribute
in exactly one house. An entity is one `(attribute, value)` pair.

A clue relates up to three entities and possibly a house number. What each clue kind
means is written once, in `RELATIONS`, as a predicate over positions; the verifier, the
reference solver (its CNF), the generator, the Hypothesis strategies and the penalty
energies all read that table, so a kind added there is understood everywhere.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Callable, Iterator, Sequence

from puzzles.base import Description
from puzzles.errors import PuzzleError

Entity = tuple[str, str]  # (attribute, value)
Attributes = tuple[tuple[str, tuple[str, ...]], ...]  # (name, values) per attribute
Ref = Entity | int  # one reading of a mention: an entity, or a house number (the person there)


@dataclass(frozen=True)
class Either:
    """An ambiguous mention: the person it names is one of `options` (at least two distinct
    readings). A clue holds when it holds for at least one choice of reading per mention."""

    options: tuple[Ref, ...]

    def __str__(self) -> str:
        return "(" + " | ".join(ref_text(r) for r in self.options) + ")"


Mention = Entity | int | Either  # how a clue slot names a person


def either(options) -> Mention:
    """A mention from its readings: the single reading itself, or an `Either` of them
    (duplicates dropped, order kept)."""
    distinct = tuple(dict.fromkeys(options))
    if not distinct:
        raise PuzzleError("a mention needs at least one reading")
    return distinct[0] if len(distinct) == 1 else Either(distinct)


def options_of(mention: Mention) -> tuple[Ref, ...]:
    """The readings of a mention (one for a plain entity or house)."""
    return mention.options if isinstance(mention, Either) else (mention,)


def ref_text(ref: Ref) -> str:
    return f"house {ref}" if isinstance(ref, int) else entity_text(ref)


def mention_text(mention: Mention) -> str:
    return str(mention) if isinstance(mention, Either) else ref_text(mention)


@dataclass(frozen=True)
class Relation:
    """What one clue kind means."""

    arity: int  # entity references it takes: a; a, b; or a, b, c
    positional: bool  # it also takes a house number `position` (k below)
    holds: Callable[[int, int | None, int | None, int | None, int], bool]  # (pa, pb, pc, k, N)
    text: str  # how the verifier words it; {a} {b} {c} {k} are filled in

    def test(self, positions: Sequence[int], k: int | None, houses: int) -> bool:
        """Does the relation hold for entities at `positions` (a, b, c order)?"""
        return self.holds(*positions, *(None,) * (3 - len(positions)), k, houses)


RELATIONS: dict[str, Relation] = {
    "same": Relation(2, False, lambda a, b, c, k, n: a == b, "{a} lives with {b}"),
    "not_same": Relation(2, False, lambda a, b, c, k, n: a != b, "{a} does not live with {b}"),
    "left_of": Relation(2, False, lambda a, b, c, k, n: a < b, "{a} is left of {b}"),
    "right_of": Relation(2, False, lambda a, b, c, k, n: a > b, "{a} is right of {b}"),
    "immediately_left": Relation(2, False, lambda a, b, c, k, n: a + 1 == b,
                                 "{a} is immediately left of {b}"),
    "next_to": Relation(2, False, lambda a, b, c, k, n: abs(a - b) == 1, "{a} is next to {b}"),
    "between": Relation(3, False, lambda a, b, c, k, n: (b < a) & (a < c),
                        "{a} is between {b} and {c} in that order"),
    "at_end": Relation(1, False, lambda a, b, c, k, n: (a == 1) | (a == n), "{a} is at an end"),
    "at": Relation(1, True, lambda a, b, c, k, n: a == k, "{a} is in house {k}"),
    "not_at": Relation(1, True, lambda a, b, c, k, n: a != k, "{a} is not in house {k}"),
    # The house wording of published benchmarks
    # ("There is one house between X and Y") needs these two.
    "one_between": Relation(2, False, lambda a, b, c, k, n: abs(a - b) == 2,
                            "one house is between {a} and {b}"),
    "two_between": Relation(2, False, lambda a, b, c, k, n: abs(a - b) == 3,
                            "two houses are between {a} and {b}"),
}
"""Clue kind -> meaning. The predicates use only operators that also work elementwise on
integer arrays and tensors (`&`, `|`, `abs`, comparisons), so an energy can evaluate a
whole batch of position tensors with the same table."""
CLUE_KINDS = tuple(RELATIONS)  # every clue kind, in table order
ROLES = ("a", "b", "c")  # entity slots of a clue, in order


@lru_cache(maxsize=None)
def satisfying(kind: str, houses: int) -> tuple[tuple[tuple[int, ...], int | None], ...]:
    """Every (entity positions, k) that makes a clue of `kind` true in `houses` houses, in
    lexicographic order; k is None for kinds without a position."""
    rel = RELATIONS[kind]
    ks = range(1, houses + 1) if rel.positional else (None,)
    return tuple((ps, k) for ps in itertools.product(range(1, houses + 1), repeat=rel.arity)
                 for k in ks if rel.test(ps, k, houses))


@lru_cache(maxsize=None)
def good_tuples(kind: str, consts: tuple[int | None, ...], k: int | None,
                houses: int) -> frozenset[tuple[int, ...]]:
    """Positions of the entity slots (those whose `consts` entry is None, in slot order) that
    make a clue of `kind` with house `k` true, the other slots standing at their constant
    houses. With no entity slot: {()} when the clue is true, else the empty set."""
    rel = RELATIONS[kind]
    free = [i for i, c in enumerate(consts) if c is None]
    good = set()
    for ps in itertools.product(range(1, houses + 1), repeat=len(free)):
        full = list(consts)
        for i, p in zip(free, ps):
            full[i] = p
        if rel.test(full, k, houses):
            good.add(ps)
    return frozenset(good)


def reading_parts(kind: str, refs: Sequence[Ref], k: int | None, houses: int):
    """(entities, good position tuples) of one reading: its entity slots in order, and
    `good_tuples` for its house slots."""
    consts = tuple(r if isinstance(r, int) else None for r in refs)
    return (tuple(r for r in refs if not isinstance(r, int)),
            good_tuples(kind, consts, k, houses))


def question_text(question: Entity | Either) -> str:
    """`pet fish`, or `hobby biking or activity biking` for an ambiguous question."""
    return " or ".join(f"{a} {v}" for a, v in options_of(question))  # type: ignore[misc]


def entity_text(entity: Entity) -> str:
    return f"{entity[0]}={entity[1]}"


def _entity(obj, what: str) -> Entity:
    if (not isinstance(obj, (list, tuple)) or len(obj) != 2
            or not all(isinstance(x, str) for x in obj)):
        raise PuzzleError(f"{what} must be an [attribute, value] pair of strings, not {obj!r}")
    return (obj[0], obj[1])


def _ref(obj, what: str) -> Ref:
    if isinstance(obj, int) and not isinstance(obj, bool):
        return obj
    if (isinstance(obj, dict) and set(obj) == {"house"} and isinstance(obj["house"], int)
            and not isinstance(obj["house"], bool)):
        return obj["house"]
    try:
        return _entity(obj, what)
    except PuzzleError:
        raise PuzzleError(f"{what} must be an [attribute, value] pair of strings, a house "
                          f"number or {{\"any\": [...]}} of those, not {obj!r}") from None


def _mention(obj, what: str) -> Mention:
    """JSON -> mention: `["pet", "cat"]`, a house number `2` (or `{"house": 2}`), or
    `{"any": [reading, reading, ...]}` for an ambiguous mention."""
    if isinstance(obj, dict) and "any" in obj:
        if set(obj) != {"any"} or not isinstance(obj["any"], list) or not obj["any"]:
            raise PuzzleError(f'{what}: "any" must be the only field, a non-empty list of readings')
        return either(_ref(o, what) for o in obj["any"])
    return _ref(obj, what)


def _mention_json(mention: Mention):
    if isinstance(mention, Either):
        return {"any": [_mention_json(o) for o in mention.options]}
    return mention if isinstance(mention, int) else list(mention)


@dataclass(frozen=True)
class Clue:
    """One clue: `kind` (a key of RELATIONS) over entities a[, b[, c]] and maybe `position`."""

    kind: str
    a: Mention
    b: Mention | None = None
    c: Mention | None = None
    position: int | None = None  # 1-based house number, for `at` and `not_at`
    number: int | None = field(default=None, compare=False)  # the clue's number in its file
    sentence: str | None = field(default=None, compare=False)  # the file's own wording
    def __post_init__(self):
        if self.kind not in RELATIONS:
            raise PuzzleError(f"unknown clue kind {self.kind!r} (use one of {', '.join(CLUE_KINDS)})")
        rel = self.relation
        for i, role in enumerate(ROLES):
            if (getattr(self, role) is None) != (i >= rel.arity):
                need = "needs" if i < rel.arity else "takes no"
                raise PuzzleError(f"{self.kind} clue {need} entity {role!r}")
        if (self.position is None) == rel.positional:
            need = "needs a" if rel.positional else "takes no"
            raise PuzzleError(f"{self.kind} clue {need} position")

    @property
    def relation(self) -> Relation:
        return RELATIONS[self.kind]

    @property
    def entities(self) -> tuple[Mention, ...]:
        """The clue's mentions in slot order (entities, for a plain clue)."""
        return (self.a, self.b, self.c)[:self.relation.arity]  # type: ignore[return-value]

    @property
    def ambiguous(self) -> bool:
        return any(isinstance(m, Either) for m in self.entities)

    @property
    def plain(self) -> bool:
        """Every mention is one entity (no house, no alternatives)."""
        return all(isinstance(m, tuple) for m in self.entities)

    def readings(self) -> tuple[tuple[Ref, ...], ...]:
        """Every choice of one reading per mention, in slot order."""
        return tuple(itertools.product(*(options_of(m) for m in self.entities)))

    def refs(self) -> tuple[Entity, ...]:
        """Every entity any reading names, once each."""
        return tuple(dict.fromkeys(r for m in self.entities for r in options_of(m)
                                   if not isinstance(r, int)))

    def holds(self, positions: Sequence[int], houses: int) -> bool:
        """Is a plain clue true when its entities stand at `positions` (a, b, c order)?"""
        return self.relation.test(positions, self.position, houses)

    def true_in(self, where: Callable[[Entity], int], houses: int) -> bool:
        """Is the clue true when `where(entity)` is each entity's house: does at least one
        reading hold?"""
        return any(self.relation.test([r if isinstance(r, int) else where(r) for r in reading],
                                      self.position, houses)
                   for reading in self.readings())

    def __str__(self) -> str:
        names = {role: mention_text(m) for role, m in zip(ROLES, self.entities)}
        return self.relation.text.format(k=self.position, **names)

    def label(self, index: int, meaning: bool = True) -> str:
        """How messages name the clue: the file's own number and sentence when it came from
        text (`clue 37 ("The skier ...")`), else its index (and meaning)."""
        number = self.number if self.number is not None else index
        if self.sentence:
            return f'clue {number} ("{self.sentence}")'
        return f"clue {number} ({self})" if meaning else f"clue {number}"

    def to_json(self) -> dict:
        obj: dict = {"kind": self.kind}
        obj.update({role: _mention_json(m) for role, m in zip(ROLES, self.entities)})
        if self.position is not None:
            obj["position"] = self.position
        if self.number is not None:
            obj["number"] = self.number
        if self.sentence is not None:
            obj["text"] = self.sentence
        return obj

    @classmethod
    def from_json(cls, obj) -> "Clue":
        if not isinstance(obj, dict):
            raise PuzzleError(f"a clue must be a JSON object, not {obj!r}")
        unknown = set(obj) - {"kind", "position", "number", "text", *ROLES}
        if unknown:
            raise PuzzleError(f"unknown clue field(s) {', '.join(sorted(unknown))}")
        position, number = obj.get("position"), obj.get("number")
        for name, n in (("position", position), ("number", number)):
            if n is not None and (not isinstance(n, int) or isinstance(n, bool)):
                raise PuzzleError(f"{name} must be an integer, not {n!r}")
        text = obj.get("text")
        if text is not None and not isinstance(text, str):
            raise PuzzleError(f"text must be a string, not {text!r}")
        refs = {role: _mention(obj[role], role) if obj.get(role) is not None else None
                for role in ROLES}
        return cls(obj.get("kind"), refs["a"], refs["b"], refs["c"], position,  # type: ignore[arg-type]
                   number, text)


def placements(entities: Sequence[Entity], houses: int,
               domains: dict[Entity, frozenset[int]] | None = None) -> Iterator[tuple[int, ...]]:
    """Positions the entities can take together in some arrangement: a repeated entity
    keeps one position, distinct values of one attribute take distinct houses, and each
    entity stays in `domains[entity]` (all houses when absent)."""
    everywhere = frozenset(range(1, houses + 1))
    distinct = list(dict.fromkeys(entities))
    ranges = [sorted((domains or {}).get(e, everywhere)) for e in distinct]
    for ps in itertools.product(*ranges):
        taken = {}
        if all(taken.setdefault((e[0], p), e) == e for e, p in zip(distinct, ps)):
            where = dict(zip(distinct, ps))
            yield tuple(where[e] for e in entities)


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
                    raise PuzzleError("question: must ask about a person, not a house")
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
        return cls(houses, tuple((k, tuple(vs)) for k, vs in attrs.items()), tuple(clues),
                   _mention(question, "question") if question is not None else None)

    def to_json(self) -> dict:
        obj: dict = {"houses": self.houses,
                     "attributes": {name: list(values) for name, values in self.attributes},
                     "clues": [c.to_json() for c in self.clues]}
        if self.question is not None:
            obj["question"] = _mention_json(self.question)
        return obj

    def explain(self, solution: ZebraSolution) -> str | None:
        """Why `solution` does not solve this puzzle, or None (the module's `explain`)."""
        return explain(self, solution)

    def answer(self, solution: ZebraSolution) -> int | None:
        """The asked person's house in `solution` (1-based); None without a question, or
        when the readings of an ambiguous question disagree in `solution`."""
        if self.question is None:
            return None
        houses = {solution.position(r) for r in options_of(self.question)}  # type: ignore[arg-type]
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
    obj = {"puzzle": puzzle.to_json(),
           "solution": solution.to_json() if solution is not None else None,
           "answer": puzzle.answer(solution) if solution is not None else None}
    if puzzle.readings_opened:
        obj["readings_opened"] = puzzle.readings_opened
    return obj


def open_values(puzzle: ZebraPuzzle, solution: ZebraSolution) -> tuple[str, ...]:
    """Every (attribute, house) value of `solution`, in the puzzle's attribute order."""
    by_name = dict(solution.assignment)
    return tuple(v for name, _ in puzzle.attributes for v in by_name[name])
