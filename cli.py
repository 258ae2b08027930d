"""`glauber`: solve, verify, check and generate puzzles from the command line.

This module only declares options, maps the library's errors to exit codes and prints;
the work is in `puzzles.harness` (solving, checking, bench, report), `puzzles.formats`
and the generators. Option choices and defaults come from the library's constants and
dataclasses, so the CLI and the Python API agree.

Exit codes (the contract scripts rely on):
  0  every puzzle solved and verified (check: every puzzle has exactly one solution)
  1  some puzzle unsolved, unsatisfiable, with clashing givens or not unique; it still
     gets its output line and the others are still answered
  2  usage error or malformed input: `FILE:LINE: what is wrong` on stderr, nothing written
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time

import click
from click.core import ParameterSource

from encoders.lm_config import ARCHS, ATTENTION, TrainConfig, ZebraTrainConfig
from encoders.options import DEVICES, ENERGIES, INITS, SEARCHES, GlauberOptions
from puzzles.base import PROPAGATION, plural
from puzzles.errors import ConfigError, InputError, PuzzleError
from puzzles.formats import FORMATS
from puzzles.harness.solvers import DEFAULT_THREADS, SOLVERS
from puzzles.sudoku import generate as sudoku_generate
from puzzles.zebra import generate as zebra_generate
from puzzles.zebra.text import WORDINGS
from solver.config import MOVES, ORDERS, SamplerConfig
from solver.schedule import SCHEDULES, AnnealSchedule

EXIT_OK, EXIT_UNSOLVED, EXIT_USAGE = 0, 1, 2
SAMPLER, SCHEDULE, GLAUBER = SamplerConfig(), AnnealSchedule(), GlauberOptions()  # defaults
TRAIN = TrainConfig()
ZEBRA_TRAIN = ZebraTrainConfig()


class UserError(click.ClickException):
    """A mistake in the user's input: one line on stderr, exit 2, no traceback."""

    exit_code = EXIT_USAGE

    def show(self, file=None):
        click.echo(self.format_message(), err=True)


@contextlib.contextmanager
def user_errors():
    """Turn the library's input errors into `UserError`."""
    try:
        yield
    except (InputError, PuzzleError, ConfigError) as e:
        raise UserError(str(e)) from None


class Progress:
    """What `progress_bar` yields: call it with (k, item) as k more items are done;
    `status(text)` shows how the current item is going (sweeps, lowest energy, givens
    left) after the bar. Silent when there is no bar."""

    def __init__(self, bar=None):
        self.bar, self.last = bar, 0.0

    def __call__(self, k: int = 1, item=None):
        if self.bar is not None:
            if item is None and k:
                self.bar.current_item = None  # the finished item's status is stale
            self.bar.update(k, item)

    def status(self, text: str):
        now = time.monotonic()
        if self.bar is not None and now - self.last >= 0.1:  # a few redraws a second
            self.last = now
            self.bar.current_item = text
            self.bar.render_progress()  # update(0, ...) would not redraw


@contextlib.contextmanager
def progress_bar(total: int, label: str, quiet: bool, show_item=None):
    """A progress bar on stderr when it is a terminal (and not --quiet); else silent.
    Shown for a single item too, with the item's own progress (`Progress.status`).
    Yields a `Progress`; show_item(item) is the text after the bar."""
    if quiet or total < 1 or not sys.stderr.isatty():
        yield Progress()
        return
    show = show_item or (lambda item: item if isinstance(item, str) else None)
    with click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True,
                           show_eta=True, item_show_func=show) as bar:
        yield Progress(bar)


def hush(quiet: bool):
    """With --quiet, the libraries are quiet too: transformers' and the Hugging Face hub's
    progress bars and messages (info, advisory warnings) and Python warnings. Set before
    they are imported (environment) and, where already imported, through their API."""
    if not quiet:
        return
    import warnings
    os.environ["TRANSFORMERS_VERBOSITY"] = "error"
    os.environ["TRANSFORMERS_NO_ADVISORY_WARNINGS"] = "1"
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    warnings.filterwarnings("ignore")
    if "transformers" in sys.modules:
        from transformers.utils import logging as hf_logging
        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()


