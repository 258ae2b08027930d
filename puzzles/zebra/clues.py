"""Zebra clues: entities, mentions (an entity, a house, or `Either`: an ambiguous
reference), the clue relations as one table, and the `Clue`.

A clue relates up to three entities and possibly a house number. What each clue kind
means is written once, in `RELATIONS`, as a predicate over positions; the verifier, the
reference solver (its CNF), the generator, the Hypothesis strategies and the penalty
energies all read that table, so a kind added there is understood everywhere.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterator, Sequence

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
    holds: Callable[..., Any]  # (pa, pb, pc, k, N) -> does it hold: the positions of slots
    # a, b, c (None past the arity), house k (None unless positional), N houses; ints for
    # `test`, integer arrays or tensors for the energies (elementwise, an array back)
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
    free = sum(c is None for c in consts)
    good = set()
    for ps in itertools.product(range(1, houses + 1), repeat=free):
        fill = iter(ps)
        full = [next(fill) if c is None else c for c in consts]
        if rel.test(full, k, houses):
            good.add(ps)
    return frozenset(good)


def reading_parts(kind: str, refs: Sequence[Ref], k: int | None, houses: int):
    """(entities, good position tuples) of one reading: its entity slots in order, and
    `good_tuples` for its house slots."""
    consts = tuple(r if isinstance(r, int) else None for r in refs)
    return (tuple(r for r in refs if not isinstance(r, int)),
            good_tuples(kind, consts, k, houses))


def entity_readings(mention: Mention) -> tuple[Entity, ...]:
    """The readings of a mention that name an entity: all of a question's (`ZebraPuzzle`
    rejects a house there)."""
    return tuple(r for r in options_of(mention) if not isinstance(r, int))


def question_text(question: Entity | Either) -> str:
    """`pet fish`, or `hobby biking or activity biking` for an ambiguous question."""
    return " or ".join(f"{a} {v}" for a, v in entity_readings(question))


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


def read_mention(obj, what: str) -> Mention:
    """JSON -> mention: `["pet", "cat"]`, a house number `2` (or `{"house": 2}`), or
    `{"any": [reading, reading, ...]}` for an ambiguous mention."""
    if isinstance(obj, dict) and "any" in obj:
        if set(obj) != {"any"} or not isinstance(obj["any"], list) or not obj["any"]:
            raise PuzzleError(f'{what}: "any" must be the only field, a non-empty list of readings')
        return either(_ref(o, what) for o in obj["any"])
    return _ref(obj, what)


def mention_json(mention: Mention):
    if isinstance(mention, Either):
        return {"any": [mention_json(o) for o in mention.options]}
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
            raise _unknown_kind(self.kind)
        rel = self.relation
        for i, role in enumerate(ROLES):
            if (getattr(self, role) is None) != (i >= rel.arity):
                need = "needs" if i < rel.arity else "takes no"
                raise PuzzleError(f"{self.kind} clue {need} entity {role!r}")
        if (self.position is None) == rel.positional:
            need = "needs a" if rel.positional else "takes no"
            raise PuzzleError(f"{self.kind} clue {need} position")

    @classmethod
    def of(cls, kind: str, mentions: Sequence[Mention], position: int | None = None) -> Clue:
        """The clue of `kind` over `mentions` in slot order (a, b, c; as many as its arity)."""
        if not 1 <= len(mentions) <= len(ROLES):
            raise PuzzleError(f"a clue takes 1 to {len(ROLES)} mentions, not {len(mentions)}")
        rest = [*mentions[1:], None, None]
        return cls(kind, mentions[0], rest[0], rest[1], position)

    @property
    def relation(self) -> Relation:
        return RELATIONS[self.kind]

    @property
    def entities(self) -> tuple[Mention, ...]:
        """The clue's mentions in slot order (entities, for a plain clue)."""
        # every slot up to the arity holds a mention (__post_init__), so none is dropped
        return tuple(m for m in (self.a, self.b, self.c)[:self.relation.arity] if m is not None)

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
        obj.update({role: mention_json(m) for role, m in zip(ROLES, self.entities)})
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
        refs = {role: read_mention(obj[role], role) if obj.get(role) is not None else None
                for role in ROLES}
        kind, a = obj.get("kind"), refs["a"]
        if not isinstance(kind, str) or kind not in RELATIONS:  # a list or object included
            raise _unknown_kind(kind)
        if a is None:  # every kind takes an `a`: what __post_init__ would say first
            raise PuzzleError(f"{kind} clue needs entity 'a'")
        return cls(kind, a, refs["b"], refs["c"], position, number, text)


def _unknown_kind(kind: object) -> PuzzleError:
    return PuzzleError(f"unknown clue kind {kind!r} (use one of {', '.join(CLUE_KINDS)})")


def placements(entities: Sequence[Entity], houses: int,
               domains: dict[Entity, frozenset[int]] | None = None) -> Iterator[tuple[int, ...]]:
    """Positions the entities can take together in some arrangement: a repeated entity
    keeps one position, distinct values of one attribute take distinct houses, and each
    entity stays in `domains[entity]` (all houses when absent)."""
    everywhere = frozenset(range(1, houses + 1))
    distinct = list(dict.fromkeys(entities))
    ranges = [sorted((domains or {}).get(e, everywhere)) for e in distinct]
    for ps in itertools.product(*ranges):
        taken: dict[tuple[str, int], Entity] = {}  # (attribute, house) -> its entity
        if all(taken.setdefault((e[0], p), e) == e for e, p in zip(distinct, ps)):
            where = dict(zip(distinct, ps))
            yield tuple(where[e] for e in entities)
