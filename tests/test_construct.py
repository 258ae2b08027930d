"""Constructive chains (`solver.construct`): propagation never removes a value a solution
uses, constructions are consistent, a field that points at a solution reaches it, the
search is deterministic, and `GlauberSolver`'s default search solves what it returns."""

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encoders.pipeline import GlauberSolver
from encoders.sudoku import SudokuEncoder
from encoders.zebra import ZebraEncoder
from harness.solving import solve_all
from puzzles.sudoku.generate import SudokuGenerator
from puzzles.sudoku.reference import count_solutions as count_sudoku
from puzzles.sudoku.strategies import sudoku_puzzles
from puzzles.zebra.generate import ZebraGenerator
from puzzles.zebra.reference import count_solutions as count_zebra
from puzzles.zebra.strategies import zebra_puzzles
from solver.config import ColonyConfig, SamplerConfig
from solver.construct import Colony, Structure, domains

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def sudoku_case(puzzle):
    enc = SudokuEncoder("full").encode(puzzle)
    solution = count_sudoku(puzzle).solution
    return enc, torch.tensor(solution.cells) - 1


def zebra_case(puzzle):
    enc = ZebraEncoder("full").encode(puzzle)
    solution = count_zebra(puzzle).solution
    rows = dict(solution.assignment)
    state = [values.index(rows[name][h]) for name, values in puzzle.attributes
             for h in range(puzzle.houses)]
    return enc, torch.tensor(state)


def consistent(enc, state: np.ndarray) -> bool:
    """No two fixed sites of a group share a value and every pair factor between fixed
    sites is satisfied (state: -1 where empty)."""
    for group in enc.groups.tolist():
        held = [int(state[s]) for s in group if state[s] >= 0]
        if len(held) != len(set(held)):
            return False
    if enc.pair_sites is not None:
        for (i, j), table in zip(enc.pair_sites.tolist(), enc.pair_tables):
            if state[i] >= 0 and state[j] >= 0 and table[state[i], state[j]] > 0:
                return False
    return True


def assert_sound(enc, solution: torch.Tensor):
    """Start propagation keeps the solution's values; a greedy field on the solution
    builds exactly the solution."""
    structure = Structure.from_encoded(enc)
    dom0 = domains(enc.allowed, enc.unary)
    dom, val = structure.propagate(dom0)
    for site, v in enumerate(solution.tolist()):
        assert (int(dom[site]) >> v) & 1, f"site {site} lost its solution value {v}"
        assert val[site] in (-1, v)
    prior = torch.full((enc.sites, enc.values), 1e-6).scatter_(1, solution.unsqueeze(1), 1.0)
    colony = Colony(structure, dom0, ColonyConfig(greedy=1.0, ants=2), prior)
    assert colony.run(1, seed=3)
    assert torch.equal(colony.state, solution)


@SETTINGS
@given(sudoku_puzzles((2, 3), max_givens=14, unique=False))
def test_sudoku_propagation_keeps_a_solution(puzzle):
    enc, solution = sudoku_case(puzzle)
    assert_sound(enc, solution)


@SETTINGS
@given(zebra_puzzles(st.integers(3, 5), st.integers(2, 4)))
def test_zebra_propagation_keeps_the_solution(puzzle):
    enc, solution = zebra_case(puzzle)
    assert_sound(enc, solution)


@pytest.mark.parametrize("make", ["sudoku", "zebra"])
def test_constructions_are_consistent_and_deterministic(make):
    """Uniform fields (every construction a random partial assignment): the best one is
    consistent, and the same seed gives the same constructions."""
    if make == "sudoku":
        with SudokuGenerator((3, 3), seed=4) as gen:
            enc = SudokuEncoder("full").encode(gen.generate().puzzle)
    else:
        enc = ZebraEncoder("full").encode(ZebraGenerator(6, 6, seed=2).generate().puzzle)
    structure, dom0 = Structure.from_encoded(enc), domains(enc.allowed, enc.unary)
    runs = []
    for _ in range(2):
        colony = Colony(structure, dom0, ColonyConfig(learn=False))
        colony.run(3, seed=11)
        runs.append(colony.state)
        state = colony.state.numpy()
        assert consistent(enc, state)
        assert colony.fixed == int((state >= 0).sum())
        assert colony.constructions == 10 * colony.rounds
    assert torch.equal(runs[0], runs[1])


def test_entity_view_prunes_more_than_forward_checking():
    """On a Zebra puzzle the entity view (an entity's places prune its clue partners')
    fixes sites that site-level forward checking alone leaves open."""
    enc = ZebraEncoder("none").encode(ZebraGenerator(5, 5, seed=3).generate().puzzle)
    full = Structure.from_encoded(enc)
    bare = Structure(full.values, full.groups, full.full, full.group_ptr, full.group_idx,
                     full.pair_ptr, full.pair_other, full.pair_support,
                     np.zeros(len(full.entity_ptr), dtype=np.int32), full.entity_other[:0],
                     full.entity_support[:0])
    dom0 = domains(enc.allowed, enc.unary)
    assert (full.propagate(dom0)[1] >= 0).sum() > (bare.propagate(dom0)[1] >= 0).sum()


@pytest.mark.parametrize("learn", [True, False])
def test_solver_constructs_verified_answers(learn):
    """The default search: every answer verified, on hard generated puzzles of both kinds."""
    with SudokuGenerator((3, 3), seed=9) as gen:
        sudokus = [gen.generate().puzzle for _ in range(4)]
    zebras = [ZebraGenerator(6, 6, seed=k).generate().puzzle for k in range(2)]
    # the round budget ends a run, never the clock (a busy machine must not change the test)
    solver = GlauberSolver(SamplerConfig(time_limit=10**6, sweeps=20_000), seed=1,
                           colony=ColonyConfig(learn=learn))
    assert solver.search == "construct"
    outcomes = solve_all(solver, sudokus + zebras)
    assert all(o.verified for o in outcomes), [o.error for o in outcomes]
    assert all(o.attempt.stats["search"] == "construct" for o in outcomes)


def test_same_seed_same_answers():
    with SudokuGenerator((2, 3), seed=5) as gen:
        puzzles = [gen.random_deletion(8).puzzle for _ in range(3)]
    solver = GlauberSolver(SamplerConfig(time_limit=10**6, sweeps=5_000), seed=7)
    runs = [[a.solution for a in solver.solve_many(puzzles)] for _ in range(2)]
    assert runs[0] == runs[1]
    assert all(s is not None for s in runs[0])


def test_a_single_group_of_two():
    """The smallest structure (one group, the compile warm-up's): a complete construction."""
    structure = Structure.from_tensors(2, 2, torch.tensor([[0, 1]]))
    colony = Colony(structure, domains(torch.ones(2, 2, dtype=torch.bool)))
    assert colony.run(1, seed=0)
    assert sorted(colony.state.tolist()) == [0, 1]
