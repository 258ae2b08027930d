"""Hypothesis strategies for Zebra puzzles, valid by construction.

Use them in your own property-based tests::

    from hypothesis import given
    from puzzles.zebra.strategies import zebra_puzzles

    @given(zebra_puzzles(houses=4, attributes=3))
    def test_my_solver(puzzle):
        assert my_solver(puzzle) ...

Nothing is drawn and then filtered: a solution is one drawn permutation per attribute of
the built-in vocabulary, and a clue is a kind, positions that satisfy it (from
`puzzles.zebra.clues.satisfying`) and an attribute per entity, read off the solution, so every
clue is true of it. `mixed_puzzles` draws clues with house and ambiguous participants, true
or not. Sizes may be given as ints or as strategies of ints.
"""

from __future__ import annotations

from hypothesis import strategies as st

from puzzles.zebra.generate import vocabulary
from puzzles.zebra.clues import CLUE_KINDS, RELATIONS, Clue, either, satisfying
from puzzles.zebra.model import ZebraPuzzle, ZebraSolution
from puzzles.zebra.reference import Rivals


def _size(draw, size) -> int:
    return draw(size) if isinstance(size, st.SearchStrategy) else size


@st.composite
def zebra_solutions(draw, houses=3, attributes=3) -> ZebraSolution:
    """Arrangements of `vocabulary(houses, attributes)`; shrinks toward every attribute in
    declaration order (house k holds each attribute's k-th value) and smaller sizes."""
    n, m = _size(draw, houses), _size(draw, attributes)
    return ZebraSolution(n, tuple((name, tuple(draw(st.permutations(values))))
                                  for name, values in vocabulary(n, m)))


@st.composite
def true_clues(draw, solution: ZebraSolution, kinds: tuple[str, ...] = CLUE_KINDS) -> Clue:
    """Clues true of `solution`; shrinks toward the first usable kind of `kinds` (`same`),
    its first satisfying positions and the first attribute."""
    n = solution.houses
    kind = draw(st.sampled_from([k for k in kinds if satisfying(k, n)]))
    positions, k = draw(st.sampled_from(satisfying(kind, n)))
    names = [name for name, _ in solution.assignment]
    return Clue.of(kind, [solution.entity_at(draw(st.sampled_from(names)), p) for p in positions],
                   k)


@st.composite
def zebra_puzzles(draw, houses=3, attributes=3, unique: bool = True, max_clues: int = 10,
                  kinds: tuple[str, ...] = CLUE_KINDS) -> ZebraPuzzle:
    """Puzzles over the built-in vocabulary whose clues are all true of a drawn solution
    (so always solvable), with an optional question.

    With `unique=True` clues are added until the SAT solver finds no other solution:
    each round draws a clue and keeps it if it rules out the other solution found, else
    adds the `at` clue placing the first entity where the two differ, so every round
    makes progress. Otherwise at most `max_clues` clues are drawn. Shrinks toward the
    solution `zebra_solutions` shrinks to, `at` clues (unique) or fewer clues (not
    unique), and no question.
    """
    solution = draw(zebra_solutions(houses, attributes))
    declared = vocabulary(solution.houses, len(solution.assignment))
    if unique:
        with Rivals(solution) as rivals:
            while (other := rivals.rival()) is not None:
                clue = draw(true_clues(solution, kinds))
                if clue.holds([other.position(e) for e in clue.entities], solution.houses):
                    clue = solution.pin_against(other)
                rivals.add(clue)
            clues = rivals.clues
    else:
        clues = draw(st.lists(true_clues(solution, kinds), max_size=max_clues))
    entities = [(name, v) for name, values in declared for v in values]
    question = draw(st.none() | st.sampled_from(entities))
    return ZebraPuzzle(solution.houses, declared, tuple(clues), question)


@st.composite
def mixed_puzzles(draw, houses=3, attributes=3, max_clues=5,
                  kinds: tuple[str, ...] = CLUE_KINDS) -> ZebraPuzzle:
    """Puzzles whose clue participants are entities, house numbers or ambiguous references
    (`Either` of two or three of those), true or not of anything (so any number of
    solutions, none included), with an optional question. Shrinks toward fewer clues,
    plain entities and no question."""
    n, m = _size(draw, houses), _size(draw, attributes)
    declared = vocabulary(n, m)
    entities = [(name, v) for name, values in declared for v in values]
    ref = st.sampled_from(entities) | st.integers(1, n)
    mention = ref | st.lists(ref, min_size=2, max_size=3).map(either)
    clues = []
    for kind in draw(st.lists(st.sampled_from(kinds), max_size=max_clues)):
        rel = RELATIONS[kind]
        k = draw(st.integers(1, n)) if rel.positional else None
        clues.append(Clue.of(kind, [draw(mention) for _ in range(rel.arity)], k))
    question = draw(st.none() | st.sampled_from(entities))
    return ZebraPuzzle(n, declared, tuple(clues), question)
