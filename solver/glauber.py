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

A problem is solved as soon as one of its chains reaches zero energy; a chain whose best
energy has not improved for `patience` sweeps restarts from a fresh random state and
anneals again. Hard constraints are a projection: disallowed values get -inf before
sampling, so a clamped site (one allowed value) never changes.

The host never waits for the device inside a run of sweeps. Every sweep's bookkeeping
is branch-free tensor work with static shapes: a problem's `live` flag drops when it is
solved (its lowest-energy state, energy and sweep are recorded with `torch.where`), its
chains keep sweeping but no longer count; restarts replace stuck chains with
`torch.where`; tempering exchanges temperatures, not states (each chain's rung moves, the
states stay put). Every `check_every` sweeps the host reads the live flags (one copy,
non-blocking on CUDA, read a chunk later), reports finished problems, and once no more
than half the batch's problems live, drops the finished ones and binds the kernels'
tables anew (the only shape change).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import SimpleNamespace

import torch

from solver.config import SamplerConfig
from solver.interfaces import Energy, Moves
from solver.observers import Observer
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


@dataclass(frozen=True)
class Samples:
    """Every chain's state after `GlauberSampler.sample`, and its energy."""

    states: torch.Tensor  # LongTensor[P, C, N]
    energies: torch.Tensor | None  # FloatTensor[P, C]: the energy's total (`Energy.energy`;
    # WeightedSum: the penalty), None for an energy without one


