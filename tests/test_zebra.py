"""The Zebra model: the relation table, the verifier against brute force, JSON, conflicts.

`brute_solutions` (exhaustive search with the README's definitions written out again here,
independent of `puzzles.zebra.clues.RELATIONS`) is also used by the reference and generator tests.
"""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from puzzles.errors import PuzzleError
from puzzles.zebra.clues import CLUE_KINDS, RELATIONS, Clue
from puzzles.zebra.model import ZebraPuzzle, ZebraSolution, explain, verify
from puzzles.zebra.strategies import zebra_puzzles

# The README's definitions of the clue kinds, over 1-based positions of a, b, c and k.
DEFINITIONS = {
    "same": lambda a, b, c, k, n: a == b,
    "not_same": lambda a, b, c, k, n: a != b,
    "left_of": lambda a, b, c, k, n: a < b,
    "right_of": lambda a, b, c, k, n: a > b,
    "immediately_left": lambda a, b, c, k, n: a + 1 == b,
    "next_to": lambda a, b, c, k, n: abs(a - b) == 1,
    "between": lambda a, b, c, k, n: b < a < c,
    "at_end": lambda a, b, c, k, n: a == 1 or a == n,
    "at": lambda a, b, c, k, n: a == k,
    "not_at": lambda a, b, c, k, n: a != k,
    "one_between": lambda a, b, c, k, n: abs(a - b) == 2,
    "two_between": lambda a, b, c, k, n: abs(a - b) == 3,
}

EXAMPLE = {  # the README's JSON example
    "houses": 3,
    "attributes": {"color": ["red", "green", "blue"], "pet": ["cat", "dog", "fish"]},
    "clues": [{"kind": "at", "a": ["color", "red"], "position": 1},
              {"kind": "immediately_left", "a": ["color", "green"], "b": ["color", "blue"]},
              {"kind": "same", "a": ["pet", "dog"], "b": ["color", "blue"]},
              {"kind": "next_to", "a": ["pet", "cat"], "b": ["pet", "dog"]}],
    "question": ["pet", "fish"],
}
EXAMPLE_SOLUTION = {"color": ["red", "green", "blue"], "pet": ["fish", "cat", "dog"]}


def _refs(clue: Clue):
    return [e for e in (clue.a, clue.b, clue.c) if e is not None]


def clue_possible(clue: Clue, where: dict, houses: int) -> bool:
    """Can the clue (under DEFINITIONS) hold, with `where[entity]` = its house, whatever
    houses its entities missing from `where` get? With all placed: is it true?"""
    choices = [[where[e]] if e in where else range(1, houses + 1) for e in _refs(clue)]
    return any(DEFINITIONS[clue.kind](*ps, *[None] * (3 - len(ps)), clue.position, houses)
               for ps in itertools.product(*choices))


def brute_solutions(puzzle: ZebraPuzzle) -> list[ZebraSolution]:
    """Every solution, sorted, by exhaustive backtracking: houses are filled attribute by
    attribute (greedily in the order that lets the most clues be checked soonest), house
    by house, and a branch is cut as soon as a clue about a placed entity cannot hold."""
    n, names = puzzle.houses, [name for name, _ in puzzle.attributes]
    mentions = [{e[0] for e in _refs(c)} for c in puzzle.clues]
    order: list[str] = []
    while len(order) < len(names):
        order.append(max((a for a in names if a not in order),
                         key=lambda a: sum(m <= {*order, a} for m in mentions)))
    due: dict = {}  # entity -> the clues that mention it
    for clue in puzzle.clues:
        for e in set(_refs(clue)):
            due.setdefault(e, []).append(clue)
    slots = [(a, h) for a in order for h in range(1, n + 1)]
    where: dict = {}
    found = []

    def walk(i: int):
        if i == len(slots):
            found.append(ZebraSolution(n, tuple(
                (a, tuple(sorted(puzzle.values[a], key=lambda v: where[a, v]))) for a in names)))
            return
        name, house = slots[i]
        for value in puzzle.values[name]:
            if (name, value) in where:
                continue
            where[name, value] = house
            if all(clue_possible(c, where, n) for c in due.get((name, value), ())):
                walk(i + 1)
            del where[name, value]

    walk(0)
    return sorted(found, key=lambda s: s.assignment)


@st.composite
def any_clues(draw, attributes, houses: int, max_size: int = 5):
    """Clues over the given attributes, true or not of anything."""
    entities = [(name, v) for name, values in attributes for v in values]
    ent = st.sampled_from(entities)

    def clue(kind):
        rel = RELATIONS[kind]
        refs = [draw(ent) for _ in range(rel.arity)]
        k = draw(st.integers(1, houses)) if rel.positional else None
        return Clue(kind, *refs, position=k)

    return [clue(k) for k in draw(st.lists(st.sampled_from(CLUE_KINDS), max_size=max_size))]


