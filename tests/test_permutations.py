"""Random permutation states (swap-move starts): valid, within the mask, uniform when the
mask allows everything, and a matching whenever the mask admits one."""

import itertools
import math

import torch

from solver.permutations import _kuhn, random_permutations


def is_permutation(rows: torch.Tensor) -> torch.Tensor:
    """rows LongTensor[M, K] -> BoolTensor[M]: each row holds 0..K-1 once."""
    return (rows.sort(-1).values == torch.arange(rows.shape[-1])).all(-1)


def test_every_group_is_a_permutation_and_groups_land_on_their_sites():
    groups = torch.tensor([[5, 0, 3], [1, 4, 2]])  # disjoint, covering 0..5, out of order
    x = random_permutations(torch.ones(500, 6, 3, dtype=torch.bool), groups,
                            torch.Generator().manual_seed(0))
    assert x.shape == (500, 6) and x.dtype == torch.long
    for g in groups:
        assert is_permutation(x[:, g]).all()


def test_all_permutations_appear_uniformly_without_a_mask():
    k, draws = 4, 24000
    groups = torch.arange(8).view(2, k)
    x = random_permutations(torch.ones(draws, 8, k, dtype=torch.bool), groups,
                            torch.Generator().manual_seed(1))
    code = {p: i for i, p in enumerate(itertools.permutations(range(k)))}
    for g in groups:
        counts = torch.bincount(torch.tensor([code[tuple(r)] for r in x[:, g].tolist()]),
                                minlength=math.factorial(k)).double()
        assert len(counts) == 24 and (counts > 0).all()
        expected = draws / 24
        stat = float(((counts - expected) ** 2 / expected).sum())
        p = float(torch.special.gammaincc(torch.tensor(23 / 2, dtype=torch.double),
                                          torch.tensor(stat / 2, dtype=torch.double)))
        assert p > 1e-6, f"chi-square p = {p:.3g}"
    # the two groups are drawn independently
    same = (x[:, :4] == x[:, 4:]).all(1).float().mean()
    assert abs(float(same) - 1 / 24) < 0.01


def test_masked_draws_respect_the_mask_and_reach_every_valid_permutation():
    allowed = torch.ones(3000, 4, 4, dtype=torch.bool)
    allowed[:, 0, 0] = False
    allowed[:, 1, 1:] = torch.tensor([False, True, False])  # site 1 may be 0 or 2
    allowed[:, 3, 3] = False
    x = random_permutations(allowed, torch.arange(4).view(1, 4), torch.Generator().manual_seed(2))
    assert is_permutation(x).all()
    assert allowed[torch.arange(3000)[:, None], torch.arange(4), x].all()
    valid = {p for p in itertools.permutations(range(4))
             if all(allowed[0, s, v] for s, v in enumerate(p))}
    assert {tuple(r) for r in x.tolist()} == valid


def test_rows_the_greedy_misses_are_completed_by_matching():
    # each site has two options in a cycle: the greedy fails whenever its first pick
    # takes the value a later site needs; only (0, 1, 2) and (1, 2, 0) are valid
    allowed = torch.zeros(400, 3, 3, dtype=torch.bool)
    for site, values in enumerate([(0, 1), (1, 2), (2, 0)]):
        allowed[:, site, list(values)] = True
    x = random_permutations(allowed, torch.arange(3).view(1, 3), torch.Generator().manual_seed(3),
                            retries=0)
    assert {tuple(r) for r in x.tolist()} <= {(0, 1, 2), (1, 2, 0)}


def test_kuhn_finds_a_perfect_matching_or_none():
    options = [[False, True, True], [True, True, False], [False, True, False]]
    match = _kuhn(options)
    assert sorted(match) == [0, 1, 2] and all(options[s][v] for s, v in enumerate(match))
    assert _kuhn([[True, False, False], [True, False, False], [True, True, True]]) is None


def test_a_group_without_a_valid_completion_still_yields_a_state():
    allowed = torch.ones(5, 6, 3, dtype=torch.bool)
    allowed[:, 0] = torch.tensor([True, False, False])
    allowed[:, 1] = torch.tensor([True, False, False])  # sites 0 and 1 both need value 0
    x = random_permutations(allowed, torch.arange(6).view(2, 3), torch.Generator().manual_seed(4))
    assert x.shape == (5, 6) and ((x >= 0) & (x < 3)).all()
    assert is_permutation(x[:, 3:]).all()  # the other group is unaffected
