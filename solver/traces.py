"""`EnergyTrace`: an observer that keeps every chain's energy at every sweep, per problem.

It keeps the device tensors the sampler hands over (a clone each, no host sync) and
copies them to the host only when asked, so tracing a CUDA run does not stall it; the
memory is a float per chain per sweep (thin it with `every`).
"""

from __future__ import annotations

import torch

from solver.observers import Observer


class EnergyTrace(Observer):
    """Per-sweep, per-chain energies of each problem (the indices the run reports: puzzle
    positions for `GlauberSolver` and `harness.solving.solve_all`, problem rows for
    `GlauberSampler.run`). every k: keep one sweep in k."""

    def __init__(self, every: int = 1):
        if every < 1:
            raise ValueError("every must be at least 1")
        self.every = every
        self._rows: dict[int, list[tuple[int, torch.Tensor]]] = {}

    def sweep(self, sweep: int, problems: list[int], energies: torch.Tensor) -> None:
        if sweep % self.every:
            return
        kept = energies.detach().clone()
        for row, problem in enumerate(problems):
            self._rows.setdefault(problem, []).append((sweep, kept[row]))

    @property
    def problems(self) -> list[int]:
        """The problems traced, in order."""
        return sorted(self._rows)

    def _kept(self, problem: int) -> list[tuple[int, torch.Tensor]]:
        """The problem's rows while it ran: a solved problem's chains read NaN until the
        run drops them, and those rows are left out (read on the CPU here)."""
        if problem not in self._rows:
            raise KeyError(f"problem {problem} was not traced (traced: {self.problems})")
        rows = [(s, e.cpu()) for s, e in self._rows[problem]]
        return [(s, e) for s, e in rows if not bool(torch.isnan(e).all())]

    def sweeps(self, problem: int) -> list[int]:
        """The sweeps recorded for `problem` (until it was solved or the run ended)."""
        return [s for s, _ in self._kept(problem)] if problem in self._rows else []

    def energies(self, problem: int) -> torch.Tensor:
        """FloatTensor[T, C] on the CPU: the energy of each of the problem's C chains at
        each recorded sweep (rows in `sweeps(problem)` order; NaN: a construction a round
        did not run). KeyError if never traced."""
        return torch.stack([e for _, e in self._kept(problem)])
