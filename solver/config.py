"""The sampler's settings. No torch here, so the CLI reads its defaults from these
dataclasses without importing it."""

from __future__ import annotations

from dataclasses import dataclass, field

from solver.schedule import AnnealSchedule

ORDERS = ("chromatic", "sweep", "random")
MOVES = ("block", "shuffle", "swap", "site")


@dataclass(frozen=True)
class SamplerConfig:
    """How the sampler runs: chains, budgets, the move kernel, the schedule and restarts.
    The defaults are the CLI's (`glauber solve --help`)."""

    chains: int = 32  # chains per problem
    sweeps: int = 100_000  # sweep budget per problem (construct: rounds); time_limit usually ends first
    time_limit: float = 30.0  # wall-clock budget per batch, seconds
    order: str = "chromatic"  # site update order, one of ORDERS (site moves)
    move: str = "block"  # site: single-site heat bath; swap: exchange two sites of a perm
    # group; shuffle: reorder `shuffle` sites of a perm group from their exact conditional;
    # block: redraw a whole perm group from its exact conditional
    shuffle: int = 5  # sites per shuffle move (m! orders scored at once)
    schedule: AnnealSchedule = field(default_factory=AnnealSchedule)
    patience: int = 30  # sweeps without a new best energy before a chain restarts (0: never)
    tolerance: float = 1e-6  # energy at or below which a chain counts as solved

    def __post_init__(self):
        if self.order not in ORDERS:
            raise ValueError(f"order must be one of {ORDERS}")
        if self.move not in MOVES:
            raise ValueError(f"move must be one of {MOVES}")
        if self.chains < 1 or self.sweeps < 0 or self.time_limit <= 0:
            raise ValueError("chains >= 1, sweeps >= 0 and time_limit > 0 required")
