"""`glauber train sudoku|zebra`: train a language model for the LM energies."""

from __future__ import annotations

import json
import os
import sys

import click

from encoders.lm_config import ARCHS, ATTENTION, ZEBRA_TRAIN_MAX, TrainConfig, ZebraTrainConfig
from harness.commands.common import UserError, echo_out, hush, progress_bar, said
from harness.commands.options import parse_box_option
from harness.solvers import set_threads
from puzzles.errors import ConfigError

TRAIN = TrainConfig()
ZEBRA_TRAIN = ZebraTrainConfig()
THREADS_TRAIN = click.option(
    "--threads", type=click.IntRange(min=1), default=None,
    help="CPU threads for torch (default: torch's, one per core; on a shared machine "
         "fewer can be faster: docs/benchmarks.md, Threads).")


def parse_range_option(ctx, param, value):
    """`2-8` -> (2, 8); `5` -> (5, 5); a range `ZebraTrainConfig` refuses is a usage error."""
    lo, dash, hi = value.partition("-")
    try:
        bounds = (int(lo), int(hi if dash else lo))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a range like 2-8") from None
    try:
        ZebraTrainConfig(**{param.name: bounds})
    except ValueError:
        raise click.BadParameter(f"{value!r}: need 2 <= LO <= HI <= {ZEBRA_TRAIN_MAX}") from None
    return bounds


INIT_FROM_OPTION = click.option(
    "--init-from", type=click.Path(exists=True, file_okay=False), default=None,
    help="Fine-tune this local checkpoint (any transformers masked or causal LM with its "
         "tokenizer, or a glauber model) instead of training a new model; loaded offline. "
         "The output directory holds the model, its tokenizer and a card for --model.")

def run_options(seed: int):
    """--device, --seed (default `seed`), --threads, --init-from and --quiet: what both
    training commands take, in their --help order."""
    options = [
        click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto",
                     show_default=True, help="Torch device."),
        click.option("--seed", type=int, default=seed, show_default=True,
                     help="Random seed (same seed and device: the same model)."),
        THREADS_TRAIN, INIT_FROM_OPTION,
        click.option("--quiet", "-q", is_flag=True, help="No progress bar."),
    ]

    def wrap(command):
        for option in reversed(options):
            command = option(command)
        return command
    return wrap


@click.group()
def train():
    """Train a language model for the LM energies (saved as a transformers directory)."""


@train.command("sudoku")
@click.option("--arch", type=click.Choice(ARCHS), default=TRAIN.arch, show_default=True,
              help="mlm: BERT-style masked LM (pseudo-Gibbs conditionals); causal: GPT-2-style "
                   "LM of the grid given the puzzle (exact conditionals, slower).")
@click.option("--out", type=click.Path(file_okay=False), required=True,
              help="Directory to write: config, safetensors weights, glauber.json, README.md.")
@click.option("--box", metavar="RxC", default="3x3", show_default=True, callback=parse_box_option,
              help="Board the model is for.")
@click.option("--steps", type=click.IntRange(min=1), default=TRAIN.steps, show_default=True,
              help="Optimizer steps.")
@click.option("--batch", type=click.IntRange(min=1), default=TRAIN.batch, show_default=True,
              help="Grids per step (fresh symmetries of SAT-generated grids every step).")
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=TRAIN.lr, show_default=True,
              help="Peak learning rate (linear warm-up, cosine decay).")
@click.option("--attention", type=click.Choice(ATTENTION), default=TRAIN.attention, show_default=True,
              help="graph: each cell attends only to its peers (the constraint graph; learns "
                   "far faster); full: every cell attends to every cell.")
@click.option("--chain-share", type=click.FloatRange(0, 1), default=TRAIN.chain_share,
              show_default=True,
              help="Share of each batch taken from states that penalty block-move chains "
                   "visit on generated minimal puzzles (recorded before training), with the "
                   "truth asked where the chains are wrong.")
