"""Annealing schedules: inverse temperature beta as a function of a chain's age in sweeps.

Each chain has its own age (sweeps since it started or was last restarted), so a
restarted chain anneals again from the start while the others carry on.

The module imports no torch (the CLI reads the defaults here); the methods work on the
tensors they are given, and `ladder` imports torch when it is called.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

SCHEDULES = ("tempering", "geometric", "linear", "constant")


@dataclass(frozen=True)
class AnnealSchedule:
    """Inverse temperature by chain age, or a tempering ladder across chains."""

    kind: str = "tempering"  # tempering: no annealing, a fixed geometric ladder
    # beta_start..beta_end across the chains of a problem, with replica exchange between
    # neighbouring rungs every sweep; geometric: equal ratios per sweep; linear; constant
    # (beta_end)
    beta_start: float = 1.0  # hot enough to leave the random start freely
    beta_end: float = 6.0  # cold enough that a single violated pair is rarely accepted
    sweeps: int = 150  # sweeps from beta_start to beta_end; constant afterwards

    def __post_init__(self):
        if self.kind not in SCHEDULES:
            raise ValueError(f"schedule kind must be one of {SCHEDULES}")
        if self.beta_start <= 0 or self.beta_end <= 0 or self.sweeps < 1:
            raise ValueError("betas must be positive and sweeps >= 1")

    def ladder(self, chains: int, device=None) -> torch.Tensor:
        """Tempering rungs, hottest first: FloatTensor[chains]."""
        import torch  # noqa: PLC0415 (see the module docstring)
        t = torch.linspace(0.0, 1.0, chains, device=device) if chains > 1 else torch.ones(1, device=device)
        return self.beta_start * (self.beta_end / self.beta_start) ** t

    def beta(self, age: torch.Tensor) -> torch.Tensor:
        """Inverse temperature per chain: age LongTensor[B] -> FloatTensor[B]."""
        if self.kind in ("constant", "tempering"):
            return age.float().new_full(age.shape, self.beta_end)
        t = (age.float() / self.sweeps).clamp(max=1.0)
        if self.kind == "linear":
            return self.beta_start + (self.beta_end - self.beta_start) * t
        return self.beta_start * (self.beta_end / self.beta_start) ** t
