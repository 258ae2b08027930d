"""The CUDA path: same kernels, same verification (run with `pytest -m gpu` on a GPU)."""

import itertools

import pytest
import torch
from test_sampler import site_instance, total_variation

from encoders.pipeline import GlauberSolver
from puzzles.harness.solving import solve_all
from puzzles.sudoku.generate import SudokuGenerator
from solver.glauber import GlauberSampler, SamplerConfig

pytestmark = [pytest.mark.gpu,
              pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")]


def test_cuda_site_moves_sample_the_boltzmann_distribution():
    energy = site_instance()
    energy = type(energy)(4, 3, energy.groups.cpu(), energy.unary.cpu(), *_pairs(energy), device="cuda")
    colours = [torch.tensor([s]) for s in range(4)]
    sampler = GlauberSampler(energy, colours, SamplerConfig(chains=20000, move="site"), device="cuda")
    samples = sampler.sample(torch.ones(1, 4, 3, dtype=torch.bool),
                             torch.Generator(device="cuda").manual_seed(0), sweeps=12, beta=0.8)
    cpu_energy = site_instance()
    assert total_variation(cpu_energy, samples, list(itertools.product(range(3), repeat=4))) < 0.05


def _pairs(energy):
    sites, tables, _, _ = energy.pairs
    f = sites.shape[0]
    return sites.cpu(), tables[:f].cpu()


@pytest.mark.parametrize("move", ["block", "shuffle", "swap", "site"])
def test_cuda_solver_answers_verify(move):
    with SudokuGenerator((3, 3), seed=4) as gen:
        puzzles = [gen.generate(30).puzzle for _ in range(8)]
    solver = GlauberSolver(SamplerConfig(move=move, time_limit=60), device="cuda", seed=1)
    outcomes = solve_all(solver, puzzles)
    assert all(o.verified for o in outcomes)
    again = solve_all(GlauberSolver(SamplerConfig(move=move, time_limit=60), device="cuda", seed=1), puzzles)
    assert [o.attempt.stats["sweeps"] for o in outcomes] == [o.attempt.stats["sweeps"] for o in again]
