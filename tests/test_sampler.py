"""The sampler against exact enumeration (every move kernel), and its solving contract."""

import itertools

import pytest
import torch

from solver.energy import PenaltyEnergy
from solver.glauber import GlauberSampler, SamplerConfig
from solver.schedule import AnnealSchedule

BETA = 0.8
CHAINS = 20000


def total_variation(energy, samples, states) -> float:
    """TV distance between the chains' final states and exact softmax(-BETA * E)."""
    x = torch.tensor(states)
    exact = torch.softmax(-BETA * energy.energy(x, energy.prepare(x)), 0)
    index = {s: k for k, s in enumerate(states)}
    counts = torch.zeros(len(states))
    for s in samples.reshape(-1, samples.shape[-1]).tolist():
        counts[index[tuple(s)]] += 1
    return 0.5 * float((counts / counts.sum() - exact).abs().sum())


def site_instance():
    """4 sites, 3 values (81 states): two overlapping all-different groups, unary and pair
    factors. Every energy is > 0, so the test is about sampling, never early stopping."""
    g = torch.Generator().manual_seed(1)
    unary = torch.rand(4, 3, generator=g) * 2 + 0.1
    return PenaltyEnergy(4, 3, torch.tensor([[0, 1, 2], [1, 2, 3]]), unary,
                         torch.tensor([[0, 3], [1, 3]]), torch.rand(2, 3, 3, generator=g) * 2)


def latin_instance(pair: bool):
    """A 3x3 board whose rows are perm groups and columns all-different groups (216
    permutation states), with unary penalties and, optionally, a pair factor."""
    g = torch.Generator().manual_seed(2)
    rows = torch.tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    groups = torch.cat([rows, rows.T])
    unary = torch.rand(9, 3, generator=g) * 2 + 0.1
    pairs = (torch.tensor([[0, 4]]), torch.rand(1, 3, 3, generator=g) * 2) if pair else (None, None)
    return PenaltyEnergy(9, 3, groups, unary, *pairs), rows


@pytest.mark.parametrize("order", ["chromatic", "sweep", "random"])
def test_site_moves_sample_the_boltzmann_distribution(order):
    energy = site_instance()
    colours = [torch.tensor([0]), torch.tensor([1]), torch.tensor([2]), torch.tensor([3])]
    sampler = GlauberSampler(energy, colours, SamplerConfig(chains=CHAINS, move="site", order=order))
    samples = sampler.sample(torch.ones(1, 4, 3, dtype=torch.bool), torch.Generator().manual_seed(0),
                             sweeps=12, beta=BETA)
    assert total_variation(energy, samples, list(itertools.product(range(3), repeat=4))) < 0.05


@pytest.mark.parametrize("move,pair,shuffle", [("swap", False, 0), ("swap", True, 0),
                                               ("block", False, 0), ("shuffle", False, 2)])
def test_perm_moves_sample_the_boltzmann_distribution_over_permutations(move, pair, shuffle):
    energy, rows = latin_instance(pair)
    perms = list(itertools.permutations(range(3)))
    fillings = (torch.tensor(perms).expand(1, 3, -1, -1), torch.ones(1, 3, 6, dtype=torch.bool))
    config = SamplerConfig(chains=CHAINS, move=move, shuffle=shuffle or 5)
    sampler = GlauberSampler(energy, [], config, perm_groups=rows,
                             perm_classes=[torch.tensor([r]) for r in range(3)], fillings=fillings)
    samples = sampler.sample(torch.ones(1, 9, 3, dtype=torch.bool), torch.Generator().manual_seed(0),
                             sweeps=12, beta=BETA)
    states = [a + b + c for a in perms for b in perms for c in perms]
    assert total_variation(energy, samples, states) < 0.06


def test_block_moves_refuse_pair_factors():
    energy, rows = latin_instance(pair=True)
    x = torch.zeros(1, 9, dtype=torch.long)
    with pytest.raises(ValueError, match="block moves"):
        energy.lift(x, energy.prepare(x), rows[:1])


def test_swap_delta_matches_energy_difference():
    energy, _ = latin_instance(pair=True)
    g = torch.Generator().manual_seed(5)
    x = torch.randint(3, (64, 9), generator=g)
    i = torch.randint(9, (64, 1), generator=g)
    j = (i + torch.randint(1, 9, (64, 1), generator=g)) % 9
    swapped = x.clone()
    swapped.scatter_(1, i, x.gather(1, j))
    swapped.scatter_(1, j, x.gather(1, i))
    delta = energy.swap_delta(x, energy.prepare(x), i, j).squeeze(1)
    truth = energy.energy(swapped, energy.prepare(swapped)) - energy.energy(x, energy.prepare(x))
    assert torch.allclose(delta, truth, atol=1e-5)


@pytest.mark.parametrize("form", ["pairs", "excess"])
def test_incremental_counts_match_a_fresh_count(form):
    energy = PenaltyEnergy(4, 3, torch.tensor([[0, 1, 2], [1, 2, 3]]), group_form=form)
    g = torch.Generator().manual_seed(3)
    x = torch.randint(3, (32, 4), generator=g)
    cache = energy.prepare(x)
    for _ in range(20):
        sites = torch.randint(4, (32, 1), generator=g)
        new = torch.randint(3, (32, 1), generator=g)
        energy.commit(x, cache, sites, new)
        x.scatter_(1, sites, new)
    assert torch.equal(cache, energy.prepare(x))
    assert torch.equal(energy.energy(x, cache), energy.energy(x, energy.prepare(x)))


def test_clamped_sites_never_change_and_disallowed_values_never_appear():
    energy = site_instance()
    allowed = torch.ones(2, 4, 3, dtype=torch.bool)
    allowed[0, 1] = torch.tensor([False, True, False])  # a given
    allowed[1, 2, 0] = False  # an eliminated value
    colours = [torch.tensor([s]) for s in range(4)]
    sampler = GlauberSampler(energy, colours, SamplerConfig(chains=500, move="site"))
    samples = sampler.sample(allowed, torch.Generator().manual_seed(0), sweeps=5, beta=0.1)
    assert (samples[0, :, 1] == 1).all()
    assert (samples[1, :, 2] != 0).all()


def test_run_stops_at_zero_energy_and_is_deterministic():
    # a 4x4 latin square: rows perm groups, columns groups; many zero-energy states
    rows = torch.arange(16).view(4, 4)
    energy = PenaltyEnergy(16, 4, torch.cat([rows, rows.T]))
    config = SamplerConfig(chains=8, move="swap", schedule=AnnealSchedule("tempering", 0.5, 4.0))
    sampler = GlauberSampler(energy, [], config, perm_groups=rows,
                             perm_classes=[torch.tensor([r]) for r in range(4)])
    allowed = torch.ones(3, 16, 4, dtype=torch.bool)
    first = sampler.run(allowed, torch.Generator().manual_seed(7))
    again = sampler.run(allowed, torch.Generator().manual_seed(7))
    assert first.solved.all() and (first.energies == 0).all()
    assert torch.equal(first.states, again.states) and torch.equal(first.sweeps, again.sweeps)
    for state in first.states:
        grid = state.view(4, 4)
        assert all(len(set(r.tolist())) == 4 for r in grid) and all(len(set(c.tolist())) == 4 for c in grid.T)
