"""Random states in which every permutation group holds each value once (swap-move starts).

Swap (Kawasaki) moves keep a permutation group a permutation, so chains must start from
one that also respects the hard mask: per group, a perfect matching of its sites to the
values, drawn at random. A vectorised randomised greedy (most constrained site first,
random allowed unused value) finds one almost always.

`draw_permutations` runs inside the sampler's sweeps (restarts), so it never reads a value
back: it makes a few greedy attempts per row at once, takes the first that succeeds and
otherwise a fallback found beforehand. `fallback_permutations` finds those fallbacks on
the host, once per batch: greedy retries, then Kuhn's augmenting-path matching, which
fails only when the group has no valid completion at all (then the group is filled
ignoring the mask's uniqueness and the chain can never reach zero energy: an honest
"unsolved"). `random_permutations` is both together for one-off draws.
"""

from __future__ import annotations

import torch

_CHUNK = 1 << 22  # greedy rows x tries x values per step, at most (bounds the transient memory)


def _greedy(options: torch.Tensor, rows: torch.Tensor, tries: int, generator: torch.Generator):
    """options BoolTensor[R, K, V] (site k of group r may take value v), rows LongTensor[M]
    (the option row of each draw) -> (values LongTensor[T, M, K], ok BoolTensor[T, M]):
    T = tries independent attempts per draw."""
    k, v = options.shape[1:]
    m = rows.shape[0]
    device = options.device
    key = options.sum(-1).float()[rows] + torch.rand(tries, m, k, generator=generator, device=device)
    order = key.argsort(-1)  # most constrained site first, ties at random
    used = torch.zeros(tries, m, v, dtype=torch.bool, device=device)
    values = torch.zeros(tries, m, k, dtype=torch.long, device=device)
    ok = torch.ones(tries, m, dtype=torch.bool, device=device)
    at = rows.expand(tries, m)
    for t in range(k):
        pos = order[..., t]  # [T, M]
        cand = options[at, pos] & ~used  # [T, M, V]
        ok &= cand.any(-1)
        score = torch.rand(tries, m, v, generator=generator, device=device).masked_fill_(~cand, -1.0)
        val = score.argmax(-1, keepdim=True)
        used.scatter_(2, val, True)
        values.scatter_(2, pos.unsqueeze(-1), val)
    return values, ok


def draw_permutations(options: torch.Tensor, rows: torch.Tensor, generator: torch.Generator,
                      fallback: torch.Tensor, tries: int = 2) -> torch.Tensor:
    """One random filling per draw without a host sync: options BoolTensor[R, K, V], rows
    LongTensor[M] (option row of each draw), fallback LongTensor[R, K] (a valid filling per
    option row, `fallback_permutations`) -> LongTensor[M, K]. Each draw is the first of
    `tries` greedy attempts that succeeds, else its row's fallback."""
    v = options.shape[2]
    step = max(1, _CHUNK // (tries * v))
    out = []
    for lo in range(0, rows.shape[0], step):  # static sizes: no value is read
        part = rows[lo:lo + step]
        values, ok = _greedy(options, part, tries, generator)
        first = ok.int().argmax(0)  # the first success (0 when none)
        pick = values.gather(0, first.view(1, -1, 1).expand(1, -1, values.shape[2])).squeeze(0)
        out.append(torch.where(ok.any(0, keepdim=True).T, pick, fallback[part]))
    return out[0] if len(out) == 1 else torch.cat(out)


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


def _complete(options: torch.Tensor, values: torch.Tensor, ok: torch.Tensor) -> torch.Tensor:
    """values LongTensor[M, K] with the rows not `ok` replaced by a matching where one
    exists (host work: reads `ok` and those rows' options)."""
    for row in (~ok).nonzero().squeeze(1).tolist():
        match = _kuhn(options[row].tolist())
        if match is not None:
            values[row] = torch.tensor(match, device=values.device)
    return values


def fallback_permutations(options: torch.Tensor, retries: int = 8,
                          seed: int = 0) -> torch.Tensor:
    """A valid filling of every option row where one exists: options BoolTensor[R, K, V]
    -> LongTensor[R, K] (host work, once per batch; its own generator, so the sampler's
    draws do not depend on it)."""
    generator = torch.Generator(device=options.device).manual_seed(seed)
    rows = torch.arange(options.shape[0], device=options.device)
    values, ok = _greedy(options, rows, retries + 1, generator)
    first = ok.int().argmax(0)
    values = values.gather(0, first.view(1, -1, 1).expand(1, -1, values.shape[2])).squeeze(0)
    return _complete(options, values, ok.any(0))


def random_permutations(allowed: torch.Tensor, perm_groups: torch.Tensor,
                        generator: torch.Generator, retries: int = 8) -> torch.Tensor:
    """States x LongTensor[B, N] with each perm group (LongTensor[Gp, K], K = V, groups
    disjoint and covering all N sites) a permutation of 0..V-1 within allowed[B, N, V]
    (reads values back: for one-off draws, not inside the sweeps)."""
    b, n, v = allowed.shape
    gp, k = perm_groups.shape
    options = allowed[:, perm_groups].reshape(b * gp, k, v)
    rows = torch.arange(b * gp, device=allowed.device)
    values, ok = _greedy(options, rows, retries + 1, generator)
    first = ok.int().argmax(0)
    values = values.gather(0, first.view(1, -1, 1).expand(1, -1, k)).squeeze(0)
    values = _complete(options, values, ok.any(0))
    x = torch.empty(b, n, dtype=torch.long, device=allowed.device)
    x[:, perm_groups.reshape(-1)] = values.view(b, gp * k)
    return x