TINY = (("color", ("red", "green", "blue")), ("pet", ("cat", "dog", "fish")))


def test_relation_table_matches_the_definitions():
    assert set(RELATIONS) == set(DEFINITIONS)
    for kind, rel in RELATIONS.items():
        for n in range(1, 6):
            for ps in itertools.product(range(1, n + 1), repeat=rel.arity):
                for k in (range(1, n + 1) if rel.positional else [None]):
                    padded = (*ps, *[None] * (3 - len(ps)))
                    assert rel.test(ps, k, n) == DEFINITIONS[kind](*padded, k, n), (kind, ps, k, n)


def test_relation_table_works_elementwise_on_arrays():
    """Energies evaluate the same predicates on whole batches of positions."""
    np = pytest.importorskip("numpy")
    n = 5
    for kind, rel in RELATIONS.items():
        tuples = list(itertools.product(range(1, n + 1), repeat=3))
        a, b, c = (np.array(column) for column in zip(*tuples))
        for k in (range(1, n + 1) if rel.positional else [None]):
            batch = rel.holds(a, b, c, k, n)
            assert batch.tolist() == [rel.test(t[:rel.arity], k, n) for t in tuples], kind


@given(any_clues(TINY, 3))
def test_verify_matches_brute_force_on_every_assignment(clues):
    """All 27 x 27 assignments of a 3-house, 2-attribute puzzle, permutations or not."""
    puzzle = ZebraPuzzle(3, TINY, tuple(clues))
    for colors, pets in itertools.product(itertools.product(TINY[0][1], repeat=3),
                                          itertools.product(TINY[1][1], repeat=3)):
        solution = ZebraSolution(3, (("color", colors), ("pet", pets)))
        expected = (len(set(colors)) == 3 and len(set(pets)) == 3 and all(
            clue_possible(c, {e: solution.position(e) for e in puzzle.entities}, 3) for c in clues))
        assert verify(puzzle, solution) == expected


def test_explain_names_the_failing_clue_and_bad_attribute():
    puzzle = ZebraPuzzle.from_json(EXAMPLE)
    good = ZebraSolution.from_json(puzzle, EXAMPLE_SOLUTION)
    assert puzzle.explain(good) is None and verify(puzzle, good)
    wrong = ZebraSolution.from_json(puzzle, {"color": ["red", "green", "blue"],
                                             "pet": ["cat", "fish", "dog"]})
    why = explain(puzzle, wrong)
    assert why.startswith("clue 4 (pet=cat is next to pet=dog) does not hold")
    repeated = ZebraSolution.from_json(puzzle, {"color": ["red", "red", "blue"],
                                                "pet": ["fish", "cat", "dog"]})
    assert "attribute 'color' is not a permutation" in puzzle.explain(repeated)
    other = ZebraPuzzle(2, (("color", ("red", "green")),), ())
    assert "houses" in puzzle.explain(ZebraSolution(2, (("color", ("red", "green")),)))
    assert "attributes differ" in other.explain(ZebraSolution(2, (("pet", ("red", "green")),)))


def test_the_readme_example_and_its_answer():
    puzzle = ZebraPuzzle.from_json(json.loads(json.dumps(EXAMPLE)))
    assert puzzle.kind == "zebra"
    assert puzzle.to_json() == EXAMPLE
    solution = ZebraSolution.from_json(puzzle, EXAMPLE_SOLUTION)
    assert puzzle.answer(solution) == 1
    assert solution.position(("color", "blue")) == 3
    assert solution.entity_at("pet", 2) == ("pet", "cat")
    assert solution.format() == json.dumps(EXAMPLE_SOLUTION, separators=(",", ":"))
    assert ZebraPuzzle(3, puzzle.attributes, puzzle.clues).answer(solution) is None


@given(zebra_puzzles(houses=st.integers(1, 6), attributes=st.integers(1, 5), unique=False))
def test_json_round_trip(puzzle):
    assert ZebraPuzzle.from_json(json.loads(json.dumps(puzzle.to_json()))) == puzzle
    assert puzzle.conflicts() is None  # its clues are all true of one arrangement


def _with(**changes):
    obj = json.loads(json.dumps(EXAMPLE))
    obj.update(changes)
    return obj


def _clue(**fields):
    return _with(clues=[fields])


