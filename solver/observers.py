"""What an observer of a run receives (`Observer`, no-op by default) and `Relay`, which
passes a batch's events on under the caller's indices. No torch at import: the harness
and the CLI's light commands import this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch


class Observer:
    """Receives a run's progress and results (in the spirit of thrml's AbstractObserver):
    every method is a no-op here; subclass and override what you need. One observer
    serves the sampler (`GlauberSampler.run`), the solver (`GlauberSolver.solve_many`)
    and the harness.

    `sweep` is called at every sweep with device tensors: reading them (`float`, `.cpu()`)
    makes the host wait for the device, so an observer that only keeps them (`clone`)
    costs no sync; `status` comes at most every `report_every` seconds with a value
    already read."""

    def listens(self, event: str) -> bool:
        """Does this observer act on `event` ("sweep" or "status")? Runs skip the work of
        an event nobody listens to (a status report reads a device value). By default:
        whether the class overrides that method."""
        return getattr(type(self), event) is not getattr(Observer, event)

    def sweep(self, sweep: int, problems: list[int], energies: torch.Tensor) -> None:
        """Before sweep `sweep`: energies FloatTensor[P', C] of the C chains of each
        problem still in the run (`problems`: their indices, among the solver's puzzles
        or the sampler's problems); a problem solved at an earlier sweep reads NaN until
        the run drops it. The constructive search reports every round, a chain per
        construction: the sites it left empty (NaN: not run, the round had finished)."""

    def status(self, sweep: int, lowest: float) -> None:
        """For progress bars, at most every few tenths of a second: the lowest energy of a
        live chain (the constructive search: rounds so far and the sites still open)."""

    def finished(self, count: int) -> None:
        """`count` more problems are finished (solved or out of budget)."""

    def result(self, index: int, attempt) -> None:
        """Problem `index`'s attempt is ready (`GlauberSolver`: batch by batch, not in
        input order; the harness verifies it after)."""

    def outcome(self, index: int, outcome) -> None:
        """Puzzle `index`'s verified outcome (`harness.solving.solve_all`): in input order,
        as soon as it and every puzzle before it are answered (or as ready, unordered)."""


class Hooks(Observer):
    """An observer from plain functions, for the events given (the others are no-ops and
    not listened to): `Hooks(finished=bar.update, outcome=write)`."""

    def __init__(self, sweep=None, status=None, finished=None, result=None, outcome=None):
        self.hooks = {name: hook for name, hook in (
            ("sweep", sweep), ("status", status), ("finished", finished), ("result", result),
            ("outcome", outcome)) if hook is not None}

    def listens(self, event: str) -> bool:
        return event in self.hooks

    def sweep(self, sweep: int, problems: list[int], energies: torch.Tensor) -> None:
        if "sweep" in self.hooks:
            self.hooks["sweep"](sweep, problems, energies)

    def status(self, sweep: int, lowest: float) -> None:
        if "status" in self.hooks:
            self.hooks["status"](sweep, lowest)

    def finished(self, count: int) -> None:
        if "finished" in self.hooks:
            self.hooks["finished"](count)

    def result(self, index: int, attempt) -> None:
        if "result" in self.hooks:
            self.hooks["result"](index, attempt)

    def outcome(self, index: int, outcome) -> None:
        if "outcome" in self.hooks:
            self.hooks["outcome"](index, outcome)


class Relay(Observer):
    """Passes events on to `inner` with problem indices mapped through `index` (a batch's
    problems -> the caller's puzzles)."""

    def __init__(self, inner: Observer, index: list[int]):
        self.inner, self.index = inner, index

    def listens(self, event: str) -> bool:
        return self.inner.listens(event)

    def sweep(self, sweep: int, problems: list[int], energies: torch.Tensor) -> None:
        self.inner.sweep(sweep, [self.index[k] for k in problems], energies)

    def status(self, sweep: int, lowest: float) -> None:
        self.inner.status(sweep, lowest)

    def finished(self, count: int) -> None:
        self.inner.finished(count)

    def result(self, index: int, attempt) -> None:
        self.inner.result(self.index[index], attempt)

    def outcome(self, index: int, outcome) -> None:
        self.inner.outcome(self.index[index], outcome)
