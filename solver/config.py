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


@dataclass(frozen=True)
class ColonyConfig:
    """How constructive chains choose and learn; defaults from the ACS code's settings."""

    ants: int = 10  # constructions per round (the field is updated once a round)
    greedy: float = 0.1  # share of choices that take the highest-field candidate
    rho: float = 0.9  # weight of the best construction's deposit in the field update
    evaporation: float = 0.005  # per-round decay of the best construction's deposit
    local: float = 0.1  # pull of each choice's field entry back toward tau0
    learn: bool = True  # False: every construction draws from the prior alone
    restart: int = 0  # rounds without a better best construction before the field starts
    # afresh (0: never)

    def __post_init__(self):
        if self.ants < 1 or not (0 <= self.greedy <= 1 and 0 <= self.rho <= 1
                                 and 0 <= self.evaporation < 1 and 0 <= self.local <= 1):
            raise ValueError("ants >= 1 and greedy, rho, local in [0, 1], evaporation in [0, 1)")
