"""Move kernels of the Glauber sampler: one sweep of heat-bath updates over all chains.

Every kernel is exact for the Gibbs distribution exp(-beta E) at fixed beta:

- `SiteMoves`: single-site heat bath (the conditional over a site's allowed values);
  sites updated together share no factor.
- `SwapMoves`: Kawasaki steps inside permutation groups: a uniformly drawn pair of sites
  exchanges values with the Barker probability 1 / (1 + exp(beta dE)).
- `ShuffleMoves`: m drawn sites of a permutation group reordered from the exact
  conditional over their m! orders.
- `BlockMoves`: block heat bath: a whole permutation group redrawn from the exact
  conditional over all its fillings allowed by the hard mask (listed by the encoder).

Shapes: B chains (P problems x C chains, problem-major), N sites, V values. `owner`
LongTensor[B] maps chains to problems; masks are per problem and indexed through it.
"""

from __future__ import annotations

import itertools

import torch

from solver.permutations import random_permutations


def hard_mask(allowed: torch.Tensor, device=None) -> torch.Tensor:
    """The additive form of a hard mask: FloatTensor of allowed's shape, 0 where allowed,
    -inf elsewhere (added to logits, so a forbidden value is never drawn)."""
    return torch.zeros(allowed.shape, device=device).masked_fill_(~allowed.to(device), float("-inf"))


