"""`glauber verify`: answers checked against their puzzles."""

from __future__ import annotations

import json
import sys

import click

from harness.checking import judge_answers
from harness.commands.common import (
    EXIT_OK, EXIT_UNSOLVED, echo_out, read_files, user_errors)
from harness.commands.options import BOX_OPTION, FORMAT_OPTION


@click.command()
@click.argument("puzzle_file", type=click.Path(allow_dash=True))
@click.argument("solution_file", type=click.Path(allow_dash=True))
@FORMAT_OPTION
@BOX_OPTION
@click.option("--json", "as_json", is_flag=True, help="One JSON object per puzzle.")
def verify(puzzle_file, solution_file, fmt, box, as_json):
    """Check the answers in SOLUTION_FILE against the puzzles in PUZZLE_FILE.

    SOLUTION_FILE may be any puzzle file (for example the output of `glauber solve`,
    with or without --json); its entries are paired with the puzzles in order.
    """
    puzzles, answers = read_files([puzzle_file, solution_file], fmt, box)
    with user_errors():
        judged = judge_answers(puzzles, answers)
    for j in judged:
        echo_out(json.dumps(j.as_dict()) if as_json else j.line())
    sys.exit(EXIT_UNSOLVED if any(j.error is not None for j in judged) else EXIT_OK)
