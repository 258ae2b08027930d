"""Encoders: masks never exclude the solution, decode inverts encode, penalty zero exactly
on solutions, colourings are independent sets."""

import itertools

import torch
from hypothesis import given
from hypothesis import strategies as st

from encoders.sudoku import SudokuEncoder
from encoders.zebra import ZebraEncoder
from puzzles.kinds import count
from puzzles.sudoku.model import Sudoku, verify
from puzzles.sudoku.reference import count_solutions
from puzzles.sudoku.strategies import sudoku_grids, sudoku_puzzles
from puzzles.zebra.strategies import zebra_puzzles
from solver.energy import PenaltyEnergy

BOXES = st.sampled_from([(2, 2), (2, 3), (3, 2), (2, 4), (3, 3)])
LEVELS = st.sampled_from(["none", "singles", "full"])


def energy_of(enc, states: torch.Tensor) -> torch.Tensor:
    energy = PenaltyEnergy.from_encoded(enc)
    return energy.energy(states, energy.prepare(states))


@given(BOXES.flatmap(lambda box: sudoku_puzzles(box, max_givens=box[0] * box[1] * 3)), LEVELS)
def test_sudoku_mask_keeps_the_solution_and_decode_inverts_encode(puzzle, level):
    solution = count_solutions(puzzle).solution
    enc = SudokuEncoder(level).encode(puzzle)
    truth = torch.tensor([v - 1 for v in solution.cells])
    assert enc.allowed[torch.arange(len(truth)), truth].all()
    assert SudokuEncoder.decode_tokens(puzzle, enc.tokens) == puzzle
    assert SudokuEncoder.decode(puzzle, truth) == solution
    assert torch.equal(enc.clamp, torch.tensor([v > 0 for v in puzzle.cells]))
    fillings = enc.block_fillings()
    if fillings is not None:  # the solution's box fillings are among those listed
        values, real = fillings
        for g, group in enumerate(enc.perm_groups.tolist()):
            assert any(r and v == truth[group].tolist() for v, r in zip(values[g].tolist(), real[g].tolist()))


@given(BOXES.flatmap(sudoku_grids), st.data())
def test_sudoku_penalty_is_zero_exactly_on_solutions(grid, data):
    enc = SudokuEncoder("none").encode(grid.with_cells([0] * len(grid.cells)))
    n = grid.n
    states = [torch.tensor([v - 1 for v in grid.cells])]
    for _ in range(5):  # random states: zero energy iff the verifier accepts them
        states.append(torch.tensor(data.draw(st.lists(st.integers(0, n - 1), min_size=n * n,
                                                      max_size=n * n))))
    energies = energy_of(enc, torch.stack(states))
    for state, e in zip(states, energies.tolist()):
        valid = verify(grid.with_cells([0] * n * n), SudokuEncoder.decode(grid, state))
        assert (e == 0) == valid
    assert energies[0] == 0


def test_contradiction_is_detected_by_propagation():
    enc = SudokuEncoder("singles").encode(Sudoku.parse("12........3...4."))
    assert not enc.is_consistent()


@given(BOXES.flatmap(lambda box: sudoku_puzzles(box, unique=False, max_givens=6)))
def test_colour_classes_are_independent_and_cover_all_sites(puzzle):
    enc = SudokuEncoder().encode(puzzle)
    peers = puzzle.geometry.peers
    classes = enc.colour_classes()
    assert sorted(itertools.chain.from_iterable(c.tolist() for c in classes)) == list(range(enc.sites))
    for c in classes:
        members = set(c.tolist())
        assert all(not members.intersection(peers[s]) for s in members)
    for cls in enc.perm_group_classes():  # boxes updated together share no row or column
        cells = [set(enc.perm_groups[g].tolist()) for g in cls.tolist()]
        for a, b in itertools.combinations(cells, 2):
            assert not any(set(peers[s]) & b for s in a)


@given(zebra_puzzles(houses=st.integers(3, 5), attributes=st.integers(2, 4)), LEVELS)
def test_zebra_mask_keeps_the_solution_and_penalty_is_zero_exactly_on_solutions(puzzle, level):
    solution = count(puzzle).solution
    enc = ZebraEncoder(level).encode(puzzle)
    n = puzzle.houses
    truth = torch.tensor([values.index(v) for (name, values), (_, row) in
                          zip(puzzle.attributes, solution.assignment) for v in row])
    assert enc.allowed[torch.arange(len(truth)), truth].all()
    assert ZebraEncoder.decode(puzzle, truth) == solution
    # every arrangement whose rows are permutations: zero energy iff the verifier accepts
    rows = [list(itertools.permutations(range(n)))] * len(puzzle.attributes)
    states = torch.tensor([sum(choice, ()) for choice in itertools.islice(itertools.product(*rows), 2000)])
    states = torch.cat([states, truth[None]])
    energies = energy_of(enc, states)
    for state, e in zip(states, energies.tolist()):
        assert (e == 0) == (puzzle.explain(ZebraEncoder.decode(puzzle, state)) is None)