def normal_permissions(directory: str):
    """Give the files of a directory the project wrote the permissions of any new file
    (0666 less the umask: 0644 usually); some writers (safetensors) leave them 0600."""
    umask = os.umask(0)
    os.umask(umask)
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            os.chmod(path, 0o666 & ~umask)


def sweep_status(progress: Progress):
    """on_sweep(sweep, lowest energy) for the solvers: the status after the bar."""
    return lambda sweep, lowest: progress.status(f"sweep {sweep}, lowest energy {lowest:g}")


ZEBRA_TRAIN_MAX = 10  # a 10x10 puzzle takes the generator ~0.15 s; 99 houses never finish


def parse_range_option(ctx, param, value):
    """`2-8` -> (2, 8); `5` -> (5, 5)."""
    lo, dash, hi = value.partition("-")
    try:
        bounds = (int(lo), int(hi if dash else lo))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a range like 2-8") from None
    if not 2 <= bounds[0] <= bounds[1] <= ZEBRA_TRAIN_MAX:
        raise click.BadParameter(f"{value!r}: need 2 <= LO <= HI <= {ZEBRA_TRAIN_MAX}")
    return bounds


def parse_box_option(ctx, param, value):
    if value is None:
        return None
    from puzzles.sudoku.model import parse_box
    try:
        return parse_box(value)
    except PuzzleError as e:
        raise click.BadParameter(str(e)) from None


def read_files(paths, fmt: str, box, apart: bool = False):
    """Every file's PuzzleFile. A bad file is a usage error, unless `apart`: then it takes
    its place in the list as the InputError saying why (one bad file of many is one bad
    answer, not a dead run)."""
    from puzzles.formats import read_file
    if not apart:
        with user_errors():
            return [read_file(p, fmt, box) for p in paths]
    read = []
    for p in paths:
        try:
            read.append(read_file(p, fmt, box))
        except InputError as e:
            read.append(e)
        except PuzzleError as e:
            read.append(InputError(p, None, str(e)))
    return read


def unreadable(pfile, as_json: bool, write) -> bool:
    """For an InputError in place of a file (`read_files(apart=True)`): its own output
    line, `FILE:LINE: why` on stderr, and True; False for a file that was read."""
    if not isinstance(pfile, InputError):
        return False
    from puzzles.formats import error_answer
    write(error_answer(pfile, as_json))
    click.echo(str(pfile), err=True)
    return True


