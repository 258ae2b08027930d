"""Energies: the conditional logits of a set of sites across a batch of chains.

The `Energy` protocol splits "compute the conditional" from "sample from it" (the sampler
does the latter). An energy may keep a cache that it updates incrementally as sites
change (`prepare` builds it, `commit` updates it); `logits` returns the negative
conditional energy of every value at the given sites, at temperature 1.

Shapes: B chains, N sites, V values, S sites updated at once per chain.
"""

from __future__ import annotations

from typing import Protocol

import torch


class Energy(Protocol):
    def prepare(self, x: torch.Tensor):
        """Cache for states x: LongTensor[B, N] (anything, or None)."""

    def logits(self, x: torch.Tensor, cache, sites: torch.Tensor) -> torch.Tensor:
        """-E(x with x_s = v) + const for each site s: FloatTensor[B, S, V].
        sites: LongTensor[B, S], distinct within a row and sharing no factor."""

    def commit(self, x: torch.Tensor, cache, sites: torch.Tensor, new: torch.Tensor) -> None:
        """Update the cache for x[b, sites[b]] := new[b] (called before x changes)."""

    def energy(self, x: torch.Tensor, cache) -> torch.Tensor:
        """Total energy of each chain: FloatTensor[B]."""

    def select(self, cache, keep: torch.Tensor):
        """The cache of the chains `keep` (LongTensor of chain indices)."""

    def swap_delta(self, x: torch.Tensor, cache, i: torch.Tensor, j: torch.Tensor) -> torch.Tensor:
        """E(x with x_i and x_j exchanged) - E(x): FloatTensor[B, S]; i, j LongTensor[B, S]
        (optional: only energies that support swap moves)."""


def _site_lists(n_sites: int, owners: list[list[int]], pad: int) -> torch.Tensor:
    """LongTensor[N, L]: for each site the ids in owners[site], padded with `pad`."""
    width = max((len(o) for o in owners), default=0)
    out = torch.full((n_sites, max(width, 1)), pad, dtype=torch.long)
    for s, ids in enumerate(owners):
        out[s, :len(ids)] = torch.tensor(ids, dtype=torch.long)
    return out