class GlauberSampler:
    """Anneals batches of problems that share `energy`'s structure.

    colour_classes: site sets sharing no factor (LongTensor[S] each), for site moves;
    perm_groups LongTensor[Gp, V] and perm_classes (LongTensor[Gc] indices into it, groups
    sharing no factor), for swap and block moves; fillings (LongTensor[P, Gp, F, K],
    BoolTensor[P, Gp, F]) from `Encoded.block_fillings`, for block moves, or with a third
    BoolTensor[P, Gp] of groups too loose to list (`Encoded.mixed_fillings`: those are
    shuffled, the rest redrawn whole). starts(mask FloatTensor[P, N, V], owner
    LongTensor[B], generator) -> LongTensor[B, N] draws the states chains start and
    restart from (default: the kernel's uniform draws within the mask), e.g. a language
    model's unmasking; unlike the kernels' draws it may read values back, so restarts
    with custom starts pick the stuck chains on the host.
    """

    report_every = 0.2  # seconds between `run`'s Observer.status reports
    check_every = 10  # sweeps between host reads of which problems are solved (one copy
    # each; restarts fall every 10 sweeps and exchanges alternate, so every chunk of 10
    # sweeps issues the same calls: one CUDA graph could replay it)
    check_seconds = 0.05  # on the CPU, also read once a chunk took this long (slow sweeps)
    lagged = None  # read each check's flags a chunk later (None: on CUDA, where the copy
    # then overlaps the next chunk; on the CPU the flags are ready at once)

    def __init__(self, energy: Energy, colour_classes: list[torch.Tensor],
                 config: SamplerConfig = SamplerConfig(), device="cpu",
                 perm_groups: torch.Tensor | None = None,
                 perm_classes: list[torch.Tensor] | None = None, fillings=None, starts=None):
        self.energy, self.config, self.device = energy, config, torch.device(device)
        self.perm_groups = perm_groups  # LongTensor[Gp, V] or None (site moves)
        if config.move != "site" and (perm_groups is None or perm_classes is None):
            raise ValueError(f"{config.move} moves need perm_groups and perm_classes")
        if config.move == "block" and fillings is None:
            raise ValueError("block moves need the fillings of every perm group")
        self.moves: Moves
        if config.move == "site":
            self.moves = SiteMoves(energy, colour_classes, config.order, self.device)
        else:
            assert perm_groups is not None and perm_classes is not None  # checked above
            self.moves = self._group_moves(perm_groups, perm_classes, fillings)
        self.n_sites = self.moves.n_sites
        self.starts = starts

    def _group_moves(self, perm_groups: torch.Tensor, perm_classes: list[torch.Tensor],
                     fillings) -> Moves:
        """The kernel of a move over permutation groups: swap, shuffle or block."""
        energy, config = self.energy, self.config
        if config.move == "swap":
            return SwapMoves(energy, perm_groups, perm_classes, self.device)
        if config.move == "shuffle":
            return ShuffleMoves(energy, perm_groups, perm_classes, self.device, config.shuffle)
        if len(fillings) == 3:  # (values, real, keep): kept groups are shuffled instead
            values, real, keep = fillings
            return MixedMoves(energy, perm_groups, perm_classes, values, real, keep,
                              self.device, config.shuffle)
        values, real = fillings
        return BlockMoves(energy, perm_groups, perm_classes, values, real, self.device)

    def _fresh(self, mask: torch.Tensor, owner: torch.Tensor, generator) -> torch.Tensor:
        """Start states of every chain: custom starts (mask of all the run's problems,
        owner: each chain's problem among them) or the bound kernel's draws."""
        if self.starts is None:
            return self.moves.fresh(generator)
        return self.starts(mask, owner, generator).clone()  # an inference tensor (LM) cannot change in place

    def sample(self, allowed: torch.Tensor, generator: torch.Generator, sweeps: int,
               beta: float, start: torch.Tensor | None = None,
               observer: Observer | None = None) -> Samples:
        """Plain Gibbs sampling at a fixed inverse temperature: every chain's state after
        `sweeps` sweeps (no early stop, restarts or exchanges), and its energy. allowed
        BoolTensor[P, N, V]; start LongTensor[P, C, N] or [P, N] (each problem's chains
        from one state), values within `allowed` (default: random starts, or `starts`);
        observer.sweep(k, problems, energies) before each sweep and after the last."""
        p, n, _ = allowed.shape
        c = self.config.chains
        mask = hard_mask(allowed, self.device)
        owner = torch.arange(p, device=self.device).repeat_interleave(c)
        self.moves.bind(mask, c)
        self.energy.bind(owner)
        if start is None:
            x = self._fresh(mask, owner, generator)
        else:
            x = self._start(start, allowed, p, c, n)
        cache = self.energy.prepare(x)
        betas = torch.full((p * c,), float(beta), device=self.device)
        age = torch.zeros(p * c, dtype=torch.long, device=self.device)
        problems = list(range(p))
        observer = observer or Observer()
        traced = observer.listens("sweep")
        for k in range(sweeps):
            if traced:
                observer.sweep(k, problems, self.energy.energy(x, cache).view(p, c))
            self.energy.at_age(age)
            self.moves.sweep(x, cache, betas, generator)
            age += 1
        try:
            energies = self.energy.energy(x, cache).view(p, c)
        except NotImplementedError:  # an energy of logits alone (BaseEnergy)
            return Samples(x.view(p, c, n).cpu(), None)
        if traced:
            observer.sweep(sweeps, problems, energies)
        return Samples(x.view(p, c, n).cpu(), energies.cpu())

    def _start(self, start: torch.Tensor, allowed: torch.Tensor, p: int, c: int, n: int
               ) -> torch.Tensor:
        """Given start states as LongTensor[B, N] on the device, checked against the mask
        and, for moves that keep them, the permutation groups."""
        start = torch.as_tensor(start)
        if start.dtype.is_floating_point or start.dtype.is_complex or start.dtype == torch.bool:
            raise ValueError(f"start states must hold integers (value indices), not {start.dtype}")
        start = start.long()
        if start.shape == (p, n):
            start = start.unsqueeze(1).expand(p, c, n)
        if start.shape != (p, c, n):
            raise ValueError(f"start states must be LongTensor[{p}, {c}, {n}] or [{p}, {n}] "
                             f"(problems, chains, sites), not {list(start.shape)}")
        v = allowed.shape[2]
        if bool(((start < 0) | (start >= v)).any()):
            raise ValueError(f"start states hold values outside 0..{v - 1}")
        ok = allowed.to(start.device).gather(2, start.transpose(1, 2)).transpose(1, 2)
        if not bool(ok.all()):
            raise ValueError("start states hold values their problems' hard masks forbid")
        if self.perm_groups is not None and self.config.move != "site":
            # swaps, shuffles and blocks keep each group a permutation: they must start as one
            held = start.reshape(p * c, n)[:, self.perm_groups.cpu()].sort(-1).values
            if not bool((held == torch.arange(held.shape[-1])).all()):
                raise ValueError(f"{self.config.move} moves keep every permutation group a "
                                 "permutation of the values: start states must hold one in each")
        return start.reshape(p * c, n).to(self.device).clone()

    def run(self, allowed: torch.Tensor, generator: torch.Generator,
            observer: Observer | None = None) -> SampleResult:
        """Anneal P problems. allowed: BoolTensor[P, N, V]. The observer's `finished(k)`
        comes as k problems finish (at the host's checks), `status(sweep, lowest energy)`
        at most every `report_every` seconds (reading the minimum is a device sync), and
        `sweep(sweep, problems, energies)` before every sweep with each running problem's
        chain energies (device tensors: no sync unless the observer reads them)."""
        observer = observer or Observer()
        run = self._setup(allowed, generator, observer)
        p, n, _ = allowed.shape
        c, dev = self.config.chains, self.device
        results = SimpleNamespace(states=torch.zeros(p, n, dtype=torch.long),
                                  energies=torch.full((p,), float("inf")),
                                  solved=torch.zeros(p, dtype=torch.bool),
                                  sweeps=torch.zeros(p, dtype=torch.long),
                                  restarts=torch.zeros(p, dtype=torch.long))
        live_host = [True] * p
        pending = None  # CUDA: the last check's copy, read after the next chunk is queued
        sweep = 0
        while True:
            # chunks end on multiples of check_every (a slow chunk on the CPU may stop
            # early, then the next one ends on the grid again)
            sweep, spent = self._advance(run, sweep, self.check_every - sweep % self.check_every)
            if spent:
                self._collect(run, results)
                if sum(live_host):
                    observer.finished(sum(live_host))
                break
            flags = self._snapshot(run)
            if self.lagged if self.lagged is not None else dev.type == "cuda":
                pending, flags = flags, pending
                if flags is None:
                    continue
            now = self._read(flags)
            done = sum(a and not b for a, b in zip(live_host, now))
            live_host = now
            if done:
                observer.finished(done)
            alive = sum(now)
            if alive == 0:
                self._collect(run, results)
                break
            # compaction changes the random draws' shapes: only on the sweep grid, so that
            # answers do not depend on how fast the machine ran (a slow chunk's read only
            # reports progress)
            if alive <= len(now) / 2 and sweep % self.check_every == 0:
                self._compact(run, results, [k for k, a in enumerate(now) if a])
                live_host = [True] * alive
                pending = None
        stamps = torch.tensor(run.stamps)
        seconds = stamps[results.sweeps.clamp(max=len(stamps) - 1)]
        updates = results.sweeps * c * self.n_sites
        return SampleResult(results.states, results.energies, results.solved, results.sweeps,
                            seconds, results.restarts, updates)

    def _setup(self, allowed: torch.Tensor, generator: torch.Generator, observer: Observer):
        """A run's state: the kernels bound to all P problems, every chain's start, and
        the per-chain and per-problem records (device tensors that later change in place)."""
        cfg = self.config
        start = time.perf_counter()  # the budget includes drawing the starts (LM unmasking)
        p, n, _ = allowed.shape
        c, dev = cfg.chains, self.device
        mask = hard_mask(allowed, dev)
        run = SimpleNamespace(generator=generator, start=start, stamps=[], observer=observer,
                              traced=observer.listens("sweep"),
                              reports=observer.listens("status"),
                              reported=0.0, mask=mask, ids=list(range(p)), p=p)
        self._begin(run, torch.arange(p, device=dev), first=True)
        run.x = self._fresh(mask, run.owner, generator)
        run.cache = self.energy.prepare(run.x)
        b = p * c
        run.age = torch.zeros(b, dtype=torch.long, device=dev)
        run.best = torch.full((b,), float("inf"), device=dev)
        run.since = torch.zeros(b, dtype=torch.long, device=dev)
        run.states = torch.zeros(p, n, dtype=torch.long, device=dev)
        run.low = torch.full((p,), float("inf"), device=dev)
        run.live = torch.ones(p, dtype=torch.bool, device=dev)
        run.sweeps = torch.zeros(p, dtype=torch.long, device=dev)
        run.restarts = torch.zeros(p, dtype=torch.long, device=dev)
        run.counter = torch.zeros((), dtype=torch.long, device=dev)  # the sweep, on the device
        tempering = cfg.schedule.kind == "tempering"
        self.ladder = cfg.schedule.ladder(c, dev)
        if tempering:  # rung r of problem p is held by chain pos[p, r]
            run.pos = torch.arange(c, device=dev).repeat(p, 1)
            run.beta = self.ladder.repeat(p)
            run.rungs = self.ladder.expand(p, c)
            self._pairs = []
            for parity in (0, 1):
                lo = torch.arange(parity, max(c - 1, parity), 2, device=dev)  # none for 1 chain
                self._pairs.append((lo, lo + 1, self.ladder[lo] - self.ladder[lo + 1], len(range(parity, c - 1, 2))))
        return run

    # --- the host's side: binding, checks, compaction -----------------------------------

    def _begin(self, run, ids: torch.Tensor, first: bool = False):
        """Bind the kernels and energy to problems `ids` (LongTensor[P'] of the run's)."""
        c = self.config.chains
        run.owner = ids.repeat_interleave(c)  # each chain's problem among the run's
        self.moves.bind(run.mask if first else run.mask[ids], c, None if first else ids)
        self.energy.bind(run.owner)

    def _snapshot(self, run):
        """The live flags, copied to the host (without waiting on CUDA)."""
        if self.device.type != "cuda":
            return run.live.clone()
        host = torch.empty(run.live.shape, dtype=torch.bool, pin_memory=True)
        host.copy_(run.live, non_blocking=True)
        event = torch.cuda.Event()
        event.record()
        return host, event

    @staticmethod
    def _read(flags) -> list[bool]:
        if isinstance(flags, tuple):
            flags[1].synchronize()
            flags = flags[0]
        return flags.tolist()

    def _collect(self, run, results):
        """Copy the running problems' records to the results (a sync)."""
        ids = torch.tensor(run.ids)
        results.states[ids] = run.states.cpu()
        results.energies[ids] = run.low.cpu()
        results.solved[ids] = ~run.live.cpu()
        results.sweeps[ids] = run.sweeps.cpu()
        results.restarts[ids] = run.restarts.cpu()

    def _compact(self, run, results, keep: list[int]):
        """Drop the finished problems' chains; bind the kernels to the rest."""
        self._collect(run, results)
        c = self.config.chains
        rows = torch.tensor(keep, device=self.device)
        chains = (rows[:, None] * c + torch.arange(c, device=self.device)).view(-1)
        for name in ("x", "age", "best", "since") + (("beta",) if hasattr(run, "pos") else ()):
            setattr(run, name, getattr(run, name)[chains])
        run.cache = self.energy.select(run.cache, chains)
        for name in ("states", "low", "live", "sweeps", "restarts") + (("pos",) if hasattr(run, "pos") else ()):
            setattr(run, name, getattr(run, name)[rows])
        run.ids = [run.ids[k] for k in keep]
        run.p = len(keep)
        if hasattr(run, "rungs"):
            run.rungs = self.ladder.expand(run.p, c)
        self._begin(run, torch.tensor(run.ids, device=self.device))

    # --- the device's side: k sweeps without a host sync --------------------------------

    def _advance(self, run, sweep: int, k: int) -> tuple[int, bool]:
        """Up to k sweeps from `sweep`, recording each state first; (sweep reached, budget
        spent). Nothing here reads a device value (except the observer's status report)."""
        cfg = self.config
        chunk = time.perf_counter()
        for _ in range(k):
            alive = run.live.clone() if run.traced else None  # before this sweep's record
            self._record(run, sweep)
            now = time.perf_counter()
            elapsed = now - run.start
            run.stamps.append(elapsed)
            if alive is not None:  # a problem solved earlier reads NaN until it is dropped
                run.observer.sweep(sweep, run.ids, run.energy.view(run.p, cfg.chains)
                                   .masked_fill(~alive.unsqueeze(1), float("nan")))
            if run.reports and elapsed - run.reported >= self.report_every:
                run.reported = elapsed
                live = run.live.repeat_interleave(cfg.chains)
                lowest = float(run.energy.masked_fill(~live, float("inf")).min())
                run.observer.status(sweep, lowest if lowest < float("inf") else float(run.energy.min()))
            if sweep >= cfg.sweeps or elapsed >= cfg.time_limit:
                return sweep, True
            self._step(run, sweep)
            sweep += 1
            if self.device.type == "cpu" and time.perf_counter() - chunk >= self.check_seconds:
                break
        return sweep, False

    def _record(self, run, sweep: int):
        """Each problem's lowest-energy state so far; solved problems stop living. (State
        tensors change in place, so their addresses hold for a captured CUDA graph.)"""
        c = self.config.chains
        run.energy = energy = self.energy.energy(run.x, run.cache)
        low, arg = energy.view(run.p, c).min(1)
        better = low < run.low
        better &= run.live
        torch.where(better, low, run.low, out=run.low)
        n = run.x.shape[1]
        chosen = run.x.view(run.p, c, n).gather(1, arg.view(-1, 1, 1).expand(-1, 1, n)).view(run.p, n)
        torch.where(better.unsqueeze(1), chosen, run.states, out=run.states)
        torch.where(run.live, run.counter, run.sweeps, out=run.sweeps)
        run.live &= run.low > self.config.tolerance

    def _step(self, run, sweep: int):
        """Exchange, restarts, then one sweep of the move kernel."""
        cfg = self.config
        energy = run.energy
        if hasattr(run, "pos"):
            self._exchange(run, sweep)
        improved = energy < run.best - cfg.tolerance
        torch.where(improved, energy, run.best, out=run.best)
        run.since += 1
        run.since.masked_fill_(improved, 0)
        if cfg.patience and sweep % 10 == 0:  # checked every 10 sweeps: fresh states in batches
            self._restart(run)
        beta = run.beta if hasattr(run, "pos") else cfg.schedule.beta(run.age)
        self.energy.at_age(run.age)  # terms whose weight changes as a chain ages
        self.moves.sweep(run.x, run.cache, beta, run.generator)
        run.age += 1
        run.counter += 1

    def _restart(self, run):
        """Chains stuck for `patience` sweeps start afresh."""
        stuck = run.since >= self.config.patience
        if self.starts is None:  # branch-free: every chain draws, the stuck ones take it
            torch.where(stuck.unsqueeze(1), self.moves.fresh(run.generator), run.x, out=run.x)
        else:  # custom starts may read values back anyway: draw only for the stuck chains
            rows = stuck.nonzero().squeeze(1)
            if not len(rows):
                return
            run.x[rows] = self.starts(run.mask, run.owner[rows], run.generator)
        run.cache.copy_(self.energy.prepare(run.x))
        run.age.masked_fill_(stuck, 0)
        run.since.masked_fill_(stuck, 0)
        run.best.masked_fill_(stuck, float("inf"))
        run.restarts += (stuck.view(run.p, -1) & run.live.unsqueeze(1)).sum(1)

    def _exchange(self, run, sweep: int):
        """Replica exchange between rungs (k, k+1), k even on even sweeps and odd on odd
        ones, accepted with probability min(1, exp((b_k - b_k+1) (E_k - E_k+1))): the two
        chains swap temperatures."""
        lo, hi, gap, count = self._pairs[sweep % 2]
        if not count:
            return
        run.pos.copy_(self.exchange(run.pos, run.energy.view(run.p, -1), lo, hi, gap, run.generator))
        run.beta.view(run.p, -1).scatter_(1, run.pos, run.rungs)

    @staticmethod
    def exchange(pos: torch.Tensor, energy: torch.Tensor, lo: torch.Tensor, hi: torch.Tensor,
                 gap: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """New rung holders: pos LongTensor[P, C] (chain at each rung), energy
        FloatTensor[P, C] (per chain), rungs lo[j] < hi[j] = lo[j] + 1 proposed in pairs,
        gap = beta_lo - beta_hi -> LongTensor[P, C]."""
        a, b = pos.index_select(1, lo), pos.index_select(1, hi)
        log_a = gap * (energy.gather(1, a) - energy.gather(1, b))
        u = torch.rand(log_a.shape, generator=generator, device=pos.device)
        accept = torch.log(u.clamp_min_(1e-30)) < log_a
        pos = pos.index_copy(1, lo, torch.where(accept, b, a))
        return pos.index_copy_(1, hi, torch.where(accept, a, b))