def check_out_file(path: str | None):
    """Refuse, before any work, an output file that cannot be written: a directory, a
    missing or read-only parent directory, a read-only file."""
    if path is None:
        return
    if os.path.isdir(path):
        raise UserError(f"{path}: is a directory")
    parent = os.path.dirname(path) or "."
    if not os.path.isdir(parent):
        raise UserError(f"{path}: cannot write: directory {parent} does not exist")
    if not os.access(parent, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise UserError(f"{path}: cannot write: permission denied")


def check_out_dir(path: str):
    """Refuse, before any work, an output directory that cannot be created or written."""
    if os.path.exists(path) and not os.path.isdir(path):
        raise UserError(f"{path}: not a directory")
    existing = os.path.abspath(path)
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise UserError(f"{path}: cannot create directory: {existing} is not a directory")
    if not os.access(existing, os.W_OK):
        raise UserError(f"{path}: cannot create directory: permission denied")


@contextlib.contextmanager
def output(out: str | None):
    """Yields write(text): stdout, or the file `out` (checked with `check_out_file`),
    written and flushed piece by piece, so an interrupted run keeps what was written.
    On a usage error (exit 2) a file this call created is removed: nothing is written."""
    if out is None:
        yield lambda text: click.echo(text, nl=False)
        return
    existed = os.path.exists(out)
    try:
        f = open(out, "w", encoding="utf-8")
    except OSError as e:
        raise UserError(f"{out}: cannot write: {e.strerror or e}") from None

    def write(text: str):
        try:
            f.write(text)
            f.flush()
        except OSError as e:
            raise UserError(f"{out}: cannot write: {e.strerror or e}") from None

    try:
        with f:
            yield write
    except UserError:
        if not existed:
            os.remove(out)
        raise


def write_output(text: str, out: str | None):
    with output(out) as write:
        write(text)


def make_directory(path: str):
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as e:
        raise UserError(f"{path}: cannot create directory: {e.strerror or e}") from None


def warn_idle(opts: dict, solvers: tuple[str, ...], quiet: bool):
    """`warning: --lm-weight does nothing with --energy penalty ...` on stderr for every
    option given on the command line that does nothing with the others (not with --quiet)."""
    from puzzles.harness.solvers import idle_settings
    if quiet:
        return
    ctx = click.get_current_context()
    given = {k for k in opts if ctx.get_parameter_source(k) not in (None, ParameterSource.DEFAULT)}
    for warning in idle_settings(opts, given, solvers):
        click.echo(f"warning: {warning}", err=True)


def build_solver(name: str, opts: dict):
    """`puzzles.harness.solvers.make_solver`, its errors as usage errors."""
    from puzzles.harness.solvers import make_solver
    with user_errors():
        return make_solver(name, opts)


def sampler_options(command):
    """The Glauber solver's options, shared by `solve`, `bench` and `report` (seed and
    device too); defaults from `SamplerConfig`, `AnnealSchedule` and `GlauberOptions`."""
    options = [
        click.option("--seed", type=int, default=GLAUBER.seed, show_default=True,
                     help="Random seed; the same seed on the same device gives the same answers."),
        click.option("--device", type=click.Choice(DEVICES), default=GLAUBER.device,
                     show_default=True, help="Torch device for the Glauber solver; auto picks "
                     "CUDA when present."),
        click.option("--search", type=click.Choice(SEARCHES), default=GLAUBER.search,
                     show_default=True, help="construct: constructive chains fill cells in "
                     "turn from a field learned across constructions, propagating after every "
                     "choice, with short Glauber repairs of the best one under the penalty "
                     "(puzzles one at a time, --time-limit each; an LM energy is the field's "
                     "prior); anneal: chains from random starts annealed by --move moves "
                     "(puzzles side by side). README: Hard band."),
        click.option("--ants", type=click.IntRange(min=1), default=GLAUBER.ants,
                     show_default=True, help="Construct: constructions per round (the field "
                     "learns from the best so far once a round)."),
        click.option("--greedy", type=click.FloatRange(0, 1), default=GLAUBER.greedy,
                     show_default=True, help="Construct: share of choices that take the "
                     "value with the highest field; the rest draw in proportion to it."),
        click.option("--learn/--no-learn", default=GLAUBER.learn, show_default=True,
                     help="Construct: the best construction reinforces the field (off: every "
                     "construction draws from the prior alone)."),
        click.option("--restart", type=click.IntRange(min=0), default=GLAUBER.restart,
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
                     "stopped by the penalty (zero exactly on solutions)."),
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
                     default=GLAUBER.model, help="LM directory (from `glauber train`, or any "
                     "directory with a glauber.json card) for --energy lm / lm+penalty and "
                     "--init lm; default: the model shipped for the board (4x4, 6x6, 9x9). "
                     "Loaded offline, never from a hub."),
        click.option("--threads", type=click.IntRange(min=1), default=DEFAULT_THREADS,
                     show_default=True, help="CPU threads for torch (the Glauber solver on "
                     "the CPU). 1 by default: on a shared machine more threads wait on each "
                     "other and a solve can run 5x slower (README: Threads)."),
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="glauber", prog_name="glauber")
def cli():
    """Solve, check and generate constraint puzzles with Glauber dynamics.

    Every answer is checked by an exact verifier before it is reported as solved.
    """


@cli.command()
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
              help="Write answers to this file instead of stdout (not written on exit 2).")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object per puzzle: source, kind, puzzle, solution, verified, "
                   "error, seconds and solver statistics.")
