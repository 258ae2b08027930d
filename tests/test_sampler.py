"""The sampler against exact enumeration (every move kernel), and its solving contract."""

import itertools
import math

import pytest
import torch

from solver.energy import PenaltyEnergy
from solver.glauber import GlauberSampler, SamplerConfig
from solver.moves import categorical_sample
from solver.schedule import AnnealSchedule

BETA = 0.8
CHAINS = 20000


pytestmark = pytest.mark.usefixtures("one_thread")


def total_variation(energy, samples, states) -> float:
    """TV distance between the chains' final states and exact softmax(-BETA * E)."""
    x = torch.tensor(states)
    exact = torch.softmax(-BETA * energy.energy(x, energy.prepare(x)), 0)
    flat = samples.reshape(-1, x.shape[1])
    hit = (flat[:, None, :] == x[None]).all(-1)  # [samples, states]
    assert hit.any(1).all(), "a sample outside the enumerated states"
    counts = hit.sum(0).float()
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
                             sweeps=12, beta=BETA).states
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
                             sweeps=12, beta=BETA).states
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
    samples = sampler.sample(allowed, torch.Generator().manual_seed(0), sweeps=5, beta=0.1).states
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


# --- The parallel path: several sites or groups updated at once -------------------------
#
# The instances below have real independent sets: a colour class holds several sites and a
# perm class several groups, so `chromatic` site moves and swap/shuffle/block moves update
# them simultaneously. Each test compares the chains' final states with exact
# softmax(-beta E) by enumeration through a chi-square test (bins of expected count < 5
# pooled; a state outside the support fails outright). The seeds are fixed; the threshold
# P_MIN is so small that a correct kernel passes for practically any seed, while a wrong
# kernel (beta applied twice, the -inf mask skipped, neighbours in one class, ...) gives
# p-values below 1e-30 at these chain counts.

P_MIN = 1e-6


def chi_square(energy, samples, states, beta, values) -> tuple[float, float]:
    """(p-value, total variation) of the chains' states against softmax(-beta E) over
    `states`. samples LongTensor[..., N]; states LongTensor[S, N]; p = 0 when a sample
    falls outside `states` (e.g. a disallowed value)."""
    n = states.shape[1]
    place = values ** torch.arange(n - 1, -1, -1)
    code = {int(c): k for k, c in enumerate((states * place).sum(1))}
    lookup = torch.full((values ** n,), -1, dtype=torch.long)
    lookup[torch.tensor(list(code))] = torch.tensor(list(code.values()))
    hit = lookup[(samples.reshape(-1, n) * place).sum(1)]
    if (hit < 0).any():
        return 0.0, 1.0
    exact = torch.softmax(-beta * energy.energy(states, energy.prepare(states)).double(), 0)
    observed = torch.bincount(hit, minlength=len(states)).double()
    expected = exact * len(hit)
    tv = 0.5 * float((observed / len(hit) - exact).abs().sum())
    small = expected < 5
    obs = torch.cat([observed[~small], observed[small].sum(0, keepdim=True)])
    exp = torch.cat([expected[~small], expected[small].sum(0, keepdim=True)])
    keep = exp > 0
    stat = float(((obs[keep] - exp[keep]) ** 2 / exp[keep]).sum())
    df = int(keep.sum()) - 1
    p = float(torch.special.gammaincc(torch.tensor(df / 2, dtype=torch.double),
                                      torch.tensor(stat / 2, dtype=torch.double)))
    return p, tv


def all_states(allowed: torch.Tensor, groups: torch.Tensor | None = None) -> torch.Tensor:
    """Every state allowed by allowed BoolTensor[N, V] (each of `groups` a permutation)."""
    n, v = allowed.shape
    if groups is None:
        states = torch.tensor(list(itertools.product(range(v), repeat=n)))
    else:  # groups: the rows of the state, in order
        perms = list(itertools.permutations(range(v)))
        states = torch.tensor([sum(p, ()) for p in itertools.product(perms, repeat=len(groups))])
        assert torch.equal(groups.reshape(-1), torch.arange(n))
    return states[allowed[torch.arange(n), states].all(1)]


def grid_instance(seed: int = 3, offset: float = 0.0):
    """A 3x3 grid, 2 values (512 states): a pair factor on each of its 12 edges, random
    unary costs, and three all-different groups of two neighbours (site 1 is in two).
    Its checkerboard colouring has two classes of 5 and 4 sites."""
    g = torch.Generator().manual_seed(seed)
    edges = [(r * 3 + c, r * 3 + c + 1) for r in range(3) for c in range(2)] + \
            [(r * 3 + c, r * 3 + c + 3) for r in range(2) for c in range(3)]
    energy = PenaltyEnergy(9, 2, torch.tensor([[0, 1], [1, 2], [4, 7]]),
                           torch.rand(9, 2, generator=g) * 1.5 + offset, torch.tensor(edges),
                           torch.rand(len(edges), 2, 2, generator=g) * 1.5, group_weight=0.7)
    colours = [torch.tensor([0, 2, 4, 6, 8]), torch.tensor([1, 3, 5, 7])]
    return energy, colours


