"""The Glauber pipeline's settings and their choices. No torch here, so the CLI reads its
defaults from these dataclasses without importing it; `encoders.pipeline.GlauberSolver`
is these settings plus the work."""

from __future__ import annotations

from dataclasses import dataclass, field

from puzzles.base import PROPAGATION
from solver.config import ColonyConfig, SamplerConfig

ENERGIES = ("penalty", "lm", "lm+penalty")  # what the moves follow (see solver.weighted.WeightedSum)
INITS = ("uniform", "lm")  # where chains start and restart: uniform draws, or LM unmasking
SEARCHES = ("construct", "anneal")  # constructive chains + repair, or annealed random starts
DEVICES = ("auto", "cpu", "cuda")  # auto: CUDA when present, else the CPU; also cuda:N
DEVICE_FORMS = "auto, cpu, cuda or cuda:N"  # how messages list them


def is_device_name(name: str) -> bool:
    """Is `name` a device setting's form (one of DEVICES, cuda:N, or cpu:0, torch's own
    name for the CPU)? Whether the device is present is `encoders.pipeline.resolve_device`'s
    check."""
    kind, colon, index = name.partition(":")
    return name in DEVICES or name == "cpu:0" or (kind == "cuda" and bool(colon)
                                                  and index.isdigit())


@dataclass
class GlauberOptions:
    """Settings of the Glauber pipeline; the defaults are the CLI's."""

    config: SamplerConfig = field(default_factory=SamplerConfig)
    search: str = "construct"  # one of SEARCHES (construct: measured best, docs/hard_band.md)
    colony: ColonyConfig = field(default_factory=ColonyConfig)  # construct: how constructions
    # choose and learn
    repair_every: int = 0  # construct: rounds between Glauber repairs (0: only when a complete
    # construction breaks a clue propagation does not read; measured: docs/hard_band.md)
    repair_sweeps: int = 20  # construct: sweeps of one repair
    propagate: str = "full"  # hard-mask propagation, one of PROPAGATION
    device: str = "auto"  # one of DEVICES, or cuda:N
    seed: int = 0  # same seed, same device, same puzzles: same answers
    batch_size: int = 512  # puzzles per batch (chains = batch_size * config.chains)
    fill_cap: int = 4096  # block moves only where each perm group has at most this many fillings
    fill_budget: int = 24_000  # block-move batches: puzzles x largest filling count
    group_form: str = "pairs"  # all-different penalty: pairs or excess
    energy: str = "penalty"  # one of ENERGIES
    init: str = "uniform"  # one of INITS (lm: the model's own unmasking of the puzzle)
    lm_weight: float = 1.0  # weight of the LM term in the moves
    lm_refresh: int = 1  # sweeps between LM forward passes (conditionals reused in between)
    lm_fade: int = 0  # sweeps over which a chain's LM weight fades to 0 (0: constant)
    penalty_weight: float = 1.0  # weight of the penalty in the moves (lm+penalty)
    model: str | None = None  # LM directory; None: the default model shipped for the board
    name: str = "glauber"

    def __post_init__(self):
        if self.energy not in ENERGIES:
            raise ValueError(f"energy must be one of {', '.join(ENERGIES)}")
        if self.search not in SEARCHES:
            raise ValueError(f"search must be one of {', '.join(SEARCHES)}")
        if self.init not in INITS:
            raise ValueError(f"init must be one of {', '.join(INITS)}")
        if self.propagate not in PROPAGATION:
            raise ValueError(f"propagate must be one of {PROPAGATION}")
