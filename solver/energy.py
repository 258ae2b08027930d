"""The penalty energy: weighted counts of violated constraints (`PenaltyEnergy`), with
disjunctive factors (`Choices`). It implements `solver.interfaces.Energy`.

Shapes: B chains, N sites, V values, S sites updated at once per chain.

Sites that every chain updates alike (a colour class, a class of perm groups) come as one
row expanded over the batch (`sites.stride(0) == 0`); `PenaltyEnergy` builds index tables
for such a tensor once (a plan, kept while the tensor object lives) instead of per call,
so a sweep asks the host for a few calls per class and never for a device value.
"""

from __future__ import annotations

from types import SimpleNamespace

import torch

from solver.interfaces import BaseEnergy


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
            for j, t in enumerate(site_t[s]):
                d, k = slot[int(terms[t, 4])]
                pos[s, j] = site_d[s].index(d) * rm + k
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


class PenaltyEnergy(BaseEnergy):
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
        # some site is in fewer groups than another: its pad slots point at row G, which
        # must read zero (known here, on the host, so no sweep asks the device)
        self._pads = any(len(o) < self.site_groups.shape[1] for o in owners)
        self._entries = float(sum(len(o) for o in owners))  # sum of all counts, fixed
        self._plans: dict[int, SimpleNamespace] = {}  # id(sites) -> index tables
        self.unary = None if unary is None else unary.to(self.device, torch.float)
        if self.unary is not None:  # unary[i, x_i] as one take from the flat table
            self._unary_at = torch.arange(sites, device=self.device) * values
        self.pairs = None
        if pair_sites is not None and pair_tables is not None and pair_sites.shape[0]:
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

    def _plan(self, sites: torch.Tensor) -> SimpleNamespace | None:
        """Index tables for sites shared by every chain (one row expanded: stride 0), built
        once per tensor object; None for sites that differ between chains."""
        plan = self._plans.get(id(sites))  # the plan holds its tensor: the id is not reused
        if plan is None:
            if not self.G or sites.dim() != 2 or sites.stride(0) != 0:
                return None
            if len(self._plans) >= 1024:
                self._plans.clear()
            b, s = sites.shape
            row = sites[0]
            own = self.site_groups[row]  # [S, Gs]
            gs = own.shape[1]
            flat = own.reshape(-1)
            plan = SimpleNamespace(
                sites=sites,  # keeps id(sites) from being reused while the plan lives
                b=b, s=s, gs=gs,
                own=flat,  # [S*Gs]: group of each (site, group) slot
                base=flat * self.V,  # [S*Gs]: its row in the flat count table
                at=row.repeat_interleave(gs).expand(b, -1),  # [B, S*Gs]: slot -> site
                slot=torch.arange(s, device=self.device).repeat_interleave(gs).expand(b, -1),
                one=torch.ones((), device=self.device).expand(b, s * gs),
                minus=torch.full((), -1.0, device=self.device).expand(b, s * gs),
                self_n=(-self.n_groups[row]).view(1, s, 1).expand(b, s, 1),
                unary=None if self.unary is None else self.factor_weight * self.unary[row])
            self._plans[id(sites)] = plan
        return plan

    def _shift(self, cache: torch.Tensor, plan, values: torch.Tensor, src: torch.Tensor):
        """Add src (+1 or -1 per slot) to the counts of values LongTensor[B, S*Gs]."""
        cache.view(plan.b, -1).scatter_add_(1, plan.base + values, src)
        if self._pads:
            cache[:, self.G] = 0

    def _seen(self, cache: torch.Tensor, plan) -> torch.Tensor:
        """Each site's counts summed over its groups: FloatTensor[B, S, V]."""
        seen = cache.index_select(1, plan.own)
        return seen if plan.gs == 1 else seen.view(plan.b, plan.s, plan.gs, self.V).sum(2)

    def logits(self, x: torch.Tensor, cache: torch.Tensor, sites: torch.Tensor,
               choices: bool = True) -> torch.Tensor:
        plan = self._plan(sites) if self.group_form == "pairs" else None
        if plan is not None:  # the same terms from the plan's tables
            energy = self._seen(cache, plan)  # counts with the site itself ...
            energy.scatter_add_(2, x.gather(1, sites).unsqueeze(-1), plan.self_n)  # ... without
            if self.group_weight != 1:
                energy.mul_(self.group_weight)
            if plan.unary is not None:
                energy += plan.unary
            return self._factors(x, sites, energy, choices).neg_()
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
        return self._factors(x, sites, energy, choices).neg_()

    def _factors(self, x, sites, energy, choices: bool):
        """energy += the pair and disjunctive factors' terms at `sites`."""
        if self.pairs is not None:
            b, s = sites.shape
            _, tables, fac, other = self.pairs
            partner = x.gather(1, other[sites].view(b, -1)).view(b, s, -1)  # [B, S, Fs]
            energy += self.factor_weight * tables[fac[sites], :, partner].sum(2)
        if choices and self.choices is not None:
            energy += self.factor_weight * self.choices.site_energy(x, sites)
        return energy

    def _count(self, cache: torch.Tensor, sites: torch.Tensor, values: torch.Tensor, sign: float):
        """Add `sign` to the group counts of values[b, s] at sites[b, s]."""
        b = sites.shape[0]
        gs = self.site_groups.shape[1]
        own = self.site_groups[sites].view(b, -1)  # [B, S*Gs]
        flat = cache.view(b, -1)
        flat.scatter_add_(1, own * self.V + values.repeat_interleave(gs, dim=1),
                          torch.full(own.shape, sign, device=cache.device))
        cache[:, self.G] = 0  # the pad group absorbs updates of sites in fewer groups

    def _spread(self, plan, values: torch.Tensor) -> torch.Tensor:
        """values LongTensor[B, S] -> one per (site, group) slot, LongTensor[B, S*Gs]."""
        return values if plan.gs == 1 else values.gather(1, plan.slot)

    def commit(self, x: torch.Tensor, cache: torch.Tensor, sites: torch.Tensor, new: torch.Tensor):
        if not self.G:
            return
        plan = self._plan(sites)
        if plan is not None:
            self._shift(cache, plan, x.gather(1, plan.at), plan.minus)
            self._shift(cache, plan, self._spread(plan, new), plan.one)
            return
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
        plan = self._plan(sites)
        if plan is not None:
            self._shift(cache, plan, x.gather(1, plan.at), plan.minus)
            cost = self._seen(cache, plan)
            if self.group_weight != 1:
                cost.mul_(self.group_weight)
            return cost if plan.unary is None else cost.add_(plan.unary)
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
        if not self.G:
            return
        plan = self._plan(sites)
        if plan is not None:
            self._shift(cache, plan, self._spread(plan, new), plan.one)
        else:
            self._count(cache, sites, new, 1.0)

    def energy(self, x: torch.Tensor, cache: torch.Tensor) -> torch.Tensor:
        total = None
        if self.G and self.group_form == "pairs":
            # sum c(c-1)/2 = (sum c^2 - sum c) / 2, and sum c is the same in every state
            # (the pad row holds zeros)
            total = (cache * cache).sum((1, 2)).sub_(self._entries).mul_(self.group_weight / 2)
        elif self.G:
            per = (cache[:, :self.G] - 1).clamp(min=0)
            total = self.group_weight * per.sum((1, 2))
        if total is None:
            total = torch.zeros(x.shape[0], device=x.device)
        if self.unary is not None:
            total += self.factor_weight * self.unary.view(-1).take(x + self._unary_at).sum(1)
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
        """shared[i, j]: groups of i plus groups of j less twice the groups holding both
        (the group change of a swap beyond the counts); dense[i, j, u, w]: pair-factor penalty
        of x_i = u, x_j = w summed over all factors on (i, j) (None without factors)."""
        if self._shared is None:
            member = torch.zeros(self.N, self.G + 1, device=self.device)
            member.scatter_(1, self.site_groups, 1.0)
            member[:, self.G] = 0
            together = member @ member.T  # groups holding both sites
            shared = self.n_groups[:, None] + self.n_groups[None, :] - 2 * together
            dense = None
            if self.pairs is not None:
                pair_sites, tables, _, _ = self.pairs
                f = pair_sites.shape[0]
                dense = torch.zeros(self.N, self.N, self.V, self.V, device=self.device)
                i, j = pair_sites[:, 0], pair_sites[:, 1]
                dense.index_put_((i, j), tables[:f], accumulate=True)
                dense.index_put_((j, i), tables[f:2 * f], accumulate=True)
            self._shared = (shared, dense)
        return self._shared

    def swap_delta(self, x, cache, i, j):
        if self.group_form != "pairs":
            raise ValueError("swap moves need group_form='pairs'")
        b, s = i.shape
        shared, dense = self._swap_tables()
        a, c = x.gather(1, i), x.gather(1, j)
        # with the counts n before the swap, site i going a -> c changes each of its groups
        # by n_c - n_a + 1 (a != c), site j going c -> a by n_a - n_c + 1; in a group of
        # both the multiset is unchanged, so shared groups take back 2 each (`shared`
        # holds sum 1 + sum 1 - 2 shared per pair). Equal values: no change.
        own = self.site_groups[torch.stack([i, j], 2)]  # [B, S, 2, Gs]
        ac = torch.stack([a, c], 2)
        vals = torch.stack([ac.flip(2), ac], 2)  # [B, S, 2 (site), 2 (+ value, - value)]
        where = own.unsqueeze(3) * self.V + vals.unsqueeze(4)  # [B, S, 2, 2, Gs]
        n = cache.view(b, -1).gather(1, where.view(b, -1)).view(where.shape).sum(4)
        moved = (n[..., 0] - n[..., 1]).sum(2) + shared[i, j]
        delta = (self.group_weight * moved).masked_fill_(a == c, 0.0)
        if self.unary is not None:
            u = self.unary
            delta += self.factor_weight * (u[i, c] - u[i, a] + u[j, a] - u[j, c])
        if dense is not None:
            # each site's pair factors given the rest (the other site at its current
            # value), then the joint term of factors on (i, j) itself
            both = torch.stack([i, j], -1).view(b, 2 * s)
            pe = self._factors(x, both, x.new_zeros(b, 2 * s, self.V, dtype=torch.float), False)
            pe = pe.view(b, s, 2, self.V)
            pick = lambda t, val: t.gather(-1, val.unsqueeze(-1)).squeeze(-1)  # noqa: E731
            delta += (pick(pe[:, :, 0], c) - pick(pe[:, :, 0], a)) + (pick(pe[:, :, 1], a) - pick(pe[:, :, 1], c))
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
