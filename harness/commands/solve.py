"""`glauber solve`: answers in input order, in each file's own format or JSON."""

from __future__ import annotations

import sys

import click

from harness.answers import answer_header, format_answer
from harness.commands.common import (
    EXIT_OK, EXIT_UNSOLVED, EXIT_USAGE, Interrupted, Output, UserError, build_solver,
    check_out_file, hush, json_array_for, progress_bar, read_files, bar_observer, unreadable,
    user_errors, warn_idle)
from harness.commands.options import BOX_OPTION, FORMAT_OPTION, sampler_options
from harness.solvers import SOLVERS, preflight
from harness.solving import solve_stream
from puzzles.errors import InputError
from puzzles.formats import iter_records, read_text


@click.command()
@click.argument("files", nargs=-1, type=click.Path(allow_dash=True))
@click.option("--puzzle", "puzzle_strings", multiple=True, metavar="STRING",
              help="Solve this puzzle (a Sudoku line such as 4..1...., or a Zebra JSON "
                   "object) as well as or instead of FILES; may be repeated.")
@click.option("--solver", "solver_name", type=click.Choice(SOLVERS),
              default="glauber", show_default=True,
              help="glauber: annealed Glauber dynamics under the penalty energy; "
                   "reference: the exact SAT solver.")
@FORMAT_OPTION
@BOX_OPTION
@click.option("--out", type=click.Path(),
              help="Write answers to this file instead of stdout, each as soon as it is "
                   "ready. The file is opened at the first answer: a run that fails before "
                   "it (exit 2) leaves an existing file as it was.")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object per puzzle: source, kind, puzzle, solution, verified, "
                   "error, seconds and solver statistics (JSON lines; an --out FILE.json "
                   "holds one JSON array).")
@click.option("--unordered", is_flag=True,
              help="Write each answer as soon as its puzzle is done, not in input order "
                   "(JSON answers name their source). Default: input order, each answer "
                   "waiting only for unfinished puzzles before it among the puzzles read "
                   "ahead (512).")
@sampler_options
@click.option("--quiet", "-q", is_flag=True,
              help="No progress bar, and nothing on stderr about single puzzles: not why a "
                   "puzzle failed (its answer and the exit code still say it failed), notes "
                   "or warnings.")
def solve(files, puzzle_strings, solver_name, fmt, box, out, as_json, unordered, quiet, **opts):
    """Solve every puzzle in FILES, answers in input order.

    Answers are written in each file's own format (unsolved puzzles are written back
    unchanged; CSV keeps every column and gets the solution, empty when unsolved), or as
    JSON lines with --json (or an --out file ending in .jsonl; .json: one JSON array).
    Zebra puzzles are answered in plain text (the asked person's position and the
    solution as a table), or in JSON with "answer": the house of the puzzle's question
    entity. FILE - reads standard input. Files are read twice: checked whole first (a
    malformed puzzle stops the run before any answer), then a window at a time as they
    are solved, so memory does not grow with the file. Ctrl-C keeps every finished
    answer and exits 130.
    """
    hush(quiet)
    if not files and not puzzle_strings:
        raise UserError("nothing to solve: give FILES (- for stdin) or --puzzle STRING")
    check_out_file(out)
    as_json = as_json or (out or "").lower().endswith((".jsonl", ".json"))
    pfiles = read_files(files, fmt, box, apart=len(files) > 1, scan=True)
    if puzzle_strings:
        with user_errors():
            pfiles.append(read_text("--puzzle", "\n".join(puzzle_strings), fmt, box))
    solver = build_solver(solver_name, opts)
    warn_idle(opts, (solver_name,), quiet)
    readable = [p for p in pfiles if not isinstance(p, InputError)]
    with user_errors():  # a model that does not fit a board: before any answer
        preflight(solver, [puzzle for p in readable
                           for puzzle in (p.samples or (r.puzzle for r in p.records))])
    bad = len(pfiles) - len(readable)
    total = sum(p.count for p in readable)
    answered = failed = 0
    sink = Output(out, json_array=json_array_for(out))
    try:
        with sink, progress_bar(total, "solving", quiet) as advance:
            for pfile in pfiles:
                if unreadable(pfile, as_json, sink.write, advance.echo):  # exit 2 at the end
                    continue
                header = [answer_header(pfile, as_json)]  # written with the first answer

                def answer(i, record, outcome, pfile=pfile, header=header):
                    nonlocal answered, failed
                    sink.write(header.pop() if header else "")
                    sink.write(format_answer(pfile, record, outcome, as_json))
                    answered += 1
                    if getattr(record.puzzle, "readings_opened", None) and not quiet:
                        advance.echo(f"{record.source}: note: {record.puzzle.readings_opened}")
                    if not outcome.answered:  # unverified, or solutions disagree on the answer
                        failed += 1
                        if not quiet:
                            advance.echo(f"{record.source}: {outcome.why}")
                    elif outcome.unique is False and not quiet:
                        advance.echo(f"{record.source}: warning: {not_unique(outcome)}")

                with user_errors():
                    solve_stream(solver, iter_records(pfile), lambda r: r.puzzle, answer,
                                 bar_observer(advance), ordered=not unordered)
    except KeyboardInterrupt:
        raise Interrupted(f"interrupted: {answered} of {total} answered"
                          f"{f' (written to {out})' if out and answered else ''}") from None
    if not quiet and total > 1:
        click.echo(f"solved {total - failed}/{total}", err=True)
    sys.exit(EXIT_USAGE if bad else EXIT_UNSOLVED if failed else EXIT_OK)


def not_unique(outcome) -> str:
    """The stderr warning for a verified answer that is not the puzzle's only solution."""
    if outcome.verdicts.get("answer_verdict") == "unique":
        return ("the puzzle has more than one solution; this is one of them "
                "(every one gives the question the same answer)")
    return "the puzzle has more than one solution; this is one of them"
