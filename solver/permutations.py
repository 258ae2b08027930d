"""Random states in which every permutation group holds each value once (swap-move starts).

Swap (Kawasaki) moves keep a permutation group a permutation, so chains must start from
one that also respects the hard mask: per group, a perfect matching of its sites to the
values, drawn at random. A vectorised randomised greedy (most constrained site first,
random allowed unused value) finds one almost always; what it misses is retried, and
the rest goes to Kuhn's augmenting-path matching, which fails only when the group has
no valid completion at all (then the group is filled ignoring the mask's uniqueness
and the chain can never reach zero energy: an honest "unsolved").
"""

from __future__ import annotations

import torch


def _greedy(options: torch.Tensor, generator: torch.Generator):
    """options BoolTensor[M, K, V] (site k of group m may take value v) ->
    (values LongTensor[M, K], ok BoolTensor[M])."""
    m, k, v = options.shape
    device = options.device
    key = options.sum(-1).float() + torch.rand(m, k, generator=generator, device=device)
    order = key.argsort(-1)
    used = torch.zeros(m, v, dtype=torch.bool, device=device)
    values = torch.zeros(m, k, dtype=torch.long, device=device)
    ok = torch.ones(m, dtype=torch.bool, device=device)
    for t in range(k):
        pos = order[:, t]
        cand = options[torch.arange(m, device=device), pos] & ~used
        ok &= cand.any(-1)
        score = torch.rand(m, v, generator=generator, device=device).masked_fill(~cand, -1.0)
        val = score.argmax(-1)
        used[torch.arange(m, device=device), val] = True
        values[torch.arange(m, device=device), pos] = val
    return values, ok


def _kuhn(options: list[list[bool]]) -> list[int] | None:
    """A perfect matching of sites to values (augmenting paths), or None."""
    k = len(options)
    owner = [-1] * len(options[0])

    def augment(site, seen):
        for val, ok in enumerate(options[site]):
            if ok and not seen[val]:
                seen[val] = True
                if owner[val] < 0 or augment(owner[val], seen):
                    owner[val] = site
                    return True
        return False

    for site in range(k):
        if not augment(site, [False] * len(owner)):
            return None
    match = [0] * k
    for val, site in enumerate(owner):
        if site >= 0:
            match[site] = val
    return match


def random_permutations(allowed: torch.Tensor, perm_groups: torch.Tensor,
                        generator: torch.Generator, retries: int = 8) -> torch.Tensor:
    """States x LongTensor[B, N] with each perm group (LongTensor[Gp, K], K = V, groups
    disjoint and covering all N sites) a permutation of 0..V-1 within allowed[B, N, V]."""
    b, n, v = allowed.shape
    gp, k = perm_groups.shape
    options = allowed[:, perm_groups].reshape(b * gp, k, v)
    values, ok = _greedy(options, generator)
    for _ in range(retries):
        if ok.all():
            break
        bad = (~ok).nonzero().squeeze(1)
        again, fixed = _greedy(options[bad], generator)
        values[bad] = torch.where(fixed[:, None], again, values[bad])
        ok[bad] = fixed
    for row in (~ok).nonzero().squeeze(1).tolist():
        match = _kuhn(options[row].tolist())
        if match is not None:
            values[row] = torch.tensor(match, device=values.device)
    x = torch.empty(b, n, dtype=torch.long, device=allowed.device)
    x[:, perm_groups.reshape(-1)] = values.view(b, gp * k)
    return x
