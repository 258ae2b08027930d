"""`GlauberSolver`: puzzles -> encode -> anneal on a device -> decode, behind the common
solve signature of `harness.solving` (so it is verified and benchmarked like any solver).

Puzzles with the same structure (same board shape) share batches: their chains run side
by side in one tensor, and each puzzle leaves the batch as soon as one of its chains
reaches zero energy.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Sequence

import torch

from encoders import lm
from encoders.construction import ConstructiveSearch, term_prior
from encoders.encoded import Encoded, stack_fillings
from encoders.options import DEVICE_FORMS, GlauberOptions, is_device_name
from puzzles.base import Attempt
from puzzles.errors import BeyondModel, ConfigError
from puzzles.kinds import encoder
from solver.energy import PenaltyEnergy
from solver.glauber import GlauberSampler
from solver.interfaces import Energy
from solver.observers import Observer, Relay
from solver.weighted import WeightedSum
from solver.moves import batch_bytes


def resolve_device(device: str | torch.device) -> torch.device:
    """The torch device a device setting names, checked against this machine: `auto`
    (CUDA when present, else the CPU), `cpu`, `cuda` (the current CUDA device) or `cuda:N`
    (CUDA device N). ConfigError (a ValueError) naming the device for any other name, for CUDA where
    there is none, and for an N past the CUDA devices present. The one place device
    names are read (`GlauberSolver` checks its own at construction)."""
    name = str(device)
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name in ("cpu", "cpu:0"):  # cpu:0: torch's own name for it (solver.tracing's
        return torch.device(name)  # simulated second device)
    if not is_device_name(name):
        raise ConfigError(f"{{device}} {name}: unknown device (use {DEVICE_FORMS})")
    if not torch.cuda.is_available():
        raise ConfigError(f"{{device}} {name}: no CUDA device is available (use {{device}} cpu "
                          "or auto)")
    present = torch.cuda.device_count()
    _, colon, index = name.partition(":")
    if colon and int(index) >= present:
        raise ConfigError(f"{{device}} {name}: no such CUDA device ({present} present: "
                         f"cuda:0 to cuda:{present - 1})")
    return torch.device(name)


@dataclass
class GlauberSolver(GlauberOptions):
    """The Glauber solver for Sudoku and Zebra puzzles: encode, search (constructive chains
    one puzzle at a time, or chains annealed side by side on a device), decode. The
    energy is the penalty, an LM energy or their weighted sum (`GlauberOptions.energy`),
    plus any `terms` of your own (`solver.interfaces.Energy`). Settings and their
    defaults: `encoders.options.GlauberOptions`; the Python API: docs/api.md."""

    memory_budget: int | None = None  # anneal: bytes a batch may hold on the device (puzzles
    # x chains, estimated by solver.moves.batch_bytes); None: half the free CUDA memory, or
    # 2 GiB on the CPU
    terms: Sequence[tuple[float, Energy]] = ()  # (weight, term) pairs added to the penalty
    # in the moves (anneal) or read as the field's prior, p ** weight (construct), beside
    # the LM of `energy`; a term sees every chain's state LongTensor[B, N] (site and value
    # indices of `encoders.Encoded`), the penalty still decides what is solved
    _classes: dict = field(default_factory=dict, init=False, repr=False)
    _models: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self):
        super().__post_init__()
        resolve_device(self.device)  # an unknown or absent device fails here, not mid-solve

    def _lm_term(self, members, device):
        """The LM term for a batch (model loaded once per directory)."""
        first = members[0][1]
        path = self._model_path(first)
        if path not in self._models:
            if self.model is None and not path.exists():
                raise ConfigError(lm.missing_model(first.meta["kind"], first.meta["structure"]))
            self._models[path] = lm.load(path, device)
        model, card = self._models[path]
        if self.init == "lm" and card["arch"] != "mlm":
            raise ConfigError("{init} lm needs a masked LM (a model trained by `glauber train "
                              "--arch mlm`)")
        return lm.lm_energy(model, card, [enc for _, enc, _ in members], device, self.lm_refresh)

    def _model_path(self, enc: Encoded):
        """The LM directory for a puzzle: --model, else the one shipped for its board."""
        return self.model or lm.default_model_dir(enc.meta["kind"], enc.meta["structure"])

    def _starts(self, term, first: Encoded, device):
        """starts(mask, owner, generator) for the sampler: the LM's unmasking of each
        puzzle (`--init lm`), or None for uniform draws."""
        if self.init != "lm":
            return None
        neighbours = lm.peer_table(first.groups, first.sites).to(device)
        return lambda mask, owner, generator: term.unmask(mask, owner, neighbours, generator)

    @property
    def reads_lm(self) -> bool:
        """Does this solver read a language model: an LM energy, or (annealing) chains
        started by the LM's unmasking (`init="lm"`)?"""
        return self.energy != "penalty" or (self.search == "anneal" and self.init == "lm")

    @property
    def batched(self) -> bool:
        """Do the puzzles of one `solve_many` call share work (annealed side by side in
        batches), or is each answered alone (the constructive search)?"""
        return self.search == "anneal"

    def preflight(self, puzzles) -> None:
        """ConfigError now, before any answer is written, when a language model this
        solver reads is missing or made for another board or kind (give one puzzle per
        board). The model is loaded here, once (the solver keeps it). A puzzle a model
        cannot read on its own (more houses than it was made for: BeyondModel) is left to
        fail alone, as it does when solved. Runs the check its batches make."""
        if not self.reads_lm:
            return
        device = resolve_device(self.device)
        for puzzle in puzzles:
            enc = encoder(puzzle.kind, self.propagate).encode(puzzle)
            try:
                self._lm_term([(0, enc, None)], device)  # loads the model, checks the board
            except BeyondModel:
                continue

    def solve(self, puzzle) -> Attempt:
        """One puzzle's Attempt, UNVERIFIED: its solution is the sampler's zero-energy
        state, not yet checked by the puzzle's verifier. `harness.solving.solve(solver,
        puzzle)` (or `glauber.solve`) returns the verified Outcome (`solve_all` for many
        puzzles)."""
        return self.solve_many([puzzle])[0]

    def solve_many(self, puzzles, observer: Observer | None = None) -> list[Attempt]:
        """Attempts (unverified; `harness.solving.solve_all` verifies) in input order. The
        observer (`solver.observers.Observer`) hears `finished(k)` as k more puzzles
        finish, `result(i, attempt)` as puzzle i's attempt is ready (batch by batch, not in
        input order), `status(sweep, lowest energy)` within a batch at most every 0.2 s,
        and `sweep(sweep, puzzles, energies)` with every chain's energy (indices into
        `puzzles`)."""
        observer = observer or Observer()
        device = resolve_device(self.device)
        generator = torch.Generator(device=device).manual_seed(self.seed)
        attempts: list[Attempt | None] = [None] * len(puzzles)
        batches: dict[tuple, list[tuple[int, Encoded, object]]] = {}
        for i, puzzle in enumerate(puzzles):
            start = time.perf_counter()
            enc = encoder(puzzle.kind, self.propagate).encode(puzzle)
            if not enc.is_consistent():
                attempts[i] = Attempt(None, time.perf_counter() - start,
                                      "no solution (propagation found a contradiction)")
            elif self.search == "construct":  # one puzzle at a time, answered at once
                attempts[i] = self._construct(puzzle, enc, device, generator,
                                              Relay(observer, [i]))
            else:
                key, fills = self._batch_key(enc)
                batches.setdefault(key, []).append((i, enc, fills))
                continue
            observer.finished(1)
            observer.result(i, attempts[i])
        for (_, move), members in batches.items():
            for batch in self._split(members, move, device):
                # each batch its own stream, one draw of the solver's: a batch takes as many
                # draws as sweeps run before the host sees it finished, which depends on
                # the machine's speed and must not move the next batch's draws
                fork = int(torch.randint(2**62, (1,), generator=generator, device=device))
                self._run_batch(puzzles, batch, move, device,
                                torch.Generator(device=device).manual_seed(fork), attempts,
                                Relay(observer, [i for i, _, _ in batch]))
                for i, _, _ in batch:
                    observer.result(i, attempts[i])
        return attempts  # type: ignore[return-value]

    def _batch_key(self, enc: Encoded) -> tuple[tuple, tuple | None]:
        """(the batch an annealed puzzle joins, its fillings): block moves on the
        groups whose fillings fit the cap, shuffles of a few cells on the others (all of
        them: plain shuffle moves); swaps where pair factors make the block energy
        non-linear."""
        move, fills = self.config.move, None
        if move == "block" and enc.pair_sites is None:
            fills = enc.mixed_fillings(self.fill_cap)  # listed once
            if fills is None:
                move = "shuffle"
            elif fills[2].any():
                move = "block+shuffle"
            else:
                fills = fills[:2]
        elif move == "block":
            move = "swap"
        return (enc.structure_key, move), fills

    def _construct(self, puzzle, enc: Encoded, device, generator, observer: Observer) -> Attempt:
        """Constructive chains and Glauber repair on one puzzle (`encoders.construction`)."""
        terms = list(self.terms)
        if self.reads_lm:
            try:
                terms.append((self.lm_weight, self._lm_term([(0, enc, None)], device)))
            except BeyondModel as e:
                return Attempt(None, 0.0, str(e))
        prior = term_prior(terms, enc, device) if terms else None
        search = ConstructiveSearch(self.config, self.colony, device, self.repair_every,
                                    self.repair_sweeps, self.group_form)
        found, best, stats = search.solve(enc, generator, prior, observer)
        stats.update(sweeps=stats["rounds"] + stats["repair_sweeps"], search="construct",
                     ants=self.colony.ants, device=str(device), energy_terms=self.energy)
        decode = encoder(puzzle.kind, self.propagate).decode
        if found is not None:
            return Attempt(decode(puzzle, found), stats["seconds"], None, stats)
        if best is not None:
            stats["best"] = decode(puzzle, best).to_json()
        return Attempt(None, stats["seconds"],
                       f"not solved within the budget ({stats['rounds']} rounds, "
                       f"{stats['seconds']:.1f} s; lowest energy {stats['energy']:g})", stats)

    def _colourings(self, enc: Encoded, move: str):
        """(site colour classes, perm-group classes), only the one `move` needs. Cached per
        structure: every 9x9 Sudoku shares one; a Zebra puzzle is its own structure, so
        the cache is kept small."""
        key = (enc.structure_key, move == "site")  # every other move reads group classes
        if key not in self._classes:
            if len(self._classes) >= 16:
                self._classes.clear()
            self._classes[key] = ((enc.colour_classes(), None) if move == "site"
                                  else ([], enc.perm_group_classes()))
        return self._classes[key]

    def _budget(self, device) -> int:
        """Bytes a batch may hold: memory_budget, else half the free CUDA memory now, else
        2 GiB (the CPU)."""
        if self.memory_budget is not None:
            return self.memory_budget
        if torch.device(device).type == "cuda":
            return torch.cuda.mem_get_info(device)[0] // 2
        return 2 << 30

    def _split(self, members, move, device="cpu"):
        """Batches of at most batch_size puzzles whose estimated memory fits the budget
        (`_budget`; a puzzle too big alone still runs, alone); block-move batches also keep
        puzzles x fillings under fill_budget (members sorted by their filling count)."""
        first = members[0][1]
        block = move in ("block", "block+shuffle")
        sites, groups = self._colourings(first, move)
        largest = max((len(c) for c in (sites if move == "site" else groups)), default=1)
        budget = self._budget(device)

        def fits(count: int, width: int) -> bool:
            return batch_bytes(move, count, self.config.chains, first.sites, first.values,
                               first.groups.shape[0],
                               0 if first.perm_groups is None else first.perm_groups.shape[0],
                               largest, width, self.config.shuffle) <= budget

        width = (lambda m: m[2][0].shape[1]) if block else (lambda m: 0)
        if block:
            members = sorted(members, key=width)
        batches, current = [], []
        for m in members:
            if current and (len(current) == self.batch_size
                            or (block and (len(current) + 1) * width(m) > self.fill_budget)
                            or not fits(len(current) + 1, width(m))):
                batches.append(current)
                current = []
            current.append(m)
        return batches + [current]

    def _run_batch(self, puzzles, members, move, device, generator, attempts,
                   observer: Observer):
        """Anneal one batch; the observer hears problems by their place in `members`."""
        first = members[0][1]
        energy: Energy = PenaltyEnergy.from_encoded(first, device, group_form=self.group_form)
        try:
            term = (self._lm_term(members, device)
                    if self.reads_lm else None)
        except BeyondModel as e:
            for i, _, _ in members:
                attempts[i] = Attempt(None, 0.0, str(e))
            observer.finished(len(members))
            return
        terms = list(self.terms)
        if term is not None and self.energy != "penalty":
            terms.append((self.lm_weight, term))
        if terms:
            energy = WeightedSum(energy, 0.0 if self.energy == "lm" else self.penalty_weight,
                                 terms, fade=self.lm_fade)
        sites, groups = self._colourings(first, move)
        fillings = stack_fillings([f for _, _, f in members]) if move in ("block", "block+shuffle") else None
        config = replace(self.config, move=move.split("+")[0])
        sampler = GlauberSampler(energy, sites, config, device, first.perm_groups, groups, fillings,
                                 starts=self._starts(term, first, device))
        allowed = torch.stack([enc.allowed for _, enc, _ in members])
        result = sampler.run(allowed, generator, observer)
        for j, (i, _, _) in enumerate(members):
            puzzle = puzzles[i]
            stats = {"search": "anneal", "sweeps": int(result.sweeps[j]), "chains": config.chains, "move": move,
                     "energy": float(result.energies[j]), "restarts": int(result.restarts[j]),
                     "site_updates": int(result.site_updates[j]), "device": str(device),
                     "energy_terms": self.energy, "init": self.init}
            state = encoder(puzzle.kind, self.propagate).decode(puzzle, result.states[j])
            if result.solved[j]:
                attempts[i] = Attempt(state, float(result.seconds[j]), None, stats)
            else:
                # the lowest-energy state, for reports' cell accuracy (never called solved)
                stats["best"] = state.to_json()
                attempts[i] = Attempt(None, float(result.seconds[j]),
                                      f"not solved within the budget ({stats['sweeps']} sweeps, "
                                      f"{float(result.seconds[j]):.1f} s; lowest energy "
                                      f"{stats['energy']:g})", stats)
