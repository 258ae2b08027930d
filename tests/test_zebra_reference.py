"""The SAT reference solver against brute-force counting, its solver interface, large
puzzles, and the Hypothesis strategies it backs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_zebra import any_clues, brute_solutions

from harness.solving import ReferenceSolver, solve_all
from puzzles.kinds import count
from puzzles.zebra.generate import ZebraGenerator, vocabulary
from puzzles.zebra.clues import Clue, satisfying
from puzzles.zebra.model import ZebraPuzzle, verify
from puzzles.zebra.reference import count_solutions
from puzzles.zebra.strategies import true_clues, zebra_puzzles, zebra_solutions

SIZES = [(3, 2), (3, 3), (4, 2), (2, 3)]


@st.composite
def small_puzzles(draw):
    """Arbitrary clues (solvable or not) on a small vocabulary."""
    houses, attributes = draw(st.sampled_from(SIZES))
    declared = vocabulary(houses, attributes)
    return ZebraPuzzle(houses, declared, tuple(draw(any_clues(declared, houses, max_size=6))))


@given(small_puzzles())
def test_verdict_matches_brute_force_counting(puzzle):
    expected = brute_solutions(puzzle)
    counted = count_solutions(puzzle, limit=2)
    assert counted.verdict == ("none", "unique", "many")[min(len(expected), 2)]
    assert len(set(counted.solutions)) == len(counted.solutions) == min(len(expected), 2)
    assert set(counted.solutions) <= set(expected)
    if counted.verdict == "unique":
        assert counted.solution == expected[0]


@given(small_puzzles(), st.integers(2, 8))
def test_counts_up_to_the_limit(puzzle, limit):
    counted = count_solutions(puzzle, limit=limit)
    assert len(counted.solutions) == min(len(brute_solutions(puzzle)), limit)
    assert all(verify(puzzle, s) for s in counted.solutions)


def test_limit_below_two_is_refused():
    with pytest.raises(ValueError):
        count_solutions(ZebraPuzzle(2, vocabulary(2, 1), ()), limit=1)


def test_solver_interface_and_judging():
    unique = ZebraGenerator(4, 3, seed=5).generate()
    contradictory = ZebraPuzzle(3, vocabulary(3, 2), (
        Clue("at", ("name", "Alice"), position=1), Clue("next_to", ("name", "Alice"), ("name", "Bob")),
        Clue("at", ("name", "Bob"), position=3)))
    solver = ReferenceSolver()
    assert solver.name == "reference"
    attempt = solver.solve(unique.puzzle)
    assert attempt.solution == unique.solution and attempt.error is None
    assert attempt.stats["verdict"] == "unique"
    assert set(attempt.stats) == {"verdict", "conflicts", "decisions"}
    failed = solver.solve(contradictory)
    assert failed.solution is None and failed.error == "no solution (clues are contradictory)"
    assert failed.stats["verdict"] == "none"
    judged = solve_all(solver, [unique.puzzle, contradictory])
    assert judged[0].verified and judged[0].solution == unique.solution
    assert not judged[1].verified


def test_count_dispatches_on_the_puzzle_kind():
    generated = ZebraGenerator(3, 3, seed=2).generate()
    assert count(generated.puzzle) == count_solutions(generated.puzzle)
    assert count(generated.puzzle).solution == generated.solution


@pytest.mark.parametrize("houses, attributes", [(8, 8), (7, 18)])
def test_large_puzzles_are_counted_exactly(houses, attributes):
    generated = ZebraGenerator(houses, attributes, seed=1).generate()
    counted = count_solutions(generated.puzzle, limit=3)
    assert counted.verdict == "unique" and counted.solutions == (generated.solution,)
    assert verify(generated.puzzle, counted.solution)
    assert generated.puzzle.explain(counted.solution) is None


@given(zebra_puzzles(houses=st.integers(1, 4), attributes=st.integers(1, 3)))
def test_unique_strategy_is_unique_by_brute_force(puzzle):
    assert len(brute_solutions(puzzle)) == 1


@given(st.data(), zebra_solutions(houses=st.integers(1, 6), attributes=st.integers(1, 4)))
def test_drawn_clues_are_true_of_their_solution(data, solution):
    clue = data.draw(true_clues(solution))
    assert clue.holds([solution.position(e) for e in clue.entities], solution.houses)
    assert (tuple(solution.position(e) for e in clue.entities), clue.position) in \
        satisfying(clue.kind, solution.houses)