def cycle_instance():
    """A 6-cycle, 3 values (729 states), random pair tables on its edges and unary costs;
    colour classes {0, 2, 4} and {1, 3, 5}."""
    g = torch.Generator().manual_seed(4)
    edges = torch.tensor([(i, (i + 1) % 6) for i in range(6)])
    energy = PenaltyEnergy(6, 3, torch.zeros(0, 2, dtype=torch.long), torch.rand(6, 3, generator=g),
                           edges, torch.rand(6, 3, 3, generator=g) * 1.5)
    return energy, [torch.tensor([0, 2, 4]), torch.tensor([1, 3, 5])]


def two_masks(n: int, v: int, clamp: int, value: int, banned: tuple[int, int]) -> torch.Tensor:
    """Two problems: everything allowed, and one given plus one eliminated value."""
    allowed = torch.ones(2, n, v, dtype=torch.bool)
    allowed[1, clamp] = False
    allowed[1, clamp, value] = True
    allowed[1, banned[0], banned[1]] = False
    return allowed


def assert_boltzmann(energy, samples, allowed, beta, groups=None):
    v = allowed.shape[-1]
    for problem, chains in enumerate(samples):
        p, tv = chi_square(energy, chains, all_states(allowed[problem], groups), beta, v)
        assert p > P_MIN, f"problem {problem}: chi-square p = {p:.3g}, TV = {tv:.3f}"


@pytest.mark.parametrize("order", ["chromatic", "sweep", "random"])
@pytest.mark.parametrize("instance", [grid_instance, cycle_instance])
def test_site_moves_with_multi_site_colour_classes_sample_the_boltzmann_distribution(instance, order):
    energy, colours = instance()
    allowed = two_masks(energy.N, energy.V, clamp=4, value=1, banned=(1, 0))
    sampler = GlauberSampler(energy, colours, SamplerConfig(chains=12000, move="site", order=order))
    samples = sampler.sample(allowed, torch.Generator().manual_seed(11), sweeps=15, beta=BETA).states
    assert (samples[1, :, 4] == 1).all() and (samples[1, :, 1] != 0).all()
    assert_boltzmann(energy, samples, allowed, BETA)


def test_a_colour_class_holding_neighbours_is_detected():
    """The test above has the power to see a wrong parallel update: updating two
    neighbours at once from their separate conditionals samples a different law."""
    energy, _ = grid_instance()
    wrong = [torch.arange(9)]  # every site in one class, neighbours included
    sampler = GlauberSampler(energy, wrong, SamplerConfig(chains=12000, move="site"))
    allowed = torch.ones(1, 9, 2, dtype=torch.bool)
    samples = sampler.sample(allowed, torch.Generator().manual_seed(11), sweeps=15, beta=BETA).states
    p, _ = chi_square(energy, samples[0], all_states(allowed[0]), BETA, 2)
    assert p < P_MIN


def rows_instance(pair: bool):
    """Four rows R0..R3 of 3 sites, each a permutation of 3 values (1296 states). All-different
    groups join the columns of (R0, R2), (R1, R3) and (R0, R3), so the perm classes
    {R0, R1} and {R2, R3} each hold two groups that share no factor. Random unary costs;
    with `pair`, a factor inside R0 and one between R1 and R2 (for swap moves)."""
    g = torch.Generator().manual_seed(6)
    rows = torch.arange(12).view(4, 3)
    groups = torch.cat([torch.stack([rows[a], rows[b]], 1) for a, b in [(0, 2), (1, 3), (0, 3)]])
    pairs = (None, None)
    if pair:
        pairs = (torch.tensor([[0, 1], [4, 8]]), torch.rand(2, 3, 3, generator=g) * 1.5)
    unary = torch.rand(12, 3, generator=g) * 1.5
    energy = PenaltyEnergy(12, 3, groups, unary, *pairs, group_weight=0.8)
    return energy, rows, [torch.tensor([0, 1]), torch.tensor([2, 3])]


def perm_fillings(allowed: torch.Tensor, rows: torch.Tensor):
    """Every permutation of every row, real where `allowed` (BoolTensor[P, N, V]) permits."""
    perms = torch.tensor(list(itertools.permutations(range(3))))  # [6, 3]
    p, g = allowed.shape[0], rows.shape[0]
    fillings = perms.expand(p, g, -1, -1)
    real = allowed[torch.arange(p)[:, None, None, None], rows[None, :, None, :], fillings].all(-1)
    return fillings.contiguous(), real


