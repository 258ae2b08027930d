"""The annealing pipeline's batches: puzzles of one structure share a batch while its
estimated memory (`solver.moves.batch_bytes`) fits the budget."""

from pathlib import Path

import pytest

from encoders.pipeline import GlauberSolver
from encoders.sudoku import SudokuEncoder
from puzzles.formats import read_file
from puzzles.sudoku.model import Sudoku
from puzzles.zebra.generate import ZebraGenerator
from harness.solving import solve_all
from solver.config import SamplerConfig
from solver.glauber import GlauberSampler
from solver.moves import batch_bytes

EXAMPLES = Path(__file__).parent.parent / "examples"


def nine_by_nine():
    return [r.puzzle for r in read_file(str(EXAMPLES / "sudoku_9x9.csv")).records]


@pytest.mark.parametrize("move", ["block", "site", "swap"])
def test_batches_fit_the_memory_budget(move):
    puzzles = nine_by_nine()
    encs = [SudokuEncoder("full").encode(p) for p in puzzles]
    members = [(i, e, e.mixed_fillings(4096)[:2] if move == "block" else None) for i, e in enumerate(encs)]
    solver = GlauberSolver(SamplerConfig(chains=64, move=move), search="anneal")
    whole = solver._split(members, move)
    assert [len(b) for b in whole] == [len(members)]  # 2 GiB: one batch
    first = encs[0]
    classes = first.colour_classes() if move == "site" else first.perm_group_classes()
    largest = max(len(c) for c in classes)

    def size(batch):
        width = max(m[2][0].shape[1] for m in batch) if move == "block" else 0
        return batch_bytes(move, len(batch), 64, 81, 9, 27, 9, largest, width)

    solver.memory_budget = size(members) // 3
    batches = solver._split(members, move)
    assert sorted(i for b in batches for i, _, _ in b) == list(range(len(members)))
    assert 3 <= len(batches) < len(members)
    assert all(size(b) <= solver.memory_budget for b in batches)
    solver.memory_budget = 1  # nothing fits: one puzzle per batch, still solved
    assert [len(b) for b in solver._split(members, move)] == [1] * len(members)


def test_a_small_budget_still_solves_and_verifies():
    # the sweep budget ends a run, never the clock (a busy machine must not change the test)
    solver = GlauberSolver(SamplerConfig(chains=16, sweeps=5000, time_limit=10**6), search="anneal",
                           memory_budget=1)
    assert all(o.verified for o in solve_all(solver, nine_by_nine()[:4]))


@pytest.mark.parametrize("search", ["anneal", "construct"])
def test_answers_do_not_depend_on_how_fast_the_host_checks(monkeypatch, search):
    """The CPU reads a slow chunk's flags early (`check_seconds`): that read may only
    report progress. Each Zebra puzzle is its own batch, so a batch that ran longer before
    the host saw it finish must not move the next batch's random draws either."""
    puzzles = [ZebraGenerator(4, 4, seed=s).generate().puzzle for s in range(4)]
    puzzles += [Sudoku.parse(p) for p in ("...4.1.2.....3..", "..23....2.4.1...", "." * 16)]
    runs = []
    for check_seconds in (0.0, float("inf")):
        monkeypatch.setattr(GlauberSampler, "check_seconds", check_seconds)
        attempts = GlauberSolver(SamplerConfig(time_limit=10**6), search=search,
                                 seed=5).solve_many(puzzles)
        runs.append([(a.solution, a.stats.get("sweeps")) for a in attempts])
    assert runs[0] == runs[1]
