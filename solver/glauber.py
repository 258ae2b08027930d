"""The Glauber sampler: annealed heat-bath dynamics over many chains of many problems.

All P problems of a batch share one energy structure (same sites, groups and factors)
and differ in their hard masks `allowed` (givens and propagation). Each problem runs C
chains, so the state is x: LongTensor[B = P*C, N]. One sweep touches every site about
once, by one of the move kernels of `solver.moves`:

- `site` moves in `chromatic` order: one colour class at a time, every site of the class
  in every chain at once (exact: the sites of a class share no factor); `sweep`: one
  site at a time in index order; `random`: one uniformly drawn site per chain per step;
- `swap` moves: value exchanges inside permutation groups (Kawasaki dynamics);
- `shuffle` moves: m sites of a permutation group reordered from their exact conditional;
- `block` moves: whole permutation groups redrawn from their exact conditional.

A problem stops as soon as one of its chains reaches zero energy (its chains leave the
batch); a chain whose best energy has not improved for `patience` sweeps restarts from a
fresh random state and anneals again. Hard constraints are a projection: disallowed
values get -inf before sampling, so a clamped site (one allowed value) never changes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import torch

from solver.config import SamplerConfig
from solver.energy import Energy
from solver.moves import BlockMoves, MixedMoves, ShuffleMoves, SiteMoves, SwapMoves, hard_mask


@dataclass(frozen=True)
class SampleResult:
    """Per problem: the best state found and how it was found."""

    states: torch.Tensor  # LongTensor[P, N]: zero-energy state if solved, else lowest energy
    energies: torch.Tensor  # FloatTensor[P]
    solved: torch.Tensor  # BoolTensor[P]: some chain reached zero energy
    sweeps: torch.Tensor  # LongTensor[P]: sweeps run until solved (or until stopped)
    seconds: torch.Tensor  # FloatTensor[P]: wall time until solved (or until stopped)
    restarts: torch.Tensor  # LongTensor[P]: chain restarts
    site_updates: torch.Tensor  # LongTensor[P]: heat-bath site updates of each problem


class GlauberSampler:
    """Anneals batches of problems that share `energy`'s structure.

    colour_classes: site sets sharing no factor (LongTensor[S] each), for site moves;
    perm_groups LongTensor[Gp, V] and perm_classes (LongTensor[Gc] indices into it, groups
    sharing no factor), for swap and block moves; fillings (LongTensor[P, Gp, F, K],
    BoolTensor[P, Gp, F]) from `Encoded.block_fillings`, for block moves, or with a third
    BoolTensor[P, Gp] of groups too loose to list (`Encoded.mixed_fillings`: those are
    shuffled, the rest redrawn whole). starts(mask
    FloatTensor[P, N, V], owner LongTensor[B], generator) -> LongTensor[B, N] draws the
    states chains start and restart from (default: uniform over the allowed values, or
    over the allowed fillings for perm-group moves), e.g. a language model's unmasking.
    """

    report_every = 0.2  # seconds between `run`'s on_sweep reports

    def __init__(self, energy: Energy, colour_classes: list[torch.Tensor],
                 config: SamplerConfig = SamplerConfig(), device="cpu",
                 perm_groups: torch.Tensor | None = None,
                 perm_classes: list[torch.Tensor] | None = None, fillings=None, starts=None):
        self.energy, self.config, self.device = energy, config, torch.device(device)
        if config.move != "site" and (perm_groups is None or perm_classes is None):
            raise ValueError(f"{config.move} moves need perm_groups and perm_classes")
        if config.move == "block" and fillings is None:
            raise ValueError("block moves need the fillings of every perm group")
        if config.move == "site":
            self.moves = SiteMoves(energy, colour_classes, config.order, self.device)
        elif config.move == "swap":
            self.moves = SwapMoves(energy, perm_groups, perm_classes, self.device)
        elif config.move == "shuffle":
            self.moves = ShuffleMoves(energy, perm_groups, perm_classes, self.device, config.shuffle)
        elif len(fillings) == 3:  # (values, real, keep): kept groups are shuffled instead
            self.moves = MixedMoves(energy, perm_groups, perm_classes, *fillings, self.device,
                                    config.shuffle)
        else:
            self.moves = BlockMoves(energy, perm_groups, perm_classes, *fillings, self.device)
        self.n_sites = self.moves.n_sites
        self.fresh = starts or self.moves.fresh

    def sample(self, allowed: torch.Tensor, generator: torch.Generator, sweeps: int,
               beta: float) -> torch.Tensor:
        """Plain Gibbs sampling at a fixed inverse temperature: every chain's state after
        `sweeps` sweeps from a random start (no early stop, restarts or exchanges).
        allowed BoolTensor[P, N, V] -> LongTensor[P, C, N]."""
        p, n, _ = allowed.shape
        c = self.config.chains
        mask = hard_mask(allowed, self.device)
        owner = torch.arange(p, device=self.device).repeat_interleave(c)
        self._bind(owner)
        x = self.fresh(mask, owner, generator)
        cache = self.energy.prepare(x)
        betas = torch.full((p * c,), float(beta), device=self.device)
        ages = hasattr(self.energy, "at_age")  # e.g. reused LM conditionals age per sweep
        age = torch.zeros(p * c, dtype=torch.long, device=self.device)
        for _ in range(sweeps):
            if ages:
                self.energy.at_age(age)
            self.moves.sweep(x, cache, betas, owner, mask, generator)
            age += 1
        return x.view(p, c, n).cpu()

    def run(self, allowed: torch.Tensor, generator: torch.Generator, on_done=None,
            on_sweep=None) -> SampleResult:
        """Anneal P problems. allowed: BoolTensor[P, N, V]; on_done(k) is called as k
        problems finish (progress); on_sweep(sweep, lowest energy) at most every
        `report_every` seconds (reading the minimum is a device sync)."""
        cfg = self.config
        start = time.perf_counter()  # the budget includes drawing the starts (LM unmasking)
        p, n, v = allowed.shape
        c = cfg.chains
        mask = hard_mask(allowed, self.device)
        owner = torch.arange(p, device=self.device).repeat_interleave(c)  # problem of each chain
        self._bind(owner)
        x = self.fresh(mask, owner, generator)
        cache = self.energy.prepare(x)
        age = torch.zeros(p * c, dtype=torch.long, device=self.device)
        best = torch.full((p * c,), float("inf"), device=self.device)
        since = torch.zeros(p * c, dtype=torch.long, device=self.device)

        out_states = torch.zeros(p, n, dtype=torch.long, device=self.device)
        out_energy = torch.full((p,), float("inf"), device=self.device)
        out_solved = torch.zeros(p, dtype=torch.bool, device=self.device)
        out_sweeps = torch.zeros(p, dtype=torch.long)
        out_seconds = torch.zeros(p)
        out_restarts = torch.zeros(p, dtype=torch.long)
        active = torch.ones(p, dtype=torch.bool)
        out_updates = torch.zeros(p, dtype=torch.long, device=self.device)  # no sync per sweep
        tempering = cfg.schedule.kind == "tempering"
        ladder = cfg.schedule.ladder(c, self.device)
        sweep, reported = 0, 0.0
        while True:
            energy = self.energy.energy(x, cache)
            self._record(owner, x, energy, out_states, out_energy, out_solved)
            elapsed = time.perf_counter() - start
            if on_sweep is not None and elapsed - reported >= self.report_every and energy.numel():
                reported = elapsed
                on_sweep(sweep, float(energy.min()))
            finished = out_solved.cpu() & active
            if sweep >= cfg.sweeps or elapsed >= cfg.time_limit:
                finished = active.clone()
            if finished.any():
                idx = finished.nonzero().squeeze(1)
                out_sweeps[idx], out_seconds[idx] = sweep, elapsed
                active &= ~finished
                if on_done:
                    on_done(int(finished.sum()))
                keep = (~finished.to(self.device))[owner].nonzero().squeeze(1)
                x, owner, age, best, since = x[keep], owner[keep], age[keep], best[keep], since[keep]
                cache = self.energy.select(cache, keep)
                energy = energy[keep]
                self._bind(owner)
            if not active.any():
                break
            if tempering:
                perm = self._exchange(energy.view(-1, c), ladder, sweep, generator)
                x, age, best, since, energy = x[perm], age[perm], best[perm], since[perm], energy[perm]
                cache = self.energy.select(cache, perm)
            # restarts: chains stuck for `patience` sweeps start afresh (checked every
            # 10 sweeps, so that fresh states are drawn in batches)
            improved = energy < best - cfg.tolerance
            best = torch.where(improved, energy, best)
            since = torch.where(improved, 0, since + 1)
            if cfg.patience and sweep % 10 == 0:
                stuck = (since >= cfg.patience).nonzero().squeeze(1)
                if len(stuck):
                    x[stuck] = self.fresh(mask, owner[stuck], generator)
                    age[stuck], since[stuck] = 0, 0
                    best[stuck] = float("inf")
                    out_restarts.index_add_(0, owner[stuck].cpu(), torch.ones(len(stuck), dtype=torch.long))
                    cache = self.energy.prepare(x)
            beta = ladder.repeat(len(x) // c) if tempering else cfg.schedule.beta(age)
            if hasattr(self.energy, "at_age"):
                self.energy.at_age(age)  # terms whose weight changes as a chain ages
            self.moves.sweep(x, cache, beta, owner, mask, generator)
            out_updates += torch.bincount(owner, minlength=p) * self.n_sites
            age += 1
            sweep += 1
        return SampleResult(out_states.cpu(), out_energy.cpu(), out_solved.cpu(), out_sweeps,
                            out_seconds, out_restarts, out_updates.cpu())

    def _bind(self, owner: torch.Tensor):
        """Energies with per-problem inputs (LM token types) learn each chain's problem."""
        if hasattr(self.energy, "bind"):
            self.energy.bind(owner)

    @staticmethod
    def _exchange(energy: torch.Tensor, ladder: torch.Tensor, sweep: int,
                  generator: torch.Generator) -> torch.Tensor:
        """Replica exchange between rungs (k, k+1), k even on even sweeps and odd on odd
        ones, accepted with probability min(1, exp((b_k - b_k+1) (E_k - E_k+1))).
        energy FloatTensor[P, C] -> LongTensor[P*C]: new order of the chains."""
        p, c = energy.shape
        k = torch.arange(sweep % 2, max(c - 1, sweep % 2), 2, device=energy.device)  # none for 1 chain
        perm = torch.arange(p * c, device=energy.device).view(p, c).clone()
        if len(k):
            log_a = (ladder[k] - ladder[k + 1]) * (energy[:, k] - energy[:, k + 1])
            u = torch.rand(log_a.shape, generator=generator, device=energy.device)
            accept = torch.log(u.clamp_min(1e-30)) < log_a
            lo, hi = perm[:, k].clone(), perm[:, k + 1].clone()
            perm[:, k] = torch.where(accept, hi, lo)
            perm[:, k + 1] = torch.where(accept, lo, hi)
        return perm.view(-1)

    def _record(self, owner, x, energy, out_states, out_energy, out_solved):
        """Keep, per problem, the lowest-energy state seen (solved once it reaches zero)."""
        p = out_energy.shape[0]
        low = torch.full((p,), float("inf"), device=x.device).scatter_reduce(
            0, owner, energy, reduce="amin")
        better = low < out_energy
        if better.any():
            # the first chain of each problem that attains its minimum
            hit = (energy == low[owner]) & better[owner]
            first = torch.full((p,), len(owner), device=x.device).scatter_reduce(
                0, owner[hit], hit.nonzero().squeeze(1), reduce="amin")
            prob = better.nonzero().squeeze(1)
            out_states[prob] = x[first[prob]]
            out_energy[prob] = low[prob]
        out_solved |= out_energy <= self.config.tolerance
