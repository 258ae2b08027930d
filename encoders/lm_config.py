"""Settings of the Sudoku language models and their training. No torch here, so the CLI
reads its choices and defaults without importing it."""

from __future__ import annotations

from dataclasses import dataclass

ARCHS = ("mlm", "causal")  # BERT-style masked LM; GPT-2-style causal LM of grid given puzzle
ATTENTION = ("graph", "full")  # graph: a cell attends to its constraint-graph neighbours
ZEBRA_TRAIN_MAX = 10  # most houses or attributes trained on: a 10x10 puzzle takes the
# generator ~0.15 s; 99 houses never finish


@dataclass(frozen=True)
class Curriculum:
    """How training examples are drawn: each rate is uniform in [lo, hi] per example."""

    givens: tuple[float, float] = (0.25, 0.7)  # share of cells shown as givens
    masked: tuple[float, float] = (0.0, 0.5)  # share of the other cells masked
    corrupted: tuple[float, float] = (0.0, 0.3)  # share of the other cells corrupted
    box_shuffle: float = 0.7  # share of examples whose corruption permutes within boxes
    pool: int = 1024  # solved grids drawn from SAT before training (then symmetry-augmented)


@dataclass(frozen=True)
class TrainConfig:
    arch: str = "mlm"  # one of ARCHS
    box: tuple[int, int] = (3, 3)  # board the model is for
    steps: int = 1500  # optimizer steps (9x9: about 7 minutes on 2 CPU cores)
    batch: int = 64  # grids per step
    lr: float = 2e-3  # peak learning rate (linear warm-up, cosine decay)
    seed: int = 0  # same seed, same device: the same model
    attention: str = "graph"  # one of ATTENTION
    chain_share: float = 0.0  # share of each batch drawn from recorded penalty-chain states
    hidden: int = 128  # transformer width
    layers: int = 4  # transformer depth
    heads: int = 4  # attention heads
    init_from: str | None = None  # fine-tune this local checkpoint (any masked or causal LM
    # with its tokenizer, or a project model) instead of a new model; arch comes from it

    def __post_init__(self):
        if self.arch not in ARCHS:
            raise ValueError(f"arch must be one of {ARCHS}")
        if self.attention not in ATTENTION:
            raise ValueError(f"attention must be one of {ATTENTION}")
        if not 0 <= self.chain_share <= 1:
            raise ValueError("chain_share must be in [0, 1]")


@dataclass(frozen=True)
class ZebraTrainConfig:
    """Training of the Zebra masked LM on puzzles from the unique generator."""

    houses: tuple[int, int] = (2, 8)  # smallest and largest house counts trained on
    attributes: tuple[int, int] = (2, 8)  # smallest and largest attribute counts
    steps: int = 1500  # optimizer steps
    batch: int = 64  # puzzles per step (one size per step)
    lr: float = 2e-3  # peak learning rate (linear warm-up, cosine decay)
    seed: int = 0  # same seed, same device: the same model
    fresh: int = 4  # new generated puzzles per step (the pool of the step's size grows)
    hard_share: float = 0.25  # share of fresh puzzles worded like published sets
    # (ambiguous mentions, houses by number, distractors: `ZebraGenerator(hard=True)`)
    hidden: int = 128  # transformer width
    layers: int = 6  # transformer depth (entity -> clue -> entity reasoning takes hops)
    heads: int = 4  # attention heads
    init_from: str | None = None  # fine-tune this local checkpoint (any masked or causal LM
    # with its tokenizer) instead of a new model

    def __post_init__(self):
        for name in ("houses", "attributes"):
            lo, hi = getattr(self, name)
            if not 2 <= lo <= hi <= ZEBRA_TRAIN_MAX:
                raise ValueError(f"{name} must be a range lo-hi with "
                                 f"2 <= lo <= hi <= {ZEBRA_TRAIN_MAX}")
        if not 0 <= self.hard_share <= 1:
            raise ValueError("hard_share must be in [0, 1]")
