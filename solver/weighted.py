"""`WeightedSum`: the penalty energy plus weighted terms (language models, a user's own).

Moves follow w_penalty * penalty + sum_k w_k * term_k; stopping and "best state"
bookkeeping read the penalty alone (zero exactly on solutions), so a term decides which
solution a chain reaches, never what counts as one. Every weight multiplies the inverse
temperature, so w = 1, beta = 2 is the same chain as w = 2, beta = 1; the schedule's
ladder scales all terms at once.
"""

from __future__ import annotations

from typing import Sequence

import torch

from solver.interfaces import BaseEnergy, Energy


class WeightedSum(BaseEnergy):
    """w_penalty * penalty + sum_k w_k * term_k for moves; the penalty alone scores and
    stops chains, also when its weight in the moves is 0 (`--energy lm`). Each term is
    driven through the whole `Energy` protocol: its cache (if any) is held here, beside
    the penalty's, which is the cache the moves pass around (one run at a time).

    fade > 0 anneals the terms: a chain's term weights shrink linearly from w_k at its
    start (or restart) to 0 after `fade` sweeps, so a model guides a chain's descent
    but cannot mislead it late in the run (the sampler reports ages via `at_age`).
    """

    def __init__(self, penalty: Energy, penalty_weight: float,
                 terms: Sequence[tuple[float, Energy]], fade: int = 0):
        self.penalty, self.penalty_weight = penalty, penalty_weight
        self.terms = [(w, e) for w, e in terms if w]
        self.V = penalty.V  # type: ignore[attr-defined]
        self.fade = fade
        self._scale: torch.Tensor | None = None  # FloatTensor[B]: each chain's share of the weights
        self._caches: list = [None] * len(self.terms)

    def at_age(self, age: torch.Tensor) -> None:
        """Sweeps since each chain's (re)start, LongTensor[B], before a sweep."""
        self.penalty.at_age(age)
        for _, e in self.terms:
            e.at_age(age)
        if self.fade:
            self._scale = (1 - age.float() / self.fade).clamp(min=0)

    def bind(self, owner: torch.Tensor) -> None:
        self.penalty.bind(owner)
        for _, e in self.terms:
            e.bind(owner)

    def prepare(self, x: torch.Tensor):
        self._caches = [e.prepare(x) for _, e in self.terms]
        return self.penalty.prepare(x)

    def _sum(self, own, method: str, x: torch.Tensor, *args):
        """penalty_weight * own (when given) + the weighted terms' `method`."""
        total = self.penalty_weight * own if own is not None else 0
        for (w, e), cache in zip(self.terms, self._caches):
            term = w * getattr(e, method)(x, cache, *args)
            if self._scale is not None:
                term = term * self._scale.view(-1, *([1] * (term.dim() - 1)))
            total = total + term
        return total

    def logits(self, x, cache, sites):
        own = self.penalty.logits(x, cache, sites) if self.penalty_weight else None
        return self._sum(own, "logits", x, sites)

    def swap_delta(self, x, cache, i, j):
        own = self.penalty.swap_delta(x, cache, i, j) if self.penalty_weight else None
        return self._sum(own, "swap_delta", x, i, j)

    def lift(self, x, cache, sites):
        terms = self._sum(None, "lift", x, sites) if self.terms else 0
        own = self.penalty.lift(x, cache, sites)  # also takes the block out of the counts
        return terms + self.penalty_weight * own

    def commit(self, x, cache, sites, new):
        for (_, e), own in zip(self.terms, self._caches):
            e.commit(x, own, sites, new)
        self.penalty.commit(x, cache, sites, new)

    def place(self, cache, sites, new):
        for (_, e), own in zip(self.terms, self._caches):
            e.place(own, sites, new)
        self.penalty.place(cache, sites, new)

    def energy(self, x, cache):
        return self.penalty.energy(x, cache)

    def select(self, cache, keep):
        self._caches = [e.select(own, keep) for (_, e), own in zip(self.terms, self._caches)]
        return self.penalty.select(cache, keep)
