"""`glauber generate sudoku|zebra`: unique-solution puzzles, deterministic for a seed,
each written as soon as it is made."""

from __future__ import annotations

import contextlib
import os

import click

from harness.commands.common import (
    Interrupted, Output, UserError, check_out_dir, check_out_file, json_array_for,
    make_directory, progress_bar, user_errors, write_output)
from harness.commands.options import parse_box_option
from harness.solving import interruption
from puzzles.base import plural
from puzzles.sudoku import generate as sudoku_generate
from puzzles.zebra import generate as zebra_generate
from puzzles.zebra.wording import WORDINGS


@click.group()
def generate():
    """Generate unique-solution puzzles, deterministically for a seed."""


@generate.command("sudoku")
@click.option("--box", metavar="RxC", default="3x3", show_default=True, callback=parse_box_option,
              help="Box shape: 2x2 (4x4), 2x3 (6x6), 2x4 (8x8), 3x3 (9x9), 3x4 (12x12), "
                   "4x4 (16x16), 5x5 (25x25), ...")
@click.option("--count", type=click.IntRange(min=1), default=1, show_default=True,
              help="Number of puzzles.")
@click.option("--givens", type=click.IntRange(min=0), default=None,
              help="At most this many givens (fewer only with --minimal). Default: minimal puzzles.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option("--minimal", is_flag=True,
              help="Keep removing givens past --givens while the solution stays unique.")
@click.option("--random-deletion", is_flag=True,
              help="Blank all but --givens cells of a random solved grid, uniformly at random, "
                   "without keeping the solution unique (puzzles may have many solutions; any "
                   "valid completion solves them): the random-deletion benchmark instances.")
@click.option("--out", type=click.Path(),
              help="Write to this file instead of stdout, each puzzle as it is made (opened "
                   "at the first one). FILE.jsonl or FILE.json without --format: jsonl (a "
                   ".json file holds one JSON array).")