class Choices:
    """Disjunctive factors: each disjunction d has readings r, each reading a penalty

        pen_r(x) = sum over its terms (i, a, j, b) of [x_i = a] [x_j = b]

    and d costs min_r pen_r(x): zero exactly when one of its readings holds. Terms:
    LongTensor[T, 5] (i, a, j, b, r); groups: LongTensor[R] (r -> d). Shapes below: B
    chains, S sites, V values; D disjunctions, Rm the most readings of one."""

    BIG = 1e6  # the penalty of a padding reading (never the least)

    def __init__(self, sites: int, values: int, terms: torch.Tensor, groups: torch.Tensor,
                 device: torch.device):
        self.V = values
        terms, groups = terms.to(device), groups.to(device)
        self.T, self.R = terms.shape[0], groups.shape[0]
        self.D = int(groups.max()) + 1
        # a pad term (index T) on reading R (always zero) keeps padded gathers harmless
        self.terms = torch.cat([terms, torch.tensor([[0, 0, 0, 0, self.R]], device=device)])
        by_d: list[list[int]] = [[] for _ in range(self.D)]
        for r, d in enumerate(groups.tolist()):
            by_d[d].append(r)
        rm = max(len(rs) for rs in by_d)
        self.Rm = rm
        # readings of each disjunction, padded with R + 1 (BIG); row D: the pad disjunction
        table = torch.full((self.D + 1, rm), self.R + 1, dtype=torch.long)
        for d, rs in enumerate(by_d):
            table[d, :len(rs)] = torch.tensor(rs)
        table[self.D, 0] = self.R  # the pad disjunction: one reading, always zero
        self.readings = table.to(device)
        slot = {r: (d, k) for d, rs in enumerate(by_d) for k, r in enumerate(rs)}
        site_d: list[list[int]] = [[] for _ in range(sites)]
        site_t: list[list[int]] = [[] for _ in range(sites)]
        for t, (i, _, j, _, r) in enumerate(terms.tolist()):
            for s in {i, j}:
                site_t[s].append(t)
                if slot[r][0] not in site_d[s]:
                    site_d[s].append(slot[r][0])
        self.site_d = _site_lists(sites, site_d, self.D).to(device)  # [N, Ds]
        ds = self.site_d.shape[1]
        self.site_t = _site_lists(sites, site_t, self.T).to(device)  # [N, L]
        # where each term of a site lands in its [Ds, Rm] table (pad: one past the end)
        pos = torch.full(self.site_t.shape, ds * rm, dtype=torch.long)
        for s in range(sites):
            for l, t in enumerate(site_t[s]):
                d, k = slot[int(terms[t, 4])]
                pos[s, l] = site_d[s].index(d) * rm + k
        self.site_pos = pos.to(device)

    def penalties(self, x: torch.Tensor) -> torch.Tensor:
        """pen_r of every reading, plus the two pads: FloatTensor[B, R + 2]."""
        i, a, j, b, r = self.terms[:self.T].T
        on = ((x[:, i] == a) & (x[:, j] == b)).float()  # [B, T]
        pen = torch.zeros(x.shape[0], self.R + 2, device=x.device)
        pen.index_add_(1, r, on)
        pen[:, self.R + 1] = self.BIG
        return pen

    def energy(self, x: torch.Tensor) -> torch.Tensor:
        """sum_d min_r pen_r: FloatTensor[B]."""
        pen = self.penalties(x)
        return pen[:, self.readings[:self.D]].min(-1).values.sum(-1)

    def site_energy(self, x: torch.Tensor, sites: torch.Tensor) -> torch.Tensor:
        """The disjunctions' energy with x_s = v, each site s of `sites` (LongTensor[B, S])
        changed alone, up to a per-site constant: FloatTensor[B, S, V]."""
        b, s = sites.shape
        pen = self.penalties(x)
        t = self.site_t[sites]  # [B, S, L]
        i, a, j, bv = (self.terms[t, k] for k in range(4))
        xi = x.gather(1, i.view(b, -1)).view(t.shape)
        xj = x.gather(1, j.view(b, -1)).view(t.shape)
        here = sites.unsqueeze(-1)
        vals = torch.arange(self.V, device=x.device)
        # each literal with x_s replaced by v: [B, S, L, V]
        lit_i = torch.where((i == here).unsqueeze(-1), vals == a.unsqueeze(-1),
                            (xi == a).unsqueeze(-1))
        lit_j = torch.where((j == here).unsqueeze(-1), vals == bv.unsqueeze(-1),
                            (xj == bv).unsqueeze(-1))
        pad = (t == self.T).unsqueeze(-1)
        delta = ((lit_i & lit_j).float() - ((xi == a) & (xj == bv)).float().unsqueeze(-1))
        delta = delta.masked_fill(pad, 0.0)
        ds = self.site_d.shape[1]
        table = torch.zeros(b, s, ds * self.Rm + 1, self.V, device=x.device)
        table.scatter_add_(2, self.site_pos[sites].unsqueeze(-1).expand(-1, -1, -1, self.V), delta)
        table = table[:, :, :ds * self.Rm].view(b, s, ds, self.Rm, self.V)
        readings = self.readings[self.site_d[sites]]  # [B, S, Ds, Rm]
        now = pen.gather(1, readings.view(b, -1)).view(readings.shape)
        return (now.unsqueeze(-1) + table).min(3).values.sum(2)