@sampler_options
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no per-puzzle error lines.")
def solve(files, puzzle_strings, solver_name, fmt, box, out, as_json, quiet, **opts):
    """Solve every puzzle in FILES, in input order.

    Answers are written in each file's own format (unsolved puzzles are written back
    unchanged; CSV keeps every column and gets the solution, empty when unsolved), or as
    JSON lines with --json (or an --out file ending in .jsonl or .json). Zebra puzzles are
    answered in plain text (the asked person's position and the solution as a table),
    or in JSON with "answer": the house of the puzzle's question entity. FILE - reads
    standard input.
    """
    from puzzles.formats import answer_header, format_answer
    from puzzles.harness.solving import solve_all

    hush(quiet)
    if not files and not puzzle_strings:
        raise UserError("nothing to solve: give FILES (- for stdin) or --puzzle STRING")
    check_out_file(out)
    as_json = as_json or (out or "").lower().endswith((".jsonl", ".json"))
    pfiles = read_files(files, fmt, box, apart=len(files) > 1)
    if puzzle_strings:
        from puzzles.formats import read_text
        with user_errors():
            pfiles.append(read_text("--puzzle", "\n".join(puzzle_strings), fmt, box))
    solver = build_solver(solver_name, opts)
    warn_idle(opts, (solver_name,), quiet)
    bad = sum(isinstance(p, InputError) for p in pfiles)
    total = sum(len(p.records) for p in pfiles if not isinstance(p, InputError))
    failed = 0
    with output(out) as write, progress_bar(total, "solving", quiet) as advance:
        for pfile in pfiles:
            if unreadable(pfile, as_json, write):  # its own line; exit 2 at the end
                continue
            def answered(i, outcome, pfile=pfile):  # in input order, as soon as ready
                nonlocal failed
                record = pfile.records[i]
                write(format_answer(pfile, record, outcome, as_json))
                if getattr(record.puzzle, "readings_opened", None) and not quiet:
                    click.echo(f"{record.source}: note: {record.puzzle.readings_opened}", err=True)
                if not outcome.answered:  # unverified, or solutions disagree on the answer
                    failed += 1
                    if not quiet:
                        click.echo(f"{record.source}: {outcome.why}", err=True)
                elif outcome.unique is False and not quiet:
                    click.echo(f"{record.source}: warning: {not_unique(outcome)}", err=True)

            write(answer_header(pfile, as_json))
            with user_errors():
                solve_all(solver, [r.puzzle for r in pfile.records], advance, answered,
                          sweep_status(advance))
    if not quiet and total > 1:
        click.echo(f"solved {total - failed}/{total}", err=True)
    sys.exit(EXIT_USAGE if bad else EXIT_UNSOLVED if failed else EXIT_OK)


def not_unique(outcome) -> str:
    """The stderr warning for a verified answer that is not the puzzle's only solution."""
    if outcome.verdicts.get("answer_verdict") == "unique":
        return ("the puzzle has more than one solution; this is one of them "
                "(every one gives the question the same answer)")
    return "the puzzle has more than one solution; this is one of them"


@cli.command()
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
    from puzzles.harness.checking import judge_answers

    puzzles, answers = read_files([puzzle_file, solution_file], fmt, box)
    with user_errors():
        judged = judge_answers(puzzles, answers)
    for j in judged:
        click.echo(json.dumps(j.as_dict()) if as_json else j.line())
    sys.exit(EXIT_UNSOLVED if any(j.error is not None for j in judged) else EXIT_OK)


@cli.command()
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
    from puzzles.harness.checking import check as check_record

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
    click.echo("\n".join(lines))
    bad = any(isinstance(p, InputError) for p in pfiles)
    sys.exit(EXIT_USAGE if bad else EXIT_UNSOLVED if not all(v.ok for v in verdicts) else EXIT_OK)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--solver", "solver_names", default=",".join(SOLVERS), show_default=True,
              help="Comma-separated solvers (glauber, reference) to compare on the same puzzles.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Only the first N puzzles of each file.")
@FORMAT_OPTION
@BOX_OPTION
@sampler_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object per table row.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def bench(files, solver_names, limit, fmt, box, as_json, quiet, **opts):
    """Benchmark solvers on puzzle files: a table of solved %, ms per puzzle, effort
    (Glauber sweeps or SAT conflicts) and site-updates per second."""
    from puzzles.harness.bench import bench_file, bench_label, format_table

    hush(quiet)
    pfiles = read_files(files, fmt, box)
    rows = []
    names = [s.strip() for s in solver_names.split(",") if s.strip()]
    for name in names:
        build_solver(name, opts)  # every solver's settings checked before any work
    warn_idle(opts, tuple(names), quiet)
    for name in names:
        solver = build_solver(name, opts)
        for pfile in pfiles:
            count = len(pfile.records[:limit])
            with progress_bar(count, f"{name} {pfile.path}", quiet) as advance, user_errors():
                rows.append(bench_file(solver, bench_label(name, opts["energy"]), pfile,
                                       limit, advance))
    if as_json:
        click.echo("".join(json.dumps(r.as_bench_dict()) + "\n" for r in rows), nl=False)
    else:
        click.echo(format_table(rows))


