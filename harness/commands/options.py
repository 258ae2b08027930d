"""The options several `glauber` commands share: the Glauber solver's (`solve`, `bench`,
`report`), `--format` and `--box`. Choices and defaults come from the library's constants
and dataclasses (`SamplerConfig`, `AnnealSchedule`, `GlauberOptions`), so the CLI and the
Python API agree."""

from __future__ import annotations

import click

from encoders.options import DEVICE_FORMS, ENERGIES, INITS, SEARCHES, GlauberOptions, is_device_name
from harness.solvers import CONSTRUCT_SETTINGS, DEFAULT_THREADS, SAMPLER_SETTINGS
from puzzles.base import PROPAGATION
from puzzles.errors import PuzzleError
from puzzles.formats import FORMATS
from puzzles.sudoku.model import parse_box
from solver.config import MOVES, ORDERS, SamplerConfig
from solver.schedule import SCHEDULES, AnnealSchedule

SAMPLER, SCHEDULE, GLAUBER = SamplerConfig(), AnnealSchedule(), GlauberOptions()  # defaults


def parse_box_option(ctx, param, value):
    """`--box 2x3` -> (2, 3); None when not given; a bad shape is a usage error."""
    if value is None:
        return None
    try:
        return parse_box(value)
    except PuzzleError as e:
        raise click.BadParameter(str(e)) from None


def parse_device_option(ctx, param, value):
    """auto, cpu, cuda or cuda:N; whether that device is present is the solver's check."""
    if is_device_name(value):
        return value
    raise click.BadParameter(f"{value!r} is not a device (use {DEVICE_FORMS})")


