"""The constructive search of `GlauberSolver` (`--search construct`, the default): for one
puzzle, rounds of constructive chains (`solver.construct.Colony`: sites filled in turn
from a learned field, propagation after every choice), and a short Glauber repair under
the exact penalty where a complete construction breaks a clue propagation does not read
(and, with `repair_every`, of the best partial construction every so many rounds).

The field's prior is uniform, or the product of terms' readings of the puzzle
(`term_prior`: a language model's conditionals with `--energy lm` or `lm+penalty`,
`p(v | puzzle) ** lm_weight`, masked or causal; a user's terms likewise): the LM's first
job is a
prior where a wrong guess costs little, since propagation and the learned field correct
it (a masked LM inside exact moves made hard Sudoku worse: README, Ablation).

The repair: the best construction's empty sites (no candidate was left for them) are
filled at random within the hard mask, and `chains` copies anneal for `repair_sweeps`
sweeps with the configured moves; zero energy there is a solution too. Every answer is
checked by the penalty here and by the exact verifier above.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Sequence

import torch

from encoders.encoded import Encoded
from encoders.options import GlauberOptions
from solver.config import ColonyConfig
from solver.construct import Colony, Structure, domains, warm_up
from solver.energy import PenaltyEnergy
from solver.glauber import GlauberSampler
from solver.interfaces import Energy
from solver.observers import Observer

ROUNDS_PER_CALL = 20  # rounds per compiled call: a fixed number, so answers do not depend on timing


def term_prior(terms: Sequence[tuple[float, Energy]], enc: Encoded, device) -> torch.Tensor:
    """prod_k p_k(v | puzzle) ** w_k per site: each term's `prior` reading of the puzzle
    (an LM's: its open sites masked), FloatTensor[N, V] (CPU)."""
    open_sites = (enc.allowed.sum(1) != 1).unsqueeze(0).to(device)
    x = enc.allowed.float().argmax(1).unsqueeze(0).to(device)
    owner = torch.zeros(1, dtype=torch.long, device=device)
    total = torch.zeros(enc.allowed.shape)
    with torch.inference_mode():
        for weight, term in terms:
            if not weight:  # as WeightedSum drops it (and 0 * -inf would poison the field)
                continue
            term.bind(owner)
            total += weight * term.prior(x, open_sites)[0].float().cpu()
    return torch.exp(total)


class ConstructiveSearch:
    """Constructive chains plus Glauber repair for one puzzle at a time. config: the
    sampler's settings (chains, sweeps = the round budget, time_limit per puzzle, moves of
    the repair); colony: how constructions choose and learn; repair_every: rounds between
    repairs (0: never); repair_sweeps: sweeps of each repair."""

    def __init__(self, config, colony: ColonyConfig, device,
                 repair_every: int = GlauberOptions.repair_every,
                 repair_sweeps: int = GlauberOptions.repair_sweeps,
                 group_form: str = GlauberOptions.group_form):
        self.config, self.colony, self.device = config, colony, torch.device(device)
        self.repair_every, self.repair_sweeps, self.group_form = repair_every, repair_sweeps, group_form
        warm_up()  # before any puzzle's clock starts

    def solve(self, enc: Encoded, generator: torch.Generator, prior: torch.Tensor | None = None,
              observer: Observer | None = None
              ) -> tuple[torch.Tensor | None, torch.Tensor | None, dict]:
        """(solution state LongTensor[N] or None, the best state found (None when no
        round ran), statistics). The observer hears, after each kernel call, `status(rounds,
        sites still open)` and, for each of its rounds, `sweep(round, [0], energies)` with
        one chain per construction (ant): FloatTensor[1, ants], the sites it left empty
        (zero: complete; NaN for the ants a complete round did not run)."""
        observer = observer or Observer()
        start = time.perf_counter()
        cfg = self.config
        structure = Structure.from_encoded(enc)
        colony = Colony(structure, domains(enc.allowed, enc.unary), self.colony, prior)
        penalty = PenaltyEnergy.from_encoded(enc, group_form=self.group_form)
        seed = int(torch.randint(2**31 - 1, (1,), generator=generator, device=generator.device))
        fills = torch.Generator().manual_seed(seed)  # empty sites are filled on the CPU
        # the repair's own stream: how many draws a repair takes depends on when the host
        # sees it finish, which must not move the next puzzle's draws
        repairs = torch.Generator(device=generator.device).manual_seed(seed + 2**32)
        stats: dict = {"rounds": 0, "constructions": 0, "repairs": 0, "repair_sweeps": 0}
        best_state, best_energy, found = None, float("inf"), None
        calls = 0
        while True:
            elapsed = time.perf_counter() - start
            if colony.rounds >= cfg.sweeps or elapsed >= cfg.time_limit:
                break
            complete = colony.run(min(ROUNDS_PER_CALL, cfg.sweeps - colony.rounds), seed + calls)
            calls += 1
            observer.status(colony.rounds, enc.sites - colony.fixed)
            state = self._filled(colony.state, enc, fills)
            energy = float(penalty.energy(state.unsqueeze(0), penalty.prepare(state.unsqueeze(0)))[0])
            if energy < best_energy:
                best_state, best_energy = state, energy
            if observer.listens("sweep"):
                first = colony.rounds - len(colony.left)
                for k, row in enumerate(colony.left):
                    energies = torch.from_numpy(row).float().unsqueeze(0)
                    observer.sweep(first + k, [0], energies.masked_fill(energies < 0, float("nan")))
            if complete and energy <= cfg.tolerance:
                found = state
                break
            due = self.repair_every and colony.rounds // self.repair_every > stats["repairs"]
            if complete or due:  # a complete construction that breaks an unpropagated clue, or time
                stats["repairs"] += 1
                repaired, energy, sweeps = self._repair(enc, colony.state, repairs, fills,
                                                        cfg.time_limit - elapsed)
                stats["repair_sweeps"] += sweeps
                if energy < best_energy:
                    best_state, best_energy = repaired, energy
                if energy <= cfg.tolerance:
                    found = repaired
                    break
        stats.update(rounds=colony.rounds, constructions=colony.constructions,
                     restarts=colony.restarts, fixed=colony.fixed, energy=best_energy,
                     seconds=time.perf_counter() - start)
        return found, best_state, stats

    def _filled(self, state: torch.Tensor, enc: Encoded, generator) -> torch.Tensor:
        """state LongTensor[N] (-1 where empty) with empty sites drawn uniformly within
        the hard mask."""
        empty = state < 0
        if not empty.any():
            return state
        weights = enc.allowed[empty].float()
        draws = torch.multinomial(weights, 1, generator=generator).squeeze(1)
        return state.masked_scatter(empty, draws)

    def _repair(self, enc: Encoded, state: torch.Tensor, generator, fill_gen, seconds: float):
        """Anneal `chains` copies of the construction (empty sites filled afresh in each)
        under the penalty: (best state LongTensor[N], its energy, sweeps run)."""
        cfg = self.config
        move = cfg.move
        if move == "block":  # block moves need each group's fillings listed: shuffle instead
            move = "swap" if enc.pair_sites is not None else "shuffle"  # (swap: pair factors)
        config = replace(cfg, move=move, sweeps=self.repair_sweeps, patience=0,
                         time_limit=max(seconds, 1e-3))
        energy = PenaltyEnergy.from_encoded(enc, self.device, group_form=self.group_form)
        classes = enc.colour_classes() if move == "site" else []
        groups = None if move == "site" else enc.perm_group_classes()

        def starts(mask, owner, gen):
            rows = [self._filled(state, enc, fill_gen) for _ in range(len(owner))]
            return torch.stack(rows).to(self.device)

        sampler = GlauberSampler(energy, classes, config, self.device, enc.perm_groups, groups,
                                 starts=starts)
        result = sampler.run(enc.allowed.unsqueeze(0), generator)
        return result.states[0], float(result.energies[0]), int(result.sweeps[0])