@run_options(TRAIN.seed)
def train_sudoku(arch, out, box, steps, batch, lr, attention, chain_share, device, seed, threads,
                 init_from, quiet):
    """Train on generated solved grids (never downloads anything); prints the model card
    with its held-out accuracy on masked and corrupted cells. With --init-from DIR,
    fine-tune that checkpoint instead (its arch, attention and tokenizer are kept)."""
    from encoders.lm_training import train as run_training  # torch: only when training

    config = TrainConfig(arch=arch, box=box, steps=steps, batch=batch, lr=lr, seed=seed,
                         attention=attention, chain_share=chain_share, init_from=init_from)
    run_training_command(run_training, config, out, device, quiet, threads)


@train.command("zebra")
@click.option("--arch", type=click.Choice(["mlm"]), default="mlm", show_default=True,
              help="mlm: BERT-style masked LM over the clue tokens and one token per entity "
                   "(its house).")
@click.option("--out", type=click.Path(file_okay=False), required=True,
              help="Directory to write: config, safetensors weights, glauber.json, README.md.")
@click.option("--houses", metavar="LO-HI", default="{}-{}".format(*ZEBRA_TRAIN.houses),
              show_default=True, callback=parse_range_option,
              help="House counts to train on (the model reads up to max(8, HI)).")
@click.option("--attributes", metavar="LO-HI", default="{}-{}".format(*ZEBRA_TRAIN.attributes),
              show_default=True, callback=parse_range_option,
              help="Attribute counts to train on (the model reads up to max(8, HI)).")
@click.option("--steps", type=click.IntRange(min=1), default=ZEBRA_TRAIN.steps, show_default=True,
              help="Optimizer steps.")
@click.option("--batch", type=click.IntRange(min=1), default=ZEBRA_TRAIN.batch, show_default=True,
              help="Puzzles per step, all of one size drawn per step; each step adds freshly "
                   "generated unique puzzles of that size to its pool.")
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=ZEBRA_TRAIN.lr,
              show_default=True, help="Peak learning rate (linear warm-up, cosine decay).")
@run_options(ZEBRA_TRAIN.seed)
def train_zebra(arch, out, houses, attributes, steps, batch, lr, device, seed, threads,
                init_from, quiet):
    """Train on puzzles from the unique generator (never downloads anything); prints the
    model card with its held-out accuracy and the share of generated 5x5 puzzles it
    solves alone by unmasking. With --init-from DIR, fine-tune that checkpoint instead
    on the clue text and entity lines it reads through its own tokenizer."""
    from encoders.zebra_training import train as run_training  # torch: only when training

    config = ZebraTrainConfig(houses=houses, attributes=attributes, steps=steps, batch=batch,
                              lr=lr, seed=seed, init_from=init_from)
    run_training_command(run_training, config, out, device, quiet, threads)


def no_library_bars():
    """transformers' and the Hugging Face hub's own progress bars off (`Writing model
    shards` when a model is saved): wanted on a terminal only, and there only beside ours."""
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    from transformers.utils import logging as hf_logging  # transformers: only when training
    hf_logging.disable_progress_bar()


def run_training_command(run_training, config, out, device, quiet, threads=None):
    """Train with a progress bar showing the loss, save, print the card. Libraries' own
    bars are shown only on a terminal, and not with --quiet."""
    from encoders.pipeline import resolve_device  # torch: only when training

    hush(quiet)
    if quiet or not sys.stderr.isatty():
        no_library_bars()
    set_threads(threads)
    try:
        dev = resolve_device(device)
    except ValueError as e:
        raise UserError(said(e)) from None
    show_loss = lambda loss: None if loss is None else f"loss {loss:.3f}"  # noqa: E731
    with progress_bar(config.steps, "training", quiet, show_loss) as advance:
        try:
            card = run_training(config, out, dev, progress=advance)
        except ConfigError as e:  # --init-from: not a checkpoint, or one for another board
            raise UserError(said(e)) from None
    echo_out(json.dumps(card, indent=2))
