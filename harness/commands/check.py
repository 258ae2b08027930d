"""`glauber check`: 0, 1 or many solutions per puzzle, and Zebra answer verdicts."""

from __future__ import annotations

import json
import sys

import click

from harness.checking import check as check_record
from harness.commands.common import (
    EXIT_OK, EXIT_UNSOLVED, EXIT_USAGE, echo_out, progress_bar, read_files, unreadable)
from harness.commands.options import BOX_OPTION, FORMAT_OPTION
from puzzles.errors import InputError


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@FORMAT_OPTION
@BOX_OPTION
@click.option("--json", "as_json", is_flag=True, help="One JSON object per puzzle.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def check(files, fmt, box, as_json, quiet):
    """Check each puzzle: well-formed, givens (Zebra: clues) consistent, and 0, 1 or many
    solutions.

    A Zebra puzzle with a question also gets an answer verdict (unique: every solution
    puts the asked person in the same house; several) and a list of its ambiguous
    references, each settled or not by the solutions found. Exits 0 when every puzzle has
    exactly one solution or one answer to its question, 1 otherwise; 2 when a file cannot
    be read (the others are still checked).
    """
    pfiles = read_files(files, fmt, box, apart=len(files) > 1)
    total = sum(len(p.records) for p in pfiles if not isinstance(p, InputError))
    verdicts, lines = [], []
    with progress_bar(total, "checking", quiet) as advance:
        for pfile in pfiles:
            if unreadable(pfile, as_json, lambda text: lines.append(text.rstrip("\n"))):
                continue
            for record in pfile.records:
                verdicts.append(check_record(record))
                lines.append(json.dumps(verdicts[-1].as_dict()) if as_json else verdicts[-1].line())
                advance(1)
    echo_out("\n".join(lines))
    bad = any(isinstance(p, InputError) for p in pfiles)
    sys.exit(EXIT_USAGE if bad else EXIT_UNSOLVED if not all(v.ok for v in verdicts) else EXIT_OK)
