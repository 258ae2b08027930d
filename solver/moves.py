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

Shapes: B chains (P problems x C chains, problem-major), N sites, V values. A kernel is
built once for a batch's tables, then `bind(mask, chains, ids)` prepares everything a
sweep reads for the problems now running (ids LongTensor[P]: their rows in the tables
given at construction; None: all of them), once per batch and again when the sampler
drops finished problems. `fresh(generator)` draws start states and `sweep(x, cache,
beta, generator)` runs one sweep; neither makes the host wait for the device (no value
read back, no data-dependent shape), so k sweeps queue on a GPU without a stall and have
static shapes between two binds. Host work (matchings, widths) happens in `bind`.
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import torch

from solver.permutations import draw_permutations, fallback_permutations, random_permutations  # noqa: F401


def hard_mask(allowed: torch.Tensor, device=None) -> torch.Tensor:
    """The additive form of a hard mask: FloatTensor of allowed's shape, 0 where allowed,
    -inf elsewhere (added to logits, so a forbidden value is never drawn)."""
    return torch.zeros(allowed.shape, device=device).masked_fill_(~allowed.to(device), float("-inf"))


def gumbel_sample(logits: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """One draw from softmax(logits) along the last axis (Gumbel-max; -inf never drawn)."""
    u = torch.rand(logits.shape, generator=generator, device=logits.device)
    return (logits - torch.log(-torch.log(u.clamp(1e-20, 1 - 1e-7)))).argmax(-1)


def _draw(logits: torch.Tensor, generator: torch.Generator, device, inplace: bool = False) -> torch.Tensor:
    """`categorical_sample` keeping the last axis: LongTensor[..., 1]; `inplace` uses
    logits (a scratch tensor then) as the CDF's memory."""
    top = logits.amax(-1, keepdim=True)
    cdf = (logits.sub_(top) if inplace else logits - top).exp_().cumsum_(-1)
    u = torch.rand(cdf.shape[:-1] + (1,), generator=generator, device=device).mul_(cdf[..., -1:])
    return torch.searchsorted(cdf, u, right=True).clamp_(max=cdf.shape[-1] - 1)


def categorical_sample(logits: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """One draw from softmax(logits) along the last axis by inverting its CDF: one uniform
    and one exp per entry, about 3x faster than `gumbel_sample` on the long rows of block
    moves. Every row needs a finite entry (-inf never drawn)."""
    return _draw(logits, generator, logits.device).squeeze(-1)


def _uniform(count: torch.Tensor, chains: int, generator, device) -> torch.Tensor:
    """count FloatTensor[..., F]: cumulative counts of the options (0/1 steps) -> for
    each of `chains` draws, an option uniformly: LongTensor[..., chains]."""
    total = count[..., -1:]
    u = (torch.rand(*count.shape[:-1], chains, generator=generator, device=device) * total).floor_()
    return torch.searchsorted(count, torch.minimum(u, total - 1), right=True)  # the k-th option


def batch_bytes(move: str, problems: int, chains: int, n: int, v: int, groups: int,
                perm_groups: int = 0, class_groups: int = 0, fillings: int = 0,
                shuffle: int = 5) -> int:
    """A generous estimate of the memory a batch of `problems` x `chains` holds at its
    peak (state, counts, a sweep's temporaries, start draws, the block tables): move one
    of site, swap, shuffle, block, block+shuffle; n sites, v values, `groups` all-different
    groups; perm_groups of v sites, at most `class_groups` of them updated at once (site
    moves: the sites of the largest colour class); `fillings` the longest filling list
    (block moves). Calibrated against
    `solver.tracing.MemoryPeak` (tests/test_sampler_host.py)."""
    k = v
    chain = 8 * n + 4 * (groups + 1) * v + 64  # x, counts, per-chain scalars
    problem = 8 * n * v  # hard mask (and its comparisons)
    if move == "site":  # starts (a number per site), a class's logits and noise
        chain += 24 * n + 24 * class_groups * v + 64 * v
        problem += 8 * n * v  # cumulative counts of allowed values
    else:  # permutation starts: greedy attempts (2) over every group
        chain += 2 * perm_groups * k * 24 + 2 * perm_groups * v * 8
        chain += 40 * class_groups * k * v  # a class's costs, counts and proposals
        problem += perm_groups * k * (2 * v + 9 * (6 * v + 24))  # options; fallbacks (9 tries)
    if move in ("shuffle", "block+shuffle"):
        orders = 1
        for m in range(2, min(shuffle, k) + 1):
            orders *= m
        chain += class_groups * orders * min(shuffle, k) * 24
    if move in ("block", "block+shuffle"):
        slots = k * v  # at most; about a third after propagation
        chain += class_groups * (8 * fillings + 4 * slots)  # scores of every filling, one class
        problem += perm_groups * fillings * (4 * slots + k + 16)  # one-hot, fillings, masks
    return problems * (problem + chains * chain)


class SiteMoves:
    """Single-site heat bath in `chromatic`, `sweep` or `random` order."""

    def __init__(self, energy, colour_classes: list[torch.Tensor], order: str, device):
        self.energy, self.order, self.device = energy, order, device
        self.classes = [c.to(device) for c in colour_classes]
        self.n_sites = int(sum(len(c) for c in colour_classes))

    def bind(self, mask: torch.Tensor, chains: int, ids: torch.Tensor | None = None):
        p, n, v = mask.shape
        b = p * chains
        self.p, self.c, self.b, self.n, self.v, self.mask = p, chains, b, n, v, mask
        if self.order == "chromatic":  # every chain the same sites: one expanded row each
            self.blocks = [(cls.expand(b, -1), mask[:, cls].unsqueeze(1)) for cls in self.classes]
        elif self.order == "sweep":
            site = torch.arange(self.n_sites, device=self.device)
            self.blocks = [(site[s:s + 1].expand(b, 1), mask[:, s:s + 1].unsqueeze(1))
                           for s in range(self.n_sites)]
        else:  # random: each chain its own site; masks read per chain from the problem's
            self.flat = mask.view(p, 1, n * v).expand(p, chains, n * v)
            self.values = torch.arange(v, device=self.device)
        self.count = (mask == 0).float().cumsum(-1)  # [P, N, V]: allowed values so far

    def fresh(self, generator) -> torch.Tensor:
        """Uniform allowed values: LongTensor[B, N] (the k-th allowed value of each site, k
        uniform: one number per site and chain, none per value)."""
        return _uniform(self.count, self.c, generator, self.device).transpose(1, 2).reshape(self.b, self.n)

    def _blocks(self, generator):
        if self.order != "random":
            return self.blocks
        sites = torch.randint(self.n_sites, (self.n_sites, self.b, 1), generator=generator,
                              device=self.device)
        out = []
        for s in sites.unbind(0):  # [B, 1]
            m = self.flat.gather(2, (s.view(self.p, self.c, 1) * self.v + self.values))
            out.append((s, m.unsqueeze(2)))  # [P, C, 1, V]
        return out

    def sweep(self, x, cache, beta, generator):
        beta = beta.view(-1, 1, 1)
        for sites, m in self._blocks(generator):
            logits = (self.energy.logits(x, cache, sites) * beta).view(self.p, self.c, -1, self.v) + m
            new = gumbel_sample(logits, generator).view(self.b, -1)
            self.energy.commit(x, cache, sites, new)
            x.scatter_(1, sites, new)


def _schedule(sizes: list[int], target: float) -> list[int]:
    """Class indices in the order a sweep visits them: whole passes over the classes until
    `target` updates (class k contributes sizes[k] per visit)."""
    order, done = [], 0
    while done < target:
        for k, size in enumerate(sizes):
            order.append(k)
            done += size
    return order


class SwapMoves:
    """Pair exchanges inside permutation groups; one swap per group of a class at once."""

    def __init__(self, energy, perm_groups: torch.Tensor, perm_classes: list[torch.Tensor], device):
        self.energy, self.device = energy, device
        self.perm_groups = perm_groups.to(device)
        self.classes = [self.perm_groups[c.to(device)] for c in perm_classes]  # [Gc, K] each
        self.cols = [torch.arange(len(c), device=device) for c in perm_classes]
        self.n_sites = perm_groups.numel()
        self.order = _schedule([len(c) for c in perm_classes], self.n_sites / 2)
        # x[:, inverse] puts the groups' values (row-major over perm_groups) on their sites
        self.inverse = torch.argsort(self.perm_groups.reshape(-1))

    def bind(self, mask: torch.Tensor, chains: int, ids: torch.Tensor | None = None):
        p, n, v = mask.shape
        gp, k = self.perm_groups.shape
        self.p, self.c, self.b, self.n, self.v = p, chains, p * chains, n, v
        allowed = mask == 0
        self.allowed = allowed.view(p, 1, n * v).expand(p, chains, n * v)  # read per chain
        self.allowed_p = allowed
        # start draws: options of every (problem, group), the row of each chain's group,
        # and one valid filling per (problem, group) found here on the host (matching)
        self.options = allowed[:, self.perm_groups].reshape(p * gp, k, v)
        self.rows = (torch.arange(p, device=self.device)[:, None, None] * gp
                     + torch.arange(gp, device=self.device)).expand(p, chains, gp).reshape(-1)
        self.fallback = fallback_permutations(self.options)

    def _permutations(self, generator) -> torch.Tensor:
        """Every group of every chain a random permutation within the mask: [B, N]."""
        values = draw_permutations(self.options, self.rows, generator, self.fallback)
        return values.view(self.b, -1)[:, self.inverse]

    def fresh(self, generator) -> torch.Tensor:
        """Random valid permutations of every group within the hard mask."""
        return self._permutations(generator)

    def sweep(self, x, cache, beta, generator):
        """N/2 proposals per chain; pairs that would break the hard mask stay put."""
        b, p, c, v = self.b, self.p, self.c, self.v
        beta = beta[:, None]
        for t in self.order:
            groups, col = self.classes[t], self.cols[t]  # [Gc, K]
            gc, k = groups.shape
            u = torch.randint(k, (b, gc), generator=generator, device=self.device)
            w = torch.randint(k - 1, (b, gc), generator=generator, device=self.device)
            w += w >= u  # a uniformly drawn second position, different from u
            i, j = groups[col, u], groups[col, w]
            a, cv = x.gather(1, i), x.gather(1, j)
            at = torch.cat([i * v + cv, j * v + a], 1).view(p, c, 2 * gc)
            legal = self.allowed.gather(2, at).view(b, 2, gc).all(1)
            delta = self.energy.swap_delta(x, cache, i, j)
            coin = torch.rand(b, gc, generator=generator, device=self.device)
            accept = legal & (coin < torch.sigmoid(-beta * delta))
            sites = torch.cat([i, j], 1)
            new = torch.cat([torch.where(accept, cv, a), torch.where(accept, a, cv)], 1)
            self.energy.commit(x, cache, sites, new)
            x.scatter_(1, sites, new)


class ShuffleMoves(SwapMoves):
    """Heat bath over every rearrangement of m uniformly drawn sites of a perm group: the
    m! orders of their current values (those the hard mask allows), drawn from their
    exact conditional. Swaps are the case m = 2; block moves the case m = K. The drawn
    set is the same from every state it contains, so the move is exact."""

    def __init__(self, energy, perm_groups, perm_classes, device, m: int = 5):
        super().__init__(energy, perm_groups, perm_classes, device)
        self.m = min(m, perm_groups.shape[1])
        self.orders = torch.tensor(list(itertools.permutations(range(self.m))), device=device)  # [m!, m]
        self._sizes = [len(c) * self.m for c in perm_classes]
        self.order = _schedule(self._sizes, self.n_sites)

    @property
    def n_sites(self):
        return self._n_sites

    @n_sites.setter
    def n_sites(self, value):  # the sweep's length follows (MixedMoves sets it)
        self._n_sites = value
        if hasattr(self, "_sizes"):
            self.order = _schedule(self._sizes, value)

    def bind(self, mask, chains, ids=None):
        super().bind(mask, chains, ids)
        self.problem = torch.arange(self.p, device=self.device).repeat_interleave(chains)[:, None, None, None]

    def sweep(self, x, cache, beta, generator):
        """About N/m rearrangements per chain."""
        b, m = self.b, self.m
        for t in self.order:
            groups, col = self.classes[t], self.cols[t]  # [Gc, K]
            gc, k = groups.shape
            pick = torch.rand(b, gc, k, generator=generator, device=self.device).argsort(-1)[..., :m]
            sites = groups[col[:, None], pick].view(b, -1)  # [B, Gc*m]
            current = x.gather(1, sites).view(b, gc, m)
            options = current[:, :, self.orders]  # [B, Gc, m!, m]
            where = sites.view(b, gc, 1, m).expand_as(options)
            legal = self.allowed_p[self.problem, where, options].all(-1)  # [B, Gc, m!]
            cost = self.energy.lift(x, cache, sites) * beta[:, None, None]
            cost = cost.view(b, gc, 1, m, -1).expand(-1, -1, options.shape[2], -1, -1)
            energy = cost.gather(-1, options.unsqueeze(-1)).squeeze(-1).sum(-1)  # [B, Gc, m!]
            choice = _draw(energy.neg_().masked_fill_(~legal, float("-inf")), generator, self.device,
                           inplace=True)
            new = options.gather(2, choice[..., None].expand(-1, -1, 1, m)).view(b, -1)
            self.energy.place(cache, sites, new)
            x.scatter_(1, sites, new)


class BlockMoves:
    """Exact heat bath over whole permutation groups.

    fillings LongTensor[P, Gp, F, K]: the values of group g's K sites in filling f of
    problem p; real BoolTensor[P, Gp, F] marks real fillings (the rest is padding).

    Per class of groups (Gc groups, Fc fillings up to its last real one), built once:
    the fillings (uint8 when V <= 256), each filling as a one-hot over the L (site k,
    value) pairs some real filling of its group uses (L ~ K*V/3 after propagation), so a
    filling's energy is a matrix product with those entries of the [K * V] cost table,
    and the 0 / -inf mask of real fillings.
    """

    def __init__(self, energy, perm_groups, perm_classes, fillings, real, device):
        self.energy, self.device = energy, device
        self.perm_groups = perm_groups.to(device)
        self.n_sites = perm_groups.numel()
        self.inverse = torch.argsort(self.perm_groups.reshape(-1))
        v = energy.V
        fillings, real = fillings.to(device), real.to(device)
        p, gp, f, k = fillings.shape
        small = torch.uint8 if v <= 256 else torch.long
        # slots LongTensor[P, Gp, L] index the [K * V] cost table; onehot FloatTensor[P, Gp, L, F]
        flat = fillings + torch.arange(k, device=device) * v  # k*V + value
        used = torch.zeros(p, gp, k * v, dtype=torch.long, device=device)
        used = used.scatter_add_(2, flat.flatten(2), real[..., None].expand_as(flat).flatten(2).long()) > 0
        width = max(int(used.sum(-1).max()), 1)
        slots = torch.sort(used.float(), dim=-1, descending=True, stable=True).indices[..., :width]
        inverse = torch.zeros_like(used, dtype=torch.long).scatter_(
            2, slots, torch.arange(width, device=device).expand_as(slots))
        where = inverse.gather(2, flat.flatten(2)).view(flat.shape).transpose(-1, -2)  # [P, Gp, K, F]
        logmask = torch.zeros(real.shape, device=device).masked_fill_(~real, float("-inf"))
        self.tables0 = []
        for cls in perm_classes:
            cls = cls.to(device)
            # a class scores its fillings only up to its last real one (padding after it
            # is never drawn)
            w = int(real[:, cls].flatten(0, 1).any(0).nonzero().max()) + 1
            onehot = torch.zeros(p, len(cls), width, w, device=device)
            onehot.scatter_(2, where[:, cls, :, :w], 1.0)
            self.tables0.append(SimpleNamespace(
                groups=cls, sites=self.perm_groups[cls].reshape(-1), gc=len(cls),
                fill=fillings[:, cls, :w].to(small), onehot=onehot, slots=slots[:, cls],
                logmask=logmask[:, cls, :w].unsqueeze(2)))
        # uniform start draws: the cumulative count of real fillings of each group
        self.fill0, self.count0 = fillings.to(small), real.float().cumsum(-1)

    def bind(self, mask: torch.Tensor, chains: int, ids: torch.Tensor | None = None):
        p = mask.shape[0]
        b = p * chains
        self.p, self.c, self.b, self.n = p, chains, b, mask.shape[1]
        if ids is None and p != self.fill0.shape[0]:  # the first p problems of the tables
            ids = torch.arange(p, device=self.device)
        pick = (lambda t: t) if ids is None else (lambda t: t[ids])
        k = self.perm_groups.shape[1]
        self.tables = []
        for t in self.tables0:
            self.tables.append(SimpleNamespace(
                sites=t.sites.expand(b, -1), gc=t.gc,
                fill=pick(t.fill).unsqueeze(1).expand(-1, chains, -1, -1, -1),  # [P, C, Gc, F, K]
                onehot=pick(t.onehot),
                slots=pick(t.slots).unsqueeze(2).expand(-1, -1, chains, -1),  # [P, Gc, C, L]
                logmask=pick(t.logmask), k=k))
        self.fill, self.count = pick(self.fill0), pick(self.count0)

    def fresh(self, generator) -> torch.Tensor:
        """A uniformly drawn real filling of every group: LongTensor[B, N]."""
        pick = _uniform(self.count, self.c, generator, self.device)  # [P, Gp, C]
        k = self.fill.shape[-1]
        values = self.fill.gather(2, pick.unsqueeze(-1).expand(-1, -1, -1, k))  # [P, Gp, C, K]
        return values.transpose(1, 2).reshape(self.b, -1).long()[:, self.inverse]

    def sweep(self, x, cache, beta, generator):
        p, c, b = self.p, self.c, self.b
        beta = beta.view(-1, 1, 1)
        for t in self.tables:
            cost = self.energy.lift(x, cache, t.sites) * beta  # [B, Gc*K, V]
            cost = cost.view(p, c, t.gc, -1).transpose(1, 2)  # [P, Gc, C, K*V]
            energy = cost.gather(3, t.slots) @ t.onehot  # [P, Gc, C, F]
            logits = torch.sub(t.logmask, energy, out=energy)  # in place: one [P, Gc, C, F] buffer
            pick = _draw(logits, generator, self.device, inplace=True)  # [P, Gc, C, 1]
            pick = pick.transpose(1, 2).unsqueeze(-1).expand(-1, -1, -1, -1, t.k)  # [P, C, Gc, 1, K]
            new = t.fill.gather(3, pick).view(b, -1).long()
            new = self._held(x, t, new)
            self.energy.place(cache, t.sites, new)
            x.scatter_(1, t.sites, new)

    def _held(self, x, table, new):
        """The values the class's sites take: every drawn filling (MixedMoves keeps some)."""
        return new


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
        keep = keep.to(device)
        self.keep0 = keep
        listed = keep.any(0).cpu()  # the classes stay on the CPU (a device mask cannot index them)
        classes = [c[listed[c]] for c in perm_classes]
        classes = [c for c in classes if len(c)]
        self.shuffles = ShuffleMoves(energy, perm_groups, classes, device, m) if classes else None
        if self.shuffles is not None:
            self.shuffles.n_sites = int(rounds * int(listed.sum())) * perm_groups.shape[1]
        self.swaps = SwapMoves(energy, perm_groups, perm_classes, device)  # kept groups' starts
        k = perm_groups.shape[1]
        for t in self.tables0:  # kept sites of each class: BoolTensor[P, Gc*K]
            t.keep = keep[:, t.groups].repeat_interleave(k, 1)
        self.site_keep0 = torch.zeros(keep.shape[0], perm_groups.numel(), dtype=torch.bool, device=device)
        self.site_keep0[:, self.perm_groups.reshape(-1)] = keep.repeat_interleave(k, 1)

    def bind(self, mask, chains, ids=None):
        super().bind(mask, chains, ids)
        if ids is None and mask.shape[0] != self.fill0.shape[0]:
            ids = torch.arange(mask.shape[0], device=self.device)
        pick = (lambda t: t) if ids is None else (lambda t: t[ids])
        for t, t0 in zip(self.tables, self.tables0):  # [B, Gc*K]: chains problem-major
            t.keep = pick(t0.keep).repeat_interleave(chains, 0)
        self.site_keep = pick(self.site_keep0).repeat_interleave(chains, 0)  # [B, N]
        self.swaps.bind(mask, chains, ids)
        if self.shuffles is not None:
            self.shuffles.bind(mask, chains, ids)

    def fresh(self, generator):
        """Listed groups: a uniformly drawn filling; kept ones: a random permutation."""
        return torch.where(self.site_keep, self.swaps.fresh(generator), super().fresh(generator))

    def _held(self, x, table, new):
        """Kept groups keep their current values."""
        return torch.where(table.keep, x.gather(1, table.sites), new)

    def sweep(self, x, cache, beta, generator):
        super().sweep(x, cache, beta, generator)
        if self.shuffles is not None:
            self.shuffles.sweep(x, cache, beta, generator)