def test_block_moves_with_padding_among_real_fillings_sample_the_boltzmann_distribution():
    """One problem whose banned fillings sit before real ones (not only at the end):
    scoring each class up to its last real filling must not drop any."""
    energy, rows, classes = rows_instance(False)
    allowed = torch.ones(1, 12, 3, dtype=torch.bool)
    allowed[0, [0, 3], 0] = False  # rows R0 and R1 (one class): 4 of 6 orders, the last 4
    fillings, real = perm_fillings(allowed, rows)
    assert real[0, :2].sum(-1).tolist() == [4, 4] and real[0, :2, -1].all()
    config = SamplerConfig(chains=12000, move="block")
    sampler = GlauberSampler(energy, [], config, perm_groups=rows, perm_classes=classes,
                             fillings=(fillings, real))
    samples = sampler.sample(allowed, torch.Generator().manual_seed(14), sweeps=15, beta=BETA).states
    assert_boltzmann(energy, samples, allowed, BETA, rows)


def test_categorical_sample_draws_from_the_softmax():
    logits = torch.tensor([[0.0, -1.0, float("-inf"), 2.0, 0.5]]).expand(200_000, -1)
    draws = categorical_sample(logits, torch.Generator().manual_seed(15))
    observed = torch.bincount(draws, minlength=5).double() / len(draws)
    assert observed[2] == 0
    assert (observed - torch.softmax(logits[0].double(), 0)).abs().max() < 0.005


@pytest.mark.parametrize("move,shuffle,pair", [("block", 5, False), ("swap", 5, True),
                                               ("swap", 5, False), ("shuffle", 2, False),
                                               ("shuffle", 3, False)])
def test_perm_moves_on_multi_group_classes_sample_the_boltzmann_distribution(move, shuffle, pair):
    energy, rows, classes = rows_instance(pair)
    allowed = two_masks(12, 3, clamp=11, value=1, banned=(0, 0))
    config = SamplerConfig(chains=12000, move=move, shuffle=shuffle)
    sampler = GlauberSampler(energy, [], config, perm_groups=rows, perm_classes=classes,
                             fillings=perm_fillings(allowed, rows))
    samples = sampler.sample(allowed, torch.Generator().manual_seed(12), sweeps=15, beta=BETA).states
    assert (samples[1, :, 11] == 1).all() and (samples[1, :, 0] != 0).all()
    assert_boltzmann(energy, samples, allowed, BETA, rows)


def test_block_moves_redraw_every_group_of_a_class_at_once():
    """One sweep of block moves from a fixed state changes both groups of a class."""
    energy, rows, classes = rows_instance(pair=False)
    allowed = torch.ones(1, 12, 3, dtype=torch.bool)
    sampler = GlauberSampler(energy, [], SamplerConfig(chains=4000, move="block"),
                             perm_groups=rows, perm_classes=classes[:1],
                             fillings=perm_fillings(allowed, rows))
    x = torch.arange(3).repeat(4).expand(4000, -1).clone()
    sampler.moves.bind(torch.zeros(1, 12, 3), 4000)
    sampler.moves.sweep(x, energy.prepare(x), torch.full((4000,), BETA), torch.Generator().manual_seed(0))
    moved = x != torch.arange(3).repeat(4)
    assert moved[:, :6].any(1).float().mean() > 0.5  # R0 and R1, redrawn together...
    assert (moved[:, :3].any(1) & moved[:, 3:6].any(1)).any()
    assert not moved[:, 6:].any()  # ... R2 and R3 (the other class) untouched


# --- Replica exchange --------------------------------------------------------------------

LADDER = AnnealSchedule("tempering", beta_start=0.25, beta_end=2.0)


def tempering_run(sampler, problems: int, n: int, v: int, seed: int):
    """Run GlauberSampler.run with its tempering schedule for `config.sweeps` sweeps (no
    chain reaches zero energy; patience 0: no restarts) and return the chains' states
    just after the last exchange and after the last sweep, LongTensor[2, P, C, N], in
    rung order (the chains exchange temperatures: state k of a problem is the one its
    rung-k chain held)."""
    seen = {}
    sweep = sampler.moves.sweep

    def recorded(x, cache, beta, generator):
        before = x.clone()
        sweep(x, cache, beta, generator)
        seen["x"], seen["beta"] = torch.stack([before, x]), beta.clone()

    sampler.moves.sweep = recorded
    allowed = torch.ones(problems, n, v, dtype=torch.bool)
    result = sampler.run(allowed, torch.Generator().manual_seed(seed))
    c = sampler.config.chains
    assert not result.solved.any() and (result.sweeps == sampler.config.sweeps).all()
    beta = seen["beta"].view(problems, c)
    ladder = LADDER.ladder(c)
    assert torch.equal(beta.sort(1).values, ladder.expand(problems, c))  # one chain per rung
    assert (beta != ladder).any()  # temperatures did move between chains
    order = beta.argsort(1)  # chain at each rung, hottest (smallest beta) first
    x = seen["x"].view(2, problems, c, n)
    return x.gather(2, order[None, :, :, None].expand(2, -1, -1, n))