@pytest.mark.parametrize("obj, message", [
    ([], "must be a JSON object"),
    (_with(houses="3"), '"houses" must be an integer'),
    (_with(houses=0), "at least one house"),
    (_with(attributes=[]), '"attributes" must map'),
    (_with(attributes={}), "at least one attribute"),
    (_with(attributes={"color": ["red", "green"], "pet": ["cat", "dog", "fish"]}),
     "attribute 'color' has 2 values, expected 3"),
    (_with(attributes={"color": ["red", "red", "blue"], "pet": ["cat", "dog", "fish"]}),
     "lists value 'red' twice"),
    (_with(clues={}), '"clues" must be a list'),
    (_clue(kind="above", a=["color", "red"]), "clue 1: unknown clue kind 'above'"),
    (_clue(kind="same", a=["color", "red"]), "clue 1: same clue needs entity 'b'"),
    (_clue(kind="at_end", a=["color", "red"], b=["pet", "cat"]), "takes no entity 'b'"),
    (_clue(kind="at", a=["color", "red"]), "at clue needs a position"),
    (_clue(kind="next_to", a=["color", "red"], b=["pet", "cat"], position=1),
     "next_to clue takes no position"),
    (_clue(kind="at", a=["color", "red"], position=4), "clue 1: position 4 is outside 1..3"),
    (_clue(kind="at", a=["color", "red"], position=True), "position must be an integer"),
    (_clue(kind="at_end", a=["colour", "red"]), "clue 1: unknown attribute 'colour'"),
    (_clue(kind="at_end", a=["color", "pink"]), "clue 1: 'pink' is not a value of 'color'"),
    (_clue(kind="at_end", a="red"), "must be an [attribute, value] pair"),
    (_clue(kind="at_end", a=["color", "red"], d=1), "unknown clue field(s) d"),
    (_with(clues=["same"]), "a clue must be a JSON object"),
    (_with(question=["pet", "cow"]), "question: 'cow' is not a value of 'pet'"),
])
def test_from_json_rejects_malformed_puzzles(obj, message):
    with pytest.raises(PuzzleError) as e:
        ZebraPuzzle.from_json(obj)
    assert message in str(e.value)


@pytest.mark.parametrize("obj, message", [
    (_clue(kind=["at"], a=["color", "red"], position=1), "clue 1: unknown clue kind ['at']"),
    (_clue(kind={"at": 1}, a=["color", "red"]), "clue 1: unknown clue kind {'at': 1}"),
    (_clue(a=["color", "red"]), "clue 1: unknown clue kind None"),
    (_clue(kind="same", b=["pet", "cat"]), "clue 1: same clue needs entity 'a'"),
    (_with(question=2), "question: must ask about a person, not a house"),
    (_with(question={"any": [2, ["pet", "cat"]]}), "question: must ask about a person"),
    (_with(houses=0, question=2), "at least one house"),  # the puzzle's own checks first
])
def test_from_json_rejects_any_kind_and_question_with_a_puzzle_error(obj, message):
    with pytest.raises(PuzzleError) as e:  # a list or object kind: not a TypeError
        ZebraPuzzle.from_json(obj)
    assert message in str(e.value)


@pytest.mark.parametrize("obj, message", [
    ([], "must be a JSON object"),
    ({"color": ["red", "green", "blue"]}, "attribute 'pet' a list of strings"),
    ({**EXAMPLE_SOLUTION, "drink": ["tea"] * 3}, "unknown attribute 'drink'"),
    ({**EXAMPLE_SOLUTION, "pet": ["cat", "dog"]}, "2 values for 3 houses"),
])
def test_solution_from_json_rejects_bad_shapes(obj, message):
    with pytest.raises(PuzzleError) as e:
        ZebraSolution.from_json(ZebraPuzzle.from_json(EXAMPLE), obj)
    assert message in str(e.value)


def _conflicts(*clues):
    return ZebraPuzzle(3, TINY, tuple(clues)).conflicts()


RED, GREEN, CAT = ("color", "red"), ("color", "green"), ("pet", "cat")


@pytest.mark.parametrize("clues, message", [
    ((Clue("at", RED, position=1), Clue("at", RED, position=2)), "clue 2 leaves color=red no"),
    ((Clue("at", RED, position=2), Clue("at_end", RED)), "clue 2 leaves color=red no"),
    ((Clue("at", RED, position=2), Clue("at", GREEN, position=2)),
     "color=red and color=green are both placed in house 2"),
    ((Clue("same", RED, GREEN),), "clue 1 (color=red lives with color=green) can never hold"),
    ((Clue("left_of", CAT, CAT),), "clue 1"),
    ((Clue("at", CAT, position=3), Clue("immediately_left", CAT, RED)), "clue 2"),
    ((Clue("two_between", CAT, RED),), "clue 1"),
])
def test_conflicts_finds_visible_contradictions(clues, message):
    assert message in _conflicts(*clues)


@given(any_clues(TINY, 3, max_size=4))
def test_conflicts_only_reports_unsolvable_puzzles(clues):
    puzzle = ZebraPuzzle(3, TINY, tuple(clues))
    if puzzle.conflicts() is not None:
        assert brute_solutions(puzzle) == []