@cli.group()
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
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True,
              help="Torch device.")
@click.option("--seed", type=int, default=TRAIN.seed, show_default=True,
              help="Random seed (same seed and device: the same model).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def train_sudoku(arch, out, box, steps, batch, lr, attention, chain_share, device, seed, quiet):
    """Train on generated solved grids (never downloads anything); prints the model card
    with its held-out accuracy on masked and corrupted cells."""
    from encoders.lm_training import train as run_training

    config = TrainConfig(arch=arch, box=box, steps=steps, batch=batch, lr=lr, seed=seed,
                         attention=attention, chain_share=chain_share)
    run_training_command(run_training, config, out, device, quiet)


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
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True,
              help="Torch device.")
@click.option("--seed", type=int, default=ZEBRA_TRAIN.seed, show_default=True,
              help="Random seed (same seed and device: the same model).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def train_zebra(arch, out, houses, attributes, steps, batch, lr, device, seed, quiet):
    """Train on puzzles from the unique generator (never downloads anything); prints the
    model card with its held-out accuracy and the share of generated 5x5 puzzles it
    solves alone by unmasking."""
    from encoders.zebra_training import train as run_training

    config = ZebraTrainConfig(houses=houses, attributes=attributes, steps=steps, batch=batch,
                              lr=lr, seed=seed)
    run_training_command(run_training, config, out, device, quiet)


def run_training_command(run_training, config, out, device, quiet):
    """Train with a progress bar showing the loss, save, print the card."""
    from encoders.pipeline import resolve_device

    hush(quiet)
    try:
        dev = resolve_device(device)
    except ValueError as e:
        raise UserError(str(e)) from None
    show_loss = lambda loss: None if loss is None else f"loss {loss:.3f}"  # noqa: E731
    with progress_bar(config.steps, "training", quiet, show_loss) as advance:
        card = run_training(config, out, dev, progress=advance)
    normal_permissions(out)  # safetensors writes its file 0600
    click.echo(json.dumps(card, indent=2))


@cli.group()
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
@click.option("--out", type=click.Path(), help="Write to this file instead of stdout.")
@click.option("--format", "fmt", type=click.Choice(sudoku_generate.OUTPUT_FORMATS),
              default="lines", show_default=True,
              help="lines: one puzzle per line; csv: puzzle,solution,givens,conflicts,decisions; "
                   "jsonl: objects with box, solution and the difficulty figures.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def generate_sudoku(box, count, givens, seed, minimal, random_deletion, out, fmt, quiet):
    """Unique Sudoku puzzles with a difficulty figure (SAT conflicts and decisions
    needed to solve each and prove it unique); with --random-deletion, puzzles that may
    have many solutions."""
    cells = (box[0] * box[1]) ** 2
    if givens is not None and givens > cells:
        raise UserError(f"--givens {givens} is more than the {cells} cells of the board")
    if random_deletion and (givens is None or minimal):
        raise UserError("--random-deletion needs --givens N and no --minimal")
    check_out_file(out)
    with sudoku_generate.SudokuGenerator(box, seed) as gen, output(out) as write, \
            progress_bar(count, "generating", quiet) as advance:
        for k in range(count):  # each puzzle written as soon as it is made
            with user_errors():
                made = (gen.random_deletion(givens) if random_deletion else
                        gen.generate(givens, minimal, progress=lambda tried, left: advance.status(
                            f"{plural(left, 'given')} left, {tried}/{cells} cells tried")))
                text = sudoku_generate.format_generated([made], fmt)
            write(text if k == 0 or fmt != "csv" else text.split("\n", 1)[1])
            advance(1)


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
    if fmt == "jsonl":  # each puzzle written as soon as it is made
        with output(out) as write, progress_bar(count, "generating", quiet) as advance:
            for _ in range(count):
                write(zebra_generate.format_generated([gen.generate()]))
                advance(1)
        return
    width = max(3, len(str(count)))  # the names of zebra_generate.text_files
    names = [f"zebra_{i:0{width}d}.txt" for i in range(1, count + 1)]
    if to_directory:
        make_directory(out)
    with progress_bar(count, "generating", quiet) as advance:
        for name in names:
            text = zebra_generate.to_text(gen.generate().puzzle, wording)
            write_output(text, os.path.join(out, name) if to_directory else out)
            advance(1)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--energies", "energy_names", default="penalty,reference", show_default=True,
              help="Comma-separated energies to compare on the same puzzles: penalty, lm, "
                   "lm+penalty (Glauber dynamics under that energy), lm-init (penalty "
                   "moves from the LM's unmasking, as --init lm) and reference (the exact "
                   "SAT solver).")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Directory (created if needed) for report.md, report.json, results.jsonl "
                   "and the PNG plots.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Only the first N puzzles of each file.")