def test_replica_exchange_keeps_every_rung_at_its_boltzmann_distribution():
    energy, colours = grid_instance(offset=0.1)  # E >= 0.9 everywhere: never "solved"
    rungs = 4
    config = SamplerConfig(chains=rungs, sweeps=20, time_limit=1e6, move="site", schedule=LADDER,
                           patience=0)
    sampler = GlauberSampler(energy, colours, config)
    samples = tempering_run(sampler, problems=6000, n=9, v=2, seed=13)
    states = all_states(torch.ones(9, 2, dtype=torch.bool))
    for when, at in zip(("after the exchange", "after the sweep"), samples):
        for k, beta in enumerate(LADDER.ladder(rungs).tolist()):
            p, tv = chi_square(energy, at[:, k], states, beta, 2)
            assert p > P_MIN, f"{when}, rung {k} (beta {beta:.2f}): p = {p:.3g}, TV = {tv:.3f}"


def test_exchange_accepts_with_the_metropolis_probability():
    g = torch.Generator().manual_seed(14)
    ladder = LADDER.ladder(4)
    energy = torch.tensor([3.0, 1.0, 2.5, 0.5]).repeat(40000, 1)  # chain k holds rung k
    start = torch.arange(4).repeat(40000, 1)
    for lo, pairs in [(torch.tensor([0, 2]), [0, 2]), (torch.tensor([1]), [1])]:
        pos = GlauberSampler.exchange(start, energy, lo, lo + 1, ladder[lo] - ladder[lo + 1], g)
        assert torch.equal(pos.sort(1).values, start)  # a permutation within each problem
        swapped = pos != start
        for k in range(3):
            rate = float((pos[:, k] == k + 1).float().mean())
            if k in pairs:
                d = float((ladder[k] - ladder[k + 1]) * (energy[0, k] - energy[0, k + 1]))
                want = min(1.0, math.exp(d))
                assert abs(rate - want) < 0.01, (lo, k, rate, want)
                assert torch.equal(swapped[:, k], swapped[:, k + 1])
            else:
                assert rate == 0.0


def mixed_fillings(allowed: torch.Tensor, rows: torch.Tensor, keep: torch.Tensor):
    """perm_fillings, except that rows keep[p] of problem p hold one placeholder row (too
    many fillings to list): (values, real, keep) as `Encoded.mixed_fillings` stacks them."""
    fillings, real = perm_fillings(allowed, rows)
    real = real & ~keep[:, :, None]
    real[:, :, 0] |= keep  # the placeholder: the identity filling, never drawn
    return fillings, real, keep


def mixed_sample(keep, seed=13, held=True, monkeypatch=None):
    energy, rows, classes = rows_instance(False)
    allowed = two_masks(12, 3, clamp=11, value=1, banned=(0, 0))
    config = SamplerConfig(chains=12000, move="block", shuffle=2)
    sampler = GlauberSampler(energy, [], config, perm_groups=rows, perm_classes=classes,
                             fillings=mixed_fillings(allowed, rows, keep))
    if not held:  # a broken kernel: kept rows take the drawn placeholder
        monkeypatch.setattr(sampler.moves, "_held", lambda x, table, new: new)
    samples = sampler.sample(allowed, torch.Generator().manual_seed(seed), sweeps=15, beta=BETA).states
    return energy, rows, allowed, samples


def test_mixed_moves_sample_the_boltzmann_distribution_over_permutations():
    """Block moves on listed rows and 2-site shuffles on kept ones (a different set per
    problem, one of them in each perm class) against exact enumeration."""
    keep = torch.tensor([[False, True, False, False], [True, False, False, True]])
    energy, rows, allowed, samples = mixed_sample(keep)
    assert (samples[1, :, 11] == 1).all() and (samples[1, :, 0] != 0).all()
    assert_boltzmann(energy, samples, allowed, BETA, rows)


def test_mixed_moves_that_redraw_kept_rows_from_their_placeholder_are_detected(monkeypatch):
    keep = torch.tensor([[False, True, False, False], [True, False, False, True]])
    energy, rows, allowed, samples = mixed_sample(keep, held=False, monkeypatch=monkeypatch)
    p, _ = chi_square(energy, samples[0], all_states(allowed[0], rows), BETA, 3)
    assert p < P_MIN