class PenaltyEnergy:
    """Weighted count of violated constraints:

        E(x) = group_weight * sum_groups sum_v f(count of v in group)
             + factor_weight * (sum_i unary[i, x_i] + sum_f table_f[x_i, x_j]
                                + sum_d min_r pen_r(x))

    (the last sum: disjunctive factors, `Choices`)

    with f(c) = c*(c-1)/2 (`group_form="pairs"`: same-value pairs) or max(c-1, 0)
    (`"excess"`). Both are zero exactly when every group is all-different, so a complete
    invalid grid never has zero energy. The cache is the value count of every group,
    FloatTensor[B, G+1, V] (row G is an always-empty pad group).
    """

    def __init__(self, sites: int, values: int, groups: torch.Tensor,
                 unary: torch.Tensor | None = None, pair_sites: torch.Tensor | None = None,
                 pair_tables: torch.Tensor | None = None, group_weight: float = 1.0,
                 factor_weight: float = 1.0, group_form: str = "pairs",
                 device: torch.device | str = "cpu", choice_terms: torch.Tensor | None = None,
                 choice_groups: torch.Tensor | None = None):
        if group_form not in ("pairs", "excess"):
            raise ValueError("group_form must be 'pairs' or 'excess'")
        self.N, self.V, self.device = sites, values, torch.device(device)
        self.group_weight, self.factor_weight, self.group_form = group_weight, factor_weight, group_form
        self.groups = groups.to(self.device)
        self.G = groups.shape[0]
        owners: list[list[int]] = [[] for _ in range(sites)]
        for g, members in enumerate(groups.tolist()):
            for s in members:
                owners[s].append(g)
        self.site_groups = _site_lists(sites, owners, self.G).to(self.device)  # [N, Gs]
        self.n_groups = torch.tensor([len(o) for o in owners], dtype=torch.float, device=self.device)
        self.unary = None if unary is None else unary.to(self.device, torch.float)
        self.pairs = None
        if pair_sites is not None and pair_sites.shape[0]:
            f = pair_sites.shape[0]
            # Both orientations, plus a zero table for padding: site i of factor k reads
            # table k at [:, x_j]; site j reads the transposed table at [:, x_i].
            tables = torch.cat([pair_tables, pair_tables.transpose(1, 2),
                                torch.zeros(1, values, values)]).to(self.device, torch.float)
            fac: list[list[int]] = [[] for _ in range(sites)]
            other: list[list[int]] = [[] for _ in range(sites)]
            for k, (i, j) in enumerate(pair_sites.tolist()):
                fac[i].append(k)
                other[i].append(j)
                fac[j].append(f + k)
                other[j].append(i)
            self.pairs = (pair_sites.to(self.device), tables,
                          _site_lists(sites, fac, 2 * f).to(self.device),
                          _site_lists(sites, other, 0).to(self.device))
        self._shared = None  # swap-move tables, built on first use
        self.choices = (Choices(sites, values, choice_terms, choice_groups, self.device)
                        if choice_terms is not None and choice_groups is not None
                        and choice_groups.numel() else None)

    @classmethod
    def from_encoded(cls, enc, device="cpu", **weights) -> "PenaltyEnergy":
        """Build from an `encoders.Encoded` (duck-typed: solver/ never imports puzzles)."""
        return cls(enc.sites, enc.values, enc.groups, enc.unary, enc.pair_sites,
                   enc.pair_tables, device=device, choice_terms=getattr(enc, "choice_terms", None),
                   choice_groups=getattr(enc, "choice_groups", None), **weights)

    def prepare(self, x: torch.Tensor) -> torch.Tensor:
        b = x.shape[0]
        counts = torch.zeros(b, self.G + 1, self.V, device=x.device)
        if self.G:
            members = x[:, self.groups]  # [B, G, K]
            counts[:, :self.G].scatter_add_(2, members, torch.ones_like(members, dtype=counts.dtype))
        return counts

    def logits(self, x: torch.Tensor, cache: torch.Tensor, sites: torch.Tensor,
               choices: bool = True) -> torch.Tensor:
        b, s = sites.shape
        energy = torch.zeros(b, s, self.V, device=x.device)
        if self.G:
            own = self.site_groups[sites]  # [B, S, Gs]
            seen = cache.gather(1, own.view(b, -1, 1).expand(-1, -1, self.V)).view(b, s, -1, self.V)
            current = torch.nn.functional.one_hot(x.gather(1, sites), self.V).unsqueeze(2)
            others = seen - current * (own < self.G).unsqueeze(-1)  # counts without the site itself
            term = others.sum(2) if self.group_form == "pairs" else (others > 0).sum(2)
            energy += self.group_weight * term
        if self.unary is not None:
            energy += self.factor_weight * self.unary[sites]
        if self.pairs is not None:
            _, tables, fac, other = self.pairs
            partner = x.gather(1, other[sites].view(b, -1)).view(b, s, -1)  # [B, S, Fs]
            energy += self.factor_weight * tables[fac[sites], :, partner].sum(2)
        if choices and self.choices is not None:
            energy += self.factor_weight * self.choices.site_energy(x, sites)
        return -energy

    def _count(self, cache: torch.Tensor, sites: torch.Tensor, values: torch.Tensor, sign: float):
        """Add `sign` to the group counts of values[b, s] at sites[b, s]."""
        b = sites.shape[0]
        gs = self.site_groups.shape[1]
        own = self.site_groups[sites].view(b, -1)  # [B, S*Gs]
        flat = cache.view(b, -1)
        flat.scatter_add_(1, own * self.V + values.repeat_interleave(gs, dim=1),
                          torch.full(own.shape, sign, device=cache.device))
        cache[:, self.G] = 0  # the pad group absorbs updates of sites in fewer groups

    def commit(self, x: torch.Tensor, cache: torch.Tensor, sites: torch.Tensor, new: torch.Tensor):
        if self.G:
            self._count(cache, sites, x.gather(1, sites), -1.0)
            self._count(cache, sites, new, 1.0)

    def lift(self, x: torch.Tensor, cache: torch.Tensor, sites: torch.Tensor) -> torch.Tensor:
        """Remove a block's sites (LongTensor[B, K]) from the counts and return the cost of
        each value at each of them given everything outside the block: FloatTensor[B, K, V].

        A block filling's energy is then the sum of its sites' costs, provided no two
        block sites can repeat a value in a shared group (a permutation group's fillings)
        and no pair factor joins two block sites. `place` puts the new filling back.
        """
        if self.pairs is not None or self.choices is not None or self.group_form != "pairs":
            raise ValueError("block moves need group_form='pairs' and no pair or disjunctive factors")
        b, k = sites.shape
        cost = torch.zeros(b, k, self.V, device=x.device)
        if self.G:
            self._count(cache, sites, x.gather(1, sites), -1.0)
            own = self.site_groups[sites].view(b, -1, 1).expand(-1, -1, self.V)
            cost += self.group_weight * cache.gather(1, own).view(b, k, -1, self.V).sum(2)
        if self.unary is not None:
            cost += self.factor_weight * self.unary[sites]
        return cost

    def place(self, cache: torch.Tensor, sites: torch.Tensor, new: torch.Tensor) -> None:
        """Put lifted sites back with values `new` (LongTensor[B, K])."""
        if self.G:
            self._count(cache, sites, new, 1.0)

    def energy(self, x: torch.Tensor, cache: torch.Tensor) -> torch.Tensor:
        total = torch.zeros(x.shape[0], device=x.device)
        if self.G:
            c = cache[:, :self.G]
            per = c * (c - 1) / 2 if self.group_form == "pairs" else (c - 1).clamp(min=0)
            total += self.group_weight * per.sum((1, 2))
        if self.unary is not None:
            total += self.factor_weight * self.unary[torch.arange(self.N, device=x.device), x].sum(1)
        if self.pairs is not None:
            pair_sites, tables, _, _ = self.pairs
            k = torch.arange(pair_sites.shape[0], device=x.device)
            total += self.factor_weight * tables[k, x[:, pair_sites[:, 0]], x[:, pair_sites[:, 1]]].sum(1)
        if self.choices is not None:
            total += self.factor_weight * self.choices.energy(x)
        return total

    def select(self, cache: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        return cache[keep]

    def _swap_tables(self):
        """shared[i, j]: groups holding both sites; dense[i, j, u, w]: pair-factor penalty
        of x_i = u, x_j = w summed over all factors on (i, j) (None without factors)."""
        if self._shared is None:
            member = torch.zeros(self.N, self.G + 1, device=self.device)
            member.scatter_(1, self.site_groups, 1.0)
            member[:, self.G] = 0
            dense = None
            if self.pairs is not None:
                pair_sites, tables, _, _ = self.pairs
                f = pair_sites.shape[0]
                dense = torch.zeros(self.N, self.N, self.V, self.V, device=self.device)
                i, j = pair_sites[:, 0], pair_sites[:, 1]
                dense.index_put_((i, j), tables[:f], accumulate=True)
                dense.index_put_((j, i), tables[f:2 * f], accumulate=True)
            self._shared = (member @ member.T, dense)
        return self._shared

    def swap_delta(self, x, cache, i, j):
        if self.group_form != "pairs":
            raise ValueError("swap moves need group_form='pairs'")
        b, s = i.shape
        shared, dense = self._swap_tables()
        lg = self.logits(x, cache, torch.stack([i, j], -1).view(b, 2 * s),
                         choices=False).view(b, s, 2, self.V)
        a, c = x.gather(1, i), x.gather(1, j)
        pick = lambda t, val: t.gather(-1, val.unsqueeze(-1)).squeeze(-1)  # noqa: E731
        # each site's change on its own, taken from its conditional given the other ...
        delta = (pick(lg[:, :, 0], a) - pick(lg[:, :, 0], c)) + (pick(lg[:, :, 1], c) - pick(lg[:, :, 1], a))
        # ... double-counts what they share: in a common group the multiset is unchanged
        # (the two conditionals add 2 per group), and pair factors on (i, j) need the joint
        delta -= 2 * self.group_weight * shared[i, j] * (a != c)  # (equal values: no change)
        if dense is not None:
            flat = dense[i, j].flatten(-2)  # [B, S, V*V]: index u*V + w is (x_i=u, x_j=w)
            at = lambda u, w: flat.gather(-1, (u * self.V + w).unsqueeze(-1)).squeeze(-1)  # noqa: E731
            delta += self.factor_weight * (at(c, a) - at(c, c) - at(a, a) + at(a, c))
        if self.choices is not None:  # exact: the disjunctions of each swapped state
            swapped = x.unsqueeze(1).expand(b, s, self.N).clone()
            swapped.scatter_(2, i.unsqueeze(-1), c.unsqueeze(-1))
            swapped.scatter_(2, j.unsqueeze(-1), a.unsqueeze(-1))
            after = self.choices.energy(swapped.view(b * s, self.N)).view(b, s)
            delta += self.factor_weight * (after - self.choices.energy(x).unsqueeze(1))
        return delta