@click.option("--chunk-size", type=click.IntRange(min=1), default=128, show_default=True,
              help="Puzzles per chunk: the unit of batching, seeding and Ray sharding. "
                   "Results depend on it; keep it fixed to compare runs.")
@click.option("--ray", "ray_address", metavar="auto|ADDRESS", default=None,
              help="Shard the chunks across Ray workers (one per GPU, else per CPU): auto "
                   "joins a running cluster or starts a local one; ADDRESS joins that "
                   "cluster. Needs pip install -e '.[distributed]'.")
@FORMAT_OPTION
@BOX_OPTION
@sampler_options
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def report(files, energy_names, out_dir, limit, chunk_size, ray_address, fmt, box, quiet,
           **opts):
    """Accuracy report of energies on puzzle files: per dataset and energy, solved %,
    cell accuracy, seconds per puzzle, sweeps and agreement with the files' solutions,
    as report.md, report.json, results.jsonl and PNG plots in --out.

    The same --seed on the same device reproduces every figure except the timings,
    with or without --ray (while the sweep budget, not --time-limit, stops the sampler).
    """
    import functools

    from click.core import ParameterSource

    from puzzles.harness import report as reports
    from puzzles.harness.solvers import energy_solver, parse_energies

    hush(quiet)
    with user_errors():
        energies = parse_energies(energy_names)
    if click.get_current_context().get_parameter_source("energy") != ParameterSource.DEFAULT:
        raise UserError("report compares the energies given by --energies; --energy is for "
                        "solve and bench")
    del opts["energy"]  # set per energy by energy_solver
    with user_errors():
        reports.check_extras(ray_address)
    check_out_dir(out_dir)  # created only when the report is written: no empty leftovers
    pfiles = read_files(files, fmt, box)
    factory = functools.partial(energy_solver, settings=opts)
    with user_errors():  # bad settings fail here, before any work
        runner = reports.ChunkRunner(energies, factory, opts["seed"])
    lm_energies = [e for e in energies if e in ("lm", "lm+penalty")]
    warn_idle({**opts, "energy": lm_energies[-1] if lm_energies else "penalty",
               "init": "lm" if "lm-init" in energies else opts.get("init", "uniform")},
              ("reference",) if energies == ["reference"] else ("glauber",), quiet)
    labels = reports.dataset_labels(files)
    work = reports.plan_chunks(labels, pfiles, chunk_size, limit)
    total = sum(len(c.records) for c in work) * len(energies)
    with progress_bar(total, "report", quiet) as advance, user_errors():
        results, workers = reports.run_chunks(work, runner, ray_address, advance)
    settings = {"files": list(files), "energies": energies, "limit": limit,
                "chunk_size": chunk_size, "format": fmt,
                "box": f"{box[0]}x{box[1]}" if box else None, **opts,
                "ray": ray_address, "workers": workers}
    result = reports.build_report(results, labels, energies, settings)
    existed = os.path.isdir(out_dir)
    make_directory(out_dir)
    try:
        written = result.write(out_dir)
    except OSError as e:
        if not existed and not os.listdir(out_dir):
            os.rmdir(out_dir)
        raise UserError(f"{out_dir}: cannot write the report: {e.strerror or e}") from None
    click.echo(reports.format_table(result.summaries))
    if not quiet:
        click.echo(f"wrote {', '.join(written)}", err=True)


def main():
    try:
        cli.main(prog_name="glauber")
    except BrokenPipeError:  # `glauber solve ... | head`: stop quietly
        sys.stderr.close()
        sys.exit(EXIT_OK)


if __name__ == "__main__":
    main()