@click.option("--format", "fmt", type=click.Choice(sudoku_generate.OUTPUT_FORMATS),
              default=None, help="lines (default): one puzzle per line; csv: "
                   "puzzle,solution,givens,conflicts,decisions; jsonl: objects with box, "
                   "solution and the difficulty figures.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def generate_sudoku(box, count, givens, seed, minimal, random_deletion, out, fmt, quiet):
    """Unique Sudoku puzzles with a difficulty figure (SAT conflicts and decisions
    needed to solve each and prove it unique); with --random-deletion, puzzles that may
    have many solutions. Ctrl-C keeps the puzzles made and exits 130."""
    cells = (box[0] * box[1]) ** 2
    if givens is not None and givens > cells:
        raise UserError(f"--givens {givens} is more than the {cells} cells of the board")
    if random_deletion and (givens is None or minimal):
        raise UserError("--random-deletion needs --givens N and no --minimal")
    check_out_file(out)
    if fmt is None:
        fmt = "jsonl" if (out or "").lower().endswith((".jsonl", ".json")) else "lines"
    with counting_generation(count, out) as made_count:
        with sudoku_generate.SudokuGenerator(box, seed) as gen, \
                Output(out, json_array=fmt == "jsonl" and json_array_for(out)) as sink, \
                progress_bar(count, "generating", quiet) as advance:
            for k in range(count):  # each puzzle written as soon as it is made
                with user_errors():
                    made = (gen.random_deletion(givens) if random_deletion else
                            gen.generate(givens, minimal, progress=lambda tried, left:
                                         advance.status(f"{plural(left, 'given')} left, "
                                                        f"{tried}/{cells} cells tried")))
                    text = sudoku_generate.format_generated([made], fmt)
                sink.write(text if k == 0 or fmt != "csv" else text.split("\n", 1)[1])
                made_count[0] += 1
                advance(1)


@contextlib.contextmanager
def counting_generation(count: int, out: str | None):
    """Yields [puzzles made so far] for the body to count in; an interrupt (Ctrl-C, or
    PySAT's own interrupt error) becomes one line saying how many were made."""
    made = [0]
    try:
        yield made
    except KeyboardInterrupt:
        raise generation_interrupted(made[0], count, out) from None
    except Exception as e:  # noqa: BLE001 (PySAT's interrupt is a plain Exception)
        if not interruption(e):
            raise
        raise generation_interrupted(made[0], count, out) from None


def generation_interrupted(made: int, count: int, out: str | None) -> Interrupted:
    return Interrupted(f"interrupted: {made} of {count} generated"
                       f"{f' (written to {out})' if out and made else ''}")


@generate.command("zebra")
@click.option("--houses", type=click.IntRange(min=2), default=5, show_default=True,
              help="Houses (people) in a row.")
@click.option("--attributes", type=click.IntRange(min=1), default=5, show_default=True,
              help="Attributes per house (name, pet, drink, ...); past the 10 built-in ones "
                   "(or past 8 houses) they are attrN with values vN_K.")
@click.option("--count", type=click.IntRange(min=1), default=1, show_default=True,
              help="Number of puzzles.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option("--out", type=click.Path(),
              help="jsonl: the file to write (default stdout). text: the file for one puzzle "
                   "(default stdout), or the directory (created if needed) that gets one file "
                   "per puzzle, zebra_001.txt, ...; required for --count > 1.")
@click.option("--format", "fmt", type=click.Choice(zebra_generate.OUTPUT_FORMATS),
              default="jsonl", show_default=True,
              help="jsonl: one JSON object per puzzle with houses, attributes, clues, question, "
                   "solution and the difficulty figures; text: natural language, without the "
                   "solution (the same --seed in jsonl gives the same puzzles with solutions).")
@click.option("--wording", type=click.Choice(list(WORDINGS)), default="people",
              show_default=True,
              help="text: 'There are N people ... in positions 1, 2, ...' or 'There are N "
                   "houses, numbered 1 to N ...'.")
@click.option("--hard", is_flag=True,
              help="Word puzzles like published sets: value names shared by two attributes "
                   "(biking a hobby and an activity, Honda a car and a motorbike), some of "
                   "them referred to ambiguously ('the person who likes biking'), people "
                   "named by their house in any relation, and distractor clues.")
@click.option("--distractors", type=click.IntRange(min=0), default=None,
              help="Extra true clues that rule nothing out (default: a third of the needed "
                   "ones with --hard, else none).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def generate_zebra(houses, attributes, count, seed, out, fmt, wording, hard, distractors, quiet):
    """Unique Zebra puzzles with a minimal clue set, a question, and a difficulty figure
    (SAT conflicts and decisions needed to solve each and prove it unique)."""
    # Several text puzzles cannot share one file (a text file holds one puzzle).
    to_directory = fmt == "text" and (count > 1 or (out is not None and os.path.isdir(out)))
    if to_directory and out is None:
        raise UserError("--format text with --count > 1 writes one file per puzzle: "
                        "give --out DIRECTORY")
    if to_directory:
        check_out_dir(out)
    else:
        check_out_file(out)
    gen = zebra_generate.ZebraGenerator(houses, attributes, seed, hard=hard,
                                        distractors=distractors)
    with counting_generation(count, out) as made:
        if fmt == "jsonl":  # each puzzle written as soon as it is made
            with Output(out, json_array=json_array_for(out)) as sink, \
                    progress_bar(count, "generating", quiet) as advance:
                for _ in range(count):
                    sink.write(zebra_generate.format_generated([gen.generate()]))
                    made[0] += 1
                    advance(1)
            return
        names = zebra_generate.text_file_names(count)
        if to_directory:
            make_directory(out)
        with progress_bar(count, "generating", quiet) as advance:
            for name in names:
                text = zebra_generate.to_text(gen.generate().puzzle, wording)
                write_output(text, os.path.join(out, name) if to_directory else out)
                made[0] += 1
                advance(1)