def gumbel_sample(logits: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """One draw from softmax(logits) along the last axis (Gumbel-max; -inf never drawn)."""
    u = torch.rand(logits.shape, generator=generator, device=logits.device)
    return (logits - torch.log(-torch.log(u.clamp(1e-20, 1 - 1e-7)))).argmax(-1)


def categorical_sample(logits: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """One draw from softmax(logits) along the last axis by inverting its CDF: one uniform
    and one exp per entry, about 3x faster than `gumbel_sample` on the long rows of block
    moves. Every row needs a finite entry (-inf never drawn)."""
    cdf = (logits - logits.amax(-1, keepdim=True)).contiguous().exp_().cumsum_(-1)
    u = torch.rand(cdf.shape[:-1] + (1,), generator=generator, device=logits.device) * cdf[..., -1:]
    return torch.searchsorted(cdf, u, right=True).squeeze(-1).clamp_(max=cdf.shape[-1] - 1)


class SiteMoves:
    """Single-site heat bath in `chromatic`, `sweep` or `random` order."""

    def __init__(self, energy, colour_classes: list[torch.Tensor], order: str, device):
        self.energy, self.order, self.device = energy, order, device
        self.classes = [c.to(device) for c in colour_classes]
        self.n_sites = int(sum(len(c) for c in self.classes))

    def fresh(self, mask: torch.Tensor, owner: torch.Tensor, generator) -> torch.Tensor:
        """Uniform allowed values for chains `owner`: mask FloatTensor[P, N, V] (0 / -inf)."""
        return gumbel_sample(mask[owner], generator)

    def _blocks(self, b: int, generator):
        if self.order == "chromatic":
            return [c.expand(b, -1) for c in self.classes]
        if self.order == "sweep":
            return [torch.full((b, 1), s, device=self.device) for s in range(self.n_sites)]
        return list(torch.randint(self.n_sites, (self.n_sites, b, 1), generator=generator,
                                  device=self.device))

    def sweep(self, x, cache, beta, owner, mask, generator):
        chain_mask = mask[owner]
        v = chain_mask.shape[-1]
        for sites in self._blocks(len(x), generator):
            logits = self.energy.logits(x, cache, sites) * beta[:, None, None]
            logits = logits + chain_mask.gather(1, sites.unsqueeze(-1).expand(-1, -1, v))
            new = gumbel_sample(logits, generator)
            self.energy.commit(x, cache, sites, new)
            x.scatter_(1, sites, new)


class SwapMoves:
    """Pair exchanges inside permutation groups; one swap per group of a class at once."""

    def __init__(self, energy, perm_groups: torch.Tensor, perm_classes: list[torch.Tensor], device):
        self.energy, self.device = energy, device
        self.perm_groups = perm_groups.to(device)
        self.classes = [self.perm_groups[c.to(device)] for c in perm_classes]
        self.n_sites = perm_groups.numel()

    def fresh(self, mask, owner, generator):
        """Random valid permutations of every group within the hard mask."""
        return random_permutations(mask[owner] == 0, self.perm_groups, generator)

    def sweep(self, x, cache, beta, owner, mask, generator):
        """N/2 proposals per chain; pairs that would break the hard mask stay put."""
        b = len(x)
        rows = torch.arange(b, device=self.device)[:, None]
        allowed = mask[owner] == 0
        proposals = 0
        while proposals < self.n_sites / 2:
            for groups in self.classes:  # [Gc, K]
                gc, k = groups.shape
                u = torch.randint(k, (b, gc), generator=generator, device=self.device)
                w = torch.randint(k - 1, (b, gc), generator=generator, device=self.device)
                w = w + (w >= u)  # a uniformly drawn second position, different from u
                col = torch.arange(gc, device=self.device)
                i, j = groups[col, u], groups[col, w]
                a, c = x.gather(1, i), x.gather(1, j)
                legal = allowed[rows, i, c] & allowed[rows, j, a]
                delta = self.energy.swap_delta(x, cache, i, j)
                coin = torch.rand(b, gc, generator=generator, device=self.device)
                accept = legal & (coin < torch.sigmoid(-beta[:, None] * delta))
                sites = torch.cat([i, j], 1)
                new = torch.cat([torch.where(accept, c, a), torch.where(accept, a, c)], 1)
                self.energy.commit(x, cache, sites, new)
                x.scatter_(1, sites, new)
                proposals += gc


class BlockMoves:
    """Exact heat bath over whole permutation groups.

    fillings LongTensor[P, Gp, F, K]: the values of group g's K sites in filling f of
    problem p; real BoolTensor[P, Gp, F] marks real fillings (the rest is padding).
    """

    def __init__(self, energy, perm_groups, perm_classes, fillings, real, device):
        self.energy, self.device = energy, device
        self.perm_groups = perm_groups.to(device)
        self.classes = [c.to(device) for c in perm_classes]
        self.n_sites = perm_groups.numel()
        v = energy.V
        self.all_fillings = fillings.to(device)
        real = real.to(device)
        # filling f as a one-hot over the L (site k, value) pairs some real filling of its
        # group uses (L ~ K*V/3 after propagation): its energy is a matrix product with
        # those entries of the [K * V] cost table. slots LongTensor[P, Gp, L] index that
        # table; onehot FloatTensor[P, Gp, L, F]
        flat = self.all_fillings + torch.arange(fillings.shape[-1], device=device) * v  # k*V + value
        used = torch.zeros(*real.shape[:2], fillings.shape[-1] * v, dtype=torch.long, device=device)
        used = used.scatter_add_(2, flat.flatten(2), real[..., None].expand_as(flat).flatten(2).long()) > 0
        width = max(int(used.sum(-1).max()), 1)
        self.all_slots = torch.sort(used.float(), dim=-1, descending=True, stable=True).indices[..., :width]
        inverse = torch.zeros_like(used, dtype=torch.long).scatter_(
            2, self.all_slots, torch.arange(width, device=device).expand_as(self.all_slots))
        where = inverse.gather(2, flat.flatten(2)).view(flat.shape).transpose(-1, -2)  # [P, Gp, K, F]
        self.all_onehot = torch.zeros(*real.shape[:2], width, fillings.shape[2], device=device)
        self.all_onehot.scatter_(2, where, 1.0)
        self.all_logmask = torch.zeros(real.shape, device=device).masked_fill_(~real, float("-inf"))
        # a class scores its fillings only up to its last real one (padding after it is never drawn)
        self.widths = [int(real[:, c.to(device)].flatten(0, 1).any(0).nonzero().max()) + 1
                       for c in perm_classes]
        self.alive = None

    def _tables(self, owner):
        """Fillings of the problems still running, re-indexed when problems finish."""
        alive = torch.unique_consecutive(owner)
        if self.alive is None or not torch.equal(alive, self.alive):
            self.alive = alive
            self.fillings = self.all_fillings[alive]
            self.onehot = self.all_onehot[alive]
            self.slots = self.all_slots[alive]
            self.logmask = self.all_logmask[alive]
        return self.fillings, self.onehot, self.logmask

    def fresh(self, mask, owner, generator):
        """A uniformly drawn filling of every group."""
        pick = gumbel_sample(self.all_logmask[owner], generator)  # [B, Gp]
        groups = torch.arange(self.perm_groups.shape[0], device=self.device)
        values = self.all_fillings[owner[:, None], groups, pick]  # [B, Gp, K]
        x = torch.empty(len(owner), mask.shape[1], dtype=torch.long, device=self.device)
        x[:, self.perm_groups.reshape(-1)] = values.flatten(1)
        return x

    def sweep(self, x, cache, beta, owner, mask, generator):
        fillings, onehot, logmask = self._tables(owner)
        p = len(self.alive)
        c = len(x) // p
        k = self.perm_groups.shape[1]
        for cls, w in zip(self.classes, self.widths):
            gc = len(cls)
            sites = self.perm_groups[cls].reshape(1, -1).expand(len(x), -1)
            cost = self.energy.lift(x, cache, sites) * beta[:, None, None]  # [B, Gc*K, V]
            cost = cost.view(p, c, gc, -1).transpose(1, 2)  # [P, Gc, C, K*V]
            slots = self.slots[:, cls]  # [P, Gc, L]
            cost = cost.gather(3, slots.unsqueeze(2).expand(-1, -1, c, -1))  # [P, Gc, C, L]
            energy = (cost @ onehot[:, cls, :, :w]).transpose(1, 2)  # [P, C, Gc, F]
            pick = categorical_sample(logmask[:, cls, :w].unsqueeze(1) - energy, generator)  # [P, C, Gc]
            chosen = fillings[:, cls, :w].unsqueeze(1).expand(-1, c, -1, -1, -1)
            new = chosen.gather(3, pick[..., None, None].expand(-1, -1, -1, 1, k))
            new = self._held(x, sites, new.reshape(len(x), gc * k), cls, owner)
            self.energy.place(cache, sites, new)
            x.scatter_(1, sites, new)


    def _held(self, x, sites, new, cls, owner):
        """The values the class's sites take: every drawn filling (MixedMoves keeps some)."""
        return new


class ShuffleMoves(SwapMoves):
    """Heat bath over every rearrangement of m uniformly drawn sites of a perm group: the
    m! orders of their current values (those the hard mask allows), drawn from their
    exact conditional. Swaps are the case m = 2; block moves the case m = K. The drawn
    set is the same from every state it contains, so the move is exact."""

    def __init__(self, energy, perm_groups, perm_classes, device, m: int = 5):
        super().__init__(energy, perm_groups, perm_classes, device)
        self.m = min(m, perm_groups.shape[1])
        self.orders = torch.tensor(list(itertools.permutations(range(self.m))), device=device)  # [m!, m]

    def sweep(self, x, cache, beta, owner, mask, generator):
        """About N/m rearrangements per chain."""
        b, m = len(x), self.m
        allowed = mask[owner] == 0
        rows = torch.arange(b, device=self.device)[:, None, None, None]
        done = 0
        while done < self.n_sites:
            for groups in self.classes:  # [Gc, K]
                gc, k = groups.shape
                pick = torch.rand(b, gc, k, generator=generator, device=self.device).argsort(-1)[..., :m]
                sites = groups[torch.arange(gc, device=self.device)[:, None], pick]  # [B, Gc, m]
                current = x.gather(1, sites.view(b, -1)).view(b, gc, m)
                options = current[:, :, self.orders]  # [B, Gc, m!, m]
                where = sites.unsqueeze(2).expand_as(options)
                legal = allowed[rows, where, options].all(-1)  # [B, Gc, m!]
                cost = self.energy.lift(x, cache, sites.view(b, -1)) * beta[:, None, None]
                cost = cost.view(b, gc, 1, m, -1).expand(-1, -1, options.shape[2], -1, -1)
                energy = cost.gather(-1, options.unsqueeze(-1)).squeeze(-1).sum(-1)  # [B, Gc, m!]
                choice = categorical_sample((-energy).masked_fill(~legal, float("-inf")), generator)
                new = options.gather(2, choice[..., None, None].expand(-1, -1, 1, m)).view(b, -1)
                self.energy.place(cache, sites.view(b, -1), new)
                x.scatter_(1, sites.view(b, -1), new)
                done += gc * m


class MixedMoves(BlockMoves):
    """Block heat bath where a perm group's fillings are listed, shuffles where they are
    not: groups marked `keep` (BoolTensor[P, Gp], too many fillings to list) hold their
    state through the block pass (their fillings table holds one placeholder row), then
    m-site shuffles run over every group some problem keeps, `rounds` times its sites.
    Both passes are exact heat-bath kernels for exp(-beta E) on the same states (every
    group a permutation within the mask), so their composition is too."""

    def __init__(self, energy, perm_groups, perm_classes, fillings, real, keep, device,
                 m: int = 5, rounds: float = 1.0):
        super().__init__(energy, perm_groups, perm_classes, fillings, real, device)
        self.all_keep = keep.to(device)
        kept = self.all_keep.any(0)
        listed = kept.cpu()  # the classes stay on the CPU (a device mask cannot index them)
        classes = [c[listed[c]] for c in perm_classes]
        classes = [c for c in classes if len(c)]
        self.shuffles = ShuffleMoves(energy, perm_groups, classes, device, m) if classes else None
        if self.shuffles is not None:
            self.shuffles.n_sites = int(rounds * kept.sum()) * perm_groups.shape[1]

    def fresh(self, mask, owner, generator):
        """Listed groups: a uniformly drawn filling; kept ones: a random permutation."""
        x = super().fresh(mask, owner, generator)
        keep = self.all_keep[owner]  # [B, Gp]
        if keep.any():
            perm = random_permutations(mask[owner] == 0, self.perm_groups, generator)
            site_keep = keep[:, :, None].expand(-1, -1, self.perm_groups.shape[1])
            where = self.perm_groups.reshape(-1)
            x[:, where] = torch.where(site_keep.reshape(len(x), -1), perm[:, where], x[:, where])
        return x

    def _tables(self, owner):
        alive = self.alive
        tables = super()._tables(owner)
        if alive is not self.alive:
            self.keep = self.all_keep[self.alive]
        return tables

    def _held(self, x, sites, new, cls, owner):
        """Kept groups keep their current values (sites LongTensor[B, Gc*K])."""
        # chains are problem-major, C per live problem (no device sync to find the rows)
        keep = self.keep[:, cls].repeat_interleave(len(x) // len(self.keep), 0)  # [B, Gc]
        keep = keep.repeat_interleave(self.perm_groups.shape[1], 1)
        return torch.where(keep, x.gather(1, sites), new)

    def sweep(self, x, cache, beta, owner, mask, generator):
        super().sweep(x, cache, beta, owner, mask, generator)
        if self.shuffles is not None:
            self.shuffles.sweep(x, cache, beta, owner, mask, generator)
