"""The sampler's declared interfaces: what an energy provides (`Energy`, and `BaseEnergy`
with the optional parts filled in) and what a move kernel provides (`Moves`); what an
observer of a run receives is `solver.observers.Observer`.

Shapes: B chains, N sites, V values, S sites updated at once per chain.

An energy's `logits` are the negative conditional energy of every value at a set of sites
(temperature 1): "compute the conditional" is the energy's job, "sample from it" the move
kernels'. An energy may keep a cache that it updates incrementally as sites change
(`prepare` builds it, `commit` and `place` update it, `select` follows chains that are
dropped or reordered); a term without one returns None from `prepare`.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import torch


@runtime_checkable
class Energy(Protocol):
    """What the sampler and every move kernel call. `PenaltyEnergy`, the language-model
    energies and `WeightedSum` implement it; so must a user's term passed to
    `GlauberSolver(terms=...)` (subclass `BaseEnergy` to write `logits` alone)."""

    def prepare(self, x: torch.Tensor):
        """A cache for states x: LongTensor[B, N] (anything, or None). Called at a run's
        start and whenever chains restart from new states (so per-run memory is dropped)."""

    def logits(self, x: torch.Tensor, cache, sites: torch.Tensor) -> torch.Tensor:
        """-E(x with x_s = v) + const for each site s: FloatTensor[B, S, V].
        sites: LongTensor[B, S], distinct within a row and sharing no factor."""

    def commit(self, x: torch.Tensor, cache, sites: torch.Tensor, new: torch.Tensor) -> None:
        """Update the cache for x[b, sites[b]] := new[b] (called before x changes)."""

    def energy(self, x: torch.Tensor, cache) -> torch.Tensor:
        """Total energy of each chain: FloatTensor[B]. The sampler's stopping rule reads it
        from the whole energy only (`WeightedSum`: the penalty, zero exactly on solutions)."""

    def select(self, cache, keep: torch.Tensor):
        """The cache of the chains `keep` (LongTensor of chain indices, filtered or
        permuted)."""

    def lift(self, x: torch.Tensor, cache, sites: torch.Tensor) -> torch.Tensor:
        """Block moves: take the sites out of the cache (a block of a permutation group is
        redrawn whole) and return each value's cost at each site, FloatTensor[B, S, V]; the
        block's energy is the sum of its sites' costs."""

    def place(self, cache, sites: torch.Tensor, new: torch.Tensor) -> None:
        """Block moves: put the sites back into the cache with their new values."""

    def swap_delta(self, x: torch.Tensor, cache, i: torch.Tensor, j: torch.Tensor) -> torch.Tensor:
        """E(x with x_i and x_j exchanged) - E(x): FloatTensor[B, S]; i, j LongTensor[B, S]."""

    def at_age(self, age: torch.Tensor) -> None:
        """A sweep begins; age LongTensor[B]: sweeps since each chain's start or restart."""

    def bind(self, owner: torch.Tensor) -> None:
        """The problem of each chain, LongTensor[B] (indices into the run's problems); called
        at a run's start and whenever finished problems' chains are dropped."""

    def prior(self, x: torch.Tensor, open_sites: torch.Tensor) -> torch.Tensor:
        """The constructive search's reading: log p(x_s = v) at every site given the puzzle,
        FloatTensor[B, N, V]; x LongTensor[B, N] holds the givens (open sites at their first
        allowed value), open_sites BoolTensor[B, N] marks the sites a solver fills."""


class BaseEnergy:
    """An `Energy` with every optional part filled in: no cache, nothing to update, no
    ages or owners, `lift` = -logits, `swap_delta` and `prior` read off `logits`.
    Subclasses implement `logits` (and `energy` where a total is wanted)."""

    def prepare(self, x: torch.Tensor):
        return None

    def logits(self, x: torch.Tensor, cache, sites: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError(f"{type(self).__name__} must implement logits(x, cache, sites)")

    def commit(self, x: torch.Tensor, cache, sites: torch.Tensor, new: torch.Tensor) -> None:
        pass

    def energy(self, x: torch.Tensor, cache) -> torch.Tensor:
        raise NotImplementedError(f"{type(self).__name__} has no total energy")

    def select(self, cache, keep: torch.Tensor):
        return cache

    def lift(self, x: torch.Tensor, cache, sites: torch.Tensor) -> torch.Tensor:
        return -self.logits(x, cache, sites)

    def place(self, cache, sites: torch.Tensor, new: torch.Tensor) -> None:
        pass

    def swap_delta(self, x: torch.Tensor, cache, i: torch.Tensor, j: torch.Tensor) -> torch.Tensor:
        """From the two sites' conditionals, each read with the other in place: exact for
        energies that are sums of one-site terms; override where sites interact."""
        return exchange_delta(self.logits(x, cache, i), self.logits(x, cache, j),
                              x.gather(1, i), x.gather(1, j))

    def at_age(self, age: torch.Tensor) -> None:
        pass

    def bind(self, owner: torch.Tensor) -> None:
        pass

    def prior(self, x: torch.Tensor, open_sites: torch.Tensor) -> torch.Tensor:
        """Every site's conditional at x, normalised (each read with the rest of x fixed)."""
        sites = torch.arange(x.shape[1], device=x.device).expand(x.shape[0], -1)
        return torch.log_softmax(self.logits(x, self.prepare(x), sites), -1)


def exchange_delta(li: torch.Tensor, lj: torch.Tensor, a: torch.Tensor, c: torch.Tensor
                   ) -> torch.Tensor:
    """dE of moving values a (at i) and c (at j) to j and i, from the two sites'
    conditionals li, lj FloatTensor[B, S, V] (-E + const); a, c LongTensor[B, S]."""
    a, c = a.unsqueeze(-1), c.unsqueeze(-1)
    return ((li.gather(-1, a) - li.gather(-1, c)) + (lj.gather(-1, c) - lj.gather(-1, a))).squeeze(-1)


class Moves(Protocol):
    """A move kernel (`solver.moves`): built for a batch's tables, bound to the problems
    now running, then swept; none of its calls makes the host wait for the device."""

    n_sites: int  # site updates per chain per sweep

    def bind(self, mask: torch.Tensor, chains: int, ids: torch.Tensor | None = None) -> None:
        """Prepare for problems `ids` (LongTensor[P] of the batch's; None: all) with hard
        mask FloatTensor[P, N, V] (0 / -inf) and `chains` chains each."""

    def fresh(self, generator: torch.Generator) -> torch.Tensor:
        """Start states drawn within the mask: LongTensor[B, N]."""

    def sweep(self, x: torch.Tensor, cache, beta: torch.Tensor,
              generator: torch.Generator) -> None:
        """One sweep over every chain, in place; beta FloatTensor[B]."""