def sampler_options(command):
    """The Glauber solver's options, shared by `solve`, `bench` and `report` (seed and
    device too); defaults from `SamplerConfig`, `AnnealSchedule` and `GlauberOptions`."""
    options = [
        click.option("--seed", type=int, default=GLAUBER.seed, show_default=True,
                     help="Random seed; the same seed on the same device gives the same answers."),
        click.option("--device", metavar="[auto|cpu|cuda|cuda:N]", default=GLAUBER.device,
                     callback=parse_device_option, show_default=True,
                     help="Torch device for the Glauber solver; auto picks CUDA when present, "
                     "cuda:N the Nth CUDA device."),
        click.option("--search", type=click.Choice(SEARCHES), default=GLAUBER.search,
                     show_default=True, help="construct: constructive chains fill cells in "
                     "turn from a field learned across constructions, propagating after every "
                     "choice, with short Glauber repairs of the best one under the penalty "
                     "(puzzles one at a time, --time-limit each; an LM energy is the field's "
                     "prior); anneal: chains from random starts annealed by --move moves "
                     "(puzzles side by side). docs/hard_band.md."),
        click.option("--ants", type=click.IntRange(min=1), default=GLAUBER.colony.ants,
                     show_default=True, help="Construct: constructions per round (the field "
                     "learns from the best so far once a round)."),
        click.option("--greedy", type=click.FloatRange(0, 1), default=GLAUBER.colony.greedy,
                     show_default=True, help="Construct: share of choices that take the "
                     "value with the highest field; the rest draw in proportion to it."),
        click.option("--learn/--no-learn", default=GLAUBER.colony.learn, show_default=True,
                     help="Construct: the best construction reinforces the field (off: every "
                     "construction draws from the prior alone)."),
        click.option("--restart", type=click.IntRange(min=0), default=GLAUBER.colony.restart,
                     show_default=True, help="Construct: rounds without a better "
                     "construction before the field starts afresh (0: never)."),
        click.option("--repair-every", type=click.IntRange(min=0), default=GLAUBER.repair_every,
                     show_default=True, help="Construct: rounds between Glauber repairs of the "
                     "best construction (0: never)."),
        click.option("--chains", type=click.IntRange(min=1), default=SAMPLER.chains,
                     show_default=True, help="Glauber: parallel chains per puzzle."),
        click.option("--sweeps", type=click.IntRange(min=0), default=SAMPLER.sweeps,
                     show_default=True,
                     help="Glauber: sweep budget per puzzle (a sweep updates every cell once)."),
        click.option("--time-limit", type=click.FloatRange(min=0, min_open=True),
                     default=SAMPLER.time_limit, show_default=True,
                     help="Glauber: seconds per puzzle; puzzles solved side by side in one "
                     "batch share this budget."),
        click.option("--move", type=click.Choice(MOVES), default=SAMPLER.move,
                     show_default=True, help="Glauber update: block redraws a whole box / "
                     "attribute row from its exact conditional (where a box has too many "
                     "fillings it falls back to shuffle, and to swap where clues add pair "
                     "factors); shuffle reorders 5 cells of a box from their exact conditional; "
                     "swap exchanges two cells of one; site is the single-cell heat bath."),
        click.option("--order", type=click.Choice(ORDERS), default=SAMPLER.order,
                     show_default=True,
                     help="Site moves: all cells of a colour class at once (chromatic), one cell "
                     "at a time in order (sweep), or random cells (random)."),
        click.option("--schedule", type=click.Choice(SCHEDULES), default=SCHEDULE.kind,
                     show_default=True,
                     help="tempering: each puzzle's chains sit on a geometric ladder of inverse "
                     "temperatures from --beta-start to --beta-end and exchange states; the "
                     "others anneal every chain from --beta-start to --beta-end over "
                     "--anneal-sweeps (constant: --beta-end throughout)."),
        click.option("--beta-start", type=click.FloatRange(min=0, min_open=True),
                     default=SCHEDULE.beta_start, show_default=True,
                     help="Hottest inverse temperature."),
        click.option("--beta-end", type=click.FloatRange(min=0, min_open=True),
                     default=SCHEDULE.beta_end, show_default=True,
                     help="Coldest inverse temperature (1/beta per violated pair)."),
        click.option("--anneal-sweeps", type=click.IntRange(min=1), default=SCHEDULE.sweeps,
                     show_default=True,
                     help="Annealing schedules: sweeps from --beta-start to --beta-end."),
        click.option("--patience", type=click.IntRange(min=0), default=SAMPLER.patience,
                     show_default=True,
                     help="A chain whose best energy has not improved for this many sweeps "
                     "restarts from a fresh random state (0: never)."),
        click.option("--energy", type=click.Choice(ENERGIES), default=GLAUBER.energy,
                     show_default=True, help="Energy the moves follow: constraint penalties, a "
                     "language model, or their weighted sum. Chains are always scored and "
                     "stopped by the penalty (zero exactly on solutions). With --search "
                     "construct an LM is the constructions' prior, read once per puzzle: on "
                     "hard 9x9 it solves what penalty solves in as many rounds, and costs "
                     "loading transformers and the model (4-8 s per run on a 2-core CPU) "
                     "plus one forward pass per puzzle (docs/hard_band.md)."),
        click.option("--init", type=click.Choice(INITS), default=GLAUBER.init, show_default=True,
                     help="Where chains start and restart: uniform draws within the hard "
                     "mask, or lm: the language model's own unmasking of the puzzle (the "
                     "most confident cells first, each drawn from the model's conditional)."),
        click.option("--lm-weight", type=click.FloatRange(min=0), default=GLAUBER.lm_weight,
                     show_default=True,
                     help="Weight of the LM term (multiplies beta: weight 2 at beta 1 is "
                     "weight 1 at beta 2)."),
        click.option("--lm-refresh", type=click.IntRange(min=1), default=GLAUBER.lm_refresh,
                     show_default=True,
                     help="Sweeps between the masked LM's forward passes: its conditionals "
                     "are reused in between (k times cheaper, slightly stale)."),
        click.option("--lm-fade", type=click.IntRange(min=0), default=GLAUBER.lm_fade,
                     show_default=True,
                     help="Anneal the LM term: a chain's LM weight falls linearly from "
                     "--lm-weight at its start (or restart) to 0 after this many sweeps, so "
                     "the model guides the descent but cannot mislead it late (0: constant)."),
        click.option("--penalty-weight", type=click.FloatRange(min=0),
                     default=GLAUBER.penalty_weight, show_default=True,
                     help="Weight of the penalty term in lm+penalty."),
        click.option("--model", "model_dir", type=click.Path(exists=True, file_okay=False),
                     default=GLAUBER.model, help="LM directory for --energy lm / lm+penalty and "
                     "--init lm: from `glauber train`, or any local transformers masked or "
                     "causal LM with its tokenizer (read through the tokenizer; docs/models.md); "
                     "default: the model shipped for the board (4x4, 6x6, 9x9) or for Zebra. "
                     "Loaded offline, never from a hub."),
        click.option("--threads", type=click.IntRange(min=1), default=DEFAULT_THREADS,
                     show_default=True, help="CPU threads for torch (the Glauber solver on "
                     "the CPU). 1 by default: on a shared machine more threads wait on each "
                     "other and a solve can run 5x slower (docs/benchmarks.md: Threads)."),
        click.option("--propagate", type=click.Choice(PROPAGATION), default=GLAUBER.propagate,
                     show_default=True, help="Hard-mask propagation before sampling: none; "
                     "singles (naked and hidden singles); full (singles plus locked candidates "
                     "for Sudoku, arc consistency for Zebra)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


FORMAT_CHOICE = click.Choice(["auto", *FORMATS])
BOX_OPTION = click.option("--box", metavar="RxC", callback=parse_box_option,
                          help="Box shape (rows x cols), e.g. 2x3 for 6x6 boards. "
                               "Default: from the board size (3x3 for 81 cells).")
FORMAT_OPTION = click.option("--format", "fmt", type=FORMAT_CHOICE, default="auto",
                             show_default=True,
                             help="Input format; auto detects it from the extension and content. "
                                  "text: one natural-language Zebra puzzle per file.")


def option_name(setting: str) -> str:
    """The CLI option of a setting: `lm_weight` -> `--lm-weight` (`model_dir`: `--model`)."""
    return "--" + {"model_dir": "model"}.get(setting, setting).replace("_", "-")


def idle_settings(settings: dict, given: set[str], solvers: tuple[str, ...] = ("glauber",)
                  ) -> list[str]:
    """Warnings for settings the user gave (`given`, by setting name) that do nothing in
    this combination: `--lm-weight` with `--energy penalty`, `--order` without `--move
    site`, any sampler option when only the reference solver runs, ..."""
    if "glauber" not in solvers:
        idle = [option_name(k) for k in SAMPLER_SETTINGS if k in given]
        return [f"{', '.join(idle)} {'does' if len(idle) == 1 else 'do'} nothing with the "
                f"reference solver"] if idle else []
    energy, init = settings.get("energy", "penalty"), settings.get("init", "uniform")
    uses_lm = energy != "penalty" or init == "lm"
    anneal = settings.get("search", "construct") == "anneal"
    rules = [(key, anneal, "with --search anneal (it sets the constructive chains)")
             for key in CONSTRUCT_SETTINGS] + [
        ("patience", not anneal, "with --search construct (see --restart)"),
        ("init", not anneal, "with --search construct (an LM energy is the field's prior)"),
        *[(key, not anneal and uses_lm, "with --search construct (the LM is read once, as the "
           "field's prior; --lm-weight is its exponent)")
          for key in ("lm_refresh", "lm_fade", "penalty_weight")],
        ("lm_weight", energy == "penalty", "with --energy penalty (give --energy lm or lm+penalty)"),
        ("penalty_weight", energy != "lm+penalty", f"with --energy {energy} (only lm+penalty "
         "weighs the penalty)"),
        ("lm_fade", energy == "penalty", "with --energy penalty (it anneals the LM term)"),
        ("lm_refresh", not uses_lm, "without a language model (--energy lm, lm+penalty or --init lm)"),
        ("model_dir", not uses_lm, "without a language model (--energy lm, lm+penalty or --init lm)"),
        ("order", settings.get("move") != "site", f"with --move {settings.get('move')} (it orders "
         "--move site updates)"),
        ("anneal_sweeps", settings.get("schedule") in ("tempering", "constant"),
         f"with --schedule {settings.get('schedule')} (it paces the geometric and linear "
         "schedules)"),
        ("beta_start", settings.get("schedule") == "constant",
         "with --schedule constant (it runs at --beta-end throughout)"),
    ]
    said: dict[str, str] = {}  # the first rule that idles a setting
    for key, idle, why in rules:
        if idle and key in given:
            said.setdefault(key, f"{option_name(key)} does nothing {why}")
    return list(said.values())

