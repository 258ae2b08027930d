"""`glauber`: solve, verify, check and generate puzzles from the command line.

This module only declares options, maps the library's errors to exit codes and prints;
the work is in `harness` (solving, checking, bench, report), `puzzles.formats`
and the generators. Option choices and defaults come from the library's constants and
dataclasses, so the CLI and the Python API agree.

Exit codes (the contract scripts rely on):
  0    every puzzle solved and verified (check: every puzzle has exactly one solution)
  1    some puzzle unsolved, unsatisfiable, with clashing givens or not unique; it still
       gets its output line and the others are still answered
  2    usage error or malformed input: `FILE:LINE: what is wrong` on stderr, nothing
       written; or an output that cannot be written (a full disk): one line on stderr
  130  interrupted (Ctrl-C): what was finished is written, stderr says how much
"""

from __future__ import annotations

import contextlib
import io
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
from puzzles.formats import FORMATS, board_key
from harness.solvers import DEFAULT_THREADS, SOLVERS
from harness.solving import interruption
from puzzles.sudoku import generate as sudoku_generate
from puzzles.zebra import generate as zebra_generate
from puzzles.zebra.text import WORDINGS
from solver.config import MOVES, ORDERS, SamplerConfig
from solver.schedule import SCHEDULES, AnnealSchedule

EXIT_OK, EXIT_UNSOLVED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
SAMPLER, SCHEDULE, GLAUBER = SamplerConfig(), AnnealSchedule(), GlauberOptions()  # defaults
TRAIN = TrainConfig()
ZEBRA_TRAIN = ZebraTrainConfig()
THREADS_TRAIN = click.option(
    "--threads", type=click.IntRange(min=1), default=None,
    help="CPU threads for torch (default: torch's, one per core; on a shared machine "
         "fewer can be faster: docs/benchmarks.md, Threads).")


class UserError(click.ClickException):
    """A mistake in the user's input: one line on stderr, exit 2, no traceback."""

    exit_code = EXIT_USAGE

    def show(self, file=None):
        click.echo(self.format_message(), err=True)


class Interrupted(click.ClickException):
    """Ctrl-C: one line on stderr (what was kept), exit 130, no traceback."""

    exit_code = EXIT_INTERRUPTED

    def show(self, file=None):
        click.echo(self.format_message(), err=True)


class OutputError(UserError):
    """An output that cannot be written (a full disk, a closed pipe aside): one line."""


class Glauber(click.Group):
    """The command group: Ctrl-C anywhere (in a SAT call too) ends a command with one
    line and exit 130; commands that keep work say what they kept themselves."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except Exception as e:  # noqa: BLE001 (PySAT's interrupt is a plain Exception)
            if interruption(e):
                raise Interrupted("interrupted") from None
            if isinstance(e, OSError) and not isinstance(e, BrokenPipeError):
                raise UserError(os_error_line(e)) from None
            raise
        except KeyboardInterrupt:
            raise Interrupted("interrupted") from None


def os_error_line(error: OSError) -> str:
    """One line for an OSError no command turned into a message of its own."""
    return f"{error.filename}: {error.strerror or error}" if error.filename else \
        f"error: {error.strerror or error}"


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

    def echo(self, text: str):
        """A line on stderr: on a line of its own, the bar cleared first and drawn again
        below it (the bar's line has no newline, so a message would run into it)."""
        if self.bar is None:
            click.echo(text, err=True)
            return
        sys.stderr.write("\r\x1b[K")  # back to the line's start, clear it
        click.echo(text, err=True)
        self.bar._last_line = None  # click draws only a changed line; this one is gone
        self.bar.render_progress()


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


def read_files(paths, fmt: str, box, apart: bool = False, scan: bool = False):
    """Every file's PuzzleFile. A bad file is a usage error, unless `apart`: then it takes
    its place in the list as the InputError saying why (one bad file of many is one bad
    answer, not a dead run). `scan`: checked and counted, but large files are not held
    (`puzzles.formats.scan_file`)."""
    from puzzles.formats import read_file, scan_file
    reader = scan_file if scan else read_file
    if not apart:
        with user_errors():
            return [reader(p, fmt, box) for p in paths]
    read = []
    for p in paths:
        try:
            read.append(reader(p, fmt, box))
        except InputError as e:
            read.append(e)
        except PuzzleError as e:
            read.append(InputError(p, None, str(e)))
    return read


def unreadable(pfile, as_json: bool, write, echo=None) -> bool:
    """For an InputError in place of a file (`read_files(apart=True)`): its own output
    line, `FILE:LINE: why` on stderr (through `echo`), and True; False for a file that
    was read."""
    if not isinstance(pfile, InputError):
        return False
    from puzzles.formats import error_answer
    write(error_answer(pfile, as_json))
    (echo or (lambda text: click.echo(text, err=True)))(str(pfile))
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


def cannot_write(where: str, error: OSError) -> OutputError:
    return OutputError(f"{where}: cannot write: {error.strerror or error}")


class Output:
    """Where answers go: stdout, or the file `path`, opened (an existing file replaced)
    only at the first write: a run that fails before its first answer (bad input, a model
    that does not fit the board) leaves an existing file as it was. Written unbuffered,
    piece by piece, so an interrupted or killed run keeps what it wrote. `json_array`:
    the pieces are JSON lines, and the file is one JSON array of them (closed by
    `close`, after an interruption too). An OSError is an `OutputError`: one line."""

    def __init__(self, path: str | None, json_array: bool = False):
        self.path, self.json_array = path, json_array
        self.file = None
        self.items = 0  # JSON array elements written

    def write(self, text: str) -> None:
        if not text:
            return
        if self.json_array:
            pieces = []
            for line in text.splitlines():
                if line.strip():
                    pieces.append(("[\n" if self.items == 0 else ",\n") + line)
                    self.items += 1
            text = "".join(pieces)
        self._write(text)

    def _write(self, text: str) -> None:
        if self.path is None:
            echo_out(text, nl=False)
            return
        try:
            if self.file is None:
                self.file = open(self.path, "wb", buffering=0)
            data = text.encode("utf-8")
            while data:
                data = data[self.file.write(data):]
        except OSError as e:
            raise cannot_write(self.path, e) from None

    def close(self) -> None:
        """End the JSON array (when one was begun) and close the file; again: nothing."""
        if self.json_array and self.items:
            self.items, self.json_array = 0, False
            self._write("\n]\n")
        if self.file is not None:
            self.file.close()
            self.file = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            self.close()
        except OutputError:
            if exc[0] is None:
                raise  # else the error already on its way says more


def quiet_stdout() -> None:
    """After stdout failed (a full disk): point it at /dev/null, so that Python's flush at
    exit does not fail again with a second message."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass


def echo_out(text: str, nl: bool = True) -> None:
    """A result on stdout; an OSError (a full disk) is one line, exit 2."""
    try:
        click.echo(text, nl=nl)
    except BrokenPipeError:
        raise
    except OSError as e:
        quiet_stdout()
        raise cannot_write("stdout", e) from None


def json_array_for(out: str | None) -> bool:
    """Is `out` a `.json` file (answers as one JSON array; `.jsonl`: one per line)?"""
    return out is not None and out.lower().endswith(".json")


def write_output(text: str, out: str | None):
    with Output(out) as sink:
        sink.write(text)


def make_directory(path: str):
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as e:
        raise UserError(f"{path}: cannot create directory: {e.strerror or e}") from None


def warn_idle(opts: dict, solvers: tuple[str, ...], quiet: bool):
    """`warning: --lm-weight does nothing with --energy penalty ...` on stderr for every
    option given on the command line that does nothing with the others (not with --quiet)."""
    from harness.solvers import idle_settings
    if quiet:
        return
    ctx = click.get_current_context()
    given = {k for k in opts if ctx.get_parameter_source(k) not in (None, ParameterSource.DEFAULT)}
    for warning in idle_settings(opts, given, solvers):
        click.echo(f"warning: {warning}", err=True)


def build_solver(name: str, opts: dict):
    """`harness.solvers.make_solver`, its errors as usage errors."""
    from harness.solvers import make_solver
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


@click.group(cls=Glauber, context_settings={"help_option_names": ["-h", "--help"]})
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
    from puzzles.formats import answer_header, format_answer, iter_records
    from harness.solvers import preflight
    from harness.solving import solve_stream

    hush(quiet)
    if not files and not puzzle_strings:
        raise UserError("nothing to solve: give FILES (- for stdin) or --puzzle STRING")
    check_out_file(out)
    as_json = as_json or (out or "").lower().endswith((".jsonl", ".json"))
    pfiles = read_files(files, fmt, box, apart=len(files) > 1, scan=True)
    if puzzle_strings:
        from puzzles.formats import read_text
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
                                 advance, sweep_status(advance), ordered=not unordered)
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
    from harness.checking import judge_answers

    puzzles, answers = read_files([puzzle_file, solution_file], fmt, box)
    with user_errors():
        judged = judge_answers(puzzles, answers)
    for j in judged:
        echo_out(json.dumps(j.as_dict()) if as_json else j.line())
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
    from harness.checking import check as check_record

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
    from harness.bench import bench_file, bench_label, format_table

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
        echo_out("".join(json.dumps(r.as_bench_dict()) + "\n" for r in rows), nl=False)
    else:
        echo_out(format_table(rows))


INIT_FROM_OPTION = click.option(
    "--init-from", type=click.Path(exists=True, file_okay=False), default=None,
    help="Fine-tune this local checkpoint (any transformers masked or causal LM with its "
         "tokenizer, or a glauber model) instead of training a new model; loaded offline. "
         "The output directory holds the model, its tokenizer and a card for --model.")


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
@THREADS_TRAIN
@INIT_FROM_OPTION
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def train_sudoku(arch, out, box, steps, batch, lr, attention, chain_share, device, seed, threads,
                 init_from, quiet):
    """Train on generated solved grids (never downloads anything); prints the model card
    with its held-out accuracy on masked and corrupted cells. With --init-from DIR,
    fine-tune that checkpoint instead (its arch, attention and tokenizer are kept)."""
    from encoders.lm_training import train as run_training

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
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True,
              help="Torch device.")
@click.option("--seed", type=int, default=ZEBRA_TRAIN.seed, show_default=True,
              help="Random seed (same seed and device: the same model).")
@THREADS_TRAIN
@INIT_FROM_OPTION
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def train_zebra(arch, out, houses, attributes, steps, batch, lr, device, seed, threads,
                init_from, quiet):
    """Train on puzzles from the unique generator (never downloads anything); prints the
    model card with its held-out accuracy and the share of generated 5x5 puzzles it
    solves alone by unmasking. With --init-from DIR, fine-tune that checkpoint instead
    on the clue text and entity lines it reads through its own tokenizer."""
    from encoders.zebra_training import train as run_training

    config = ZebraTrainConfig(houses=houses, attributes=attributes, steps=steps, batch=batch,
                              lr=lr, seed=seed, init_from=init_from)
    run_training_command(run_training, config, out, device, quiet, threads)


def no_library_bars():
    """transformers' and the Hugging Face hub's own progress bars off (`Writing model
    shards` when a model is saved): wanted on a terminal only, and there only beside ours."""
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    from transformers.utils import logging as hf_logging
    hf_logging.disable_progress_bar()


def run_training_command(run_training, config, out, device, quiet, threads=None):
    """Train with a progress bar showing the loss, save, print the card. Libraries' own
    bars are shown only on a terminal, and not with --quiet."""
    from encoders.pipeline import resolve_device
    from harness.solvers import set_threads

    hush(quiet)
    if quiet or not sys.stderr.isatty():
        no_library_bars()
    set_threads(threads)
    try:
        dev = resolve_device(device)
    except ValueError as e:
        raise UserError(str(e)) from None
    show_loss = lambda loss: None if loss is None else f"loss {loss:.3f}"  # noqa: E731
    with progress_bar(config.steps, "training", quiet, show_loss) as advance:
        try:
            card = run_training(config, out, dev, progress=advance)
        except ConfigError as e:  # --init-from: not a checkpoint, or one for another board
            raise UserError(str(e)) from None
    normal_permissions(out)  # safetensors writes its file 0600
    echo_out(json.dumps(card, indent=2))


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
        width = max(3, len(str(count)))  # the names of zebra_generate.text_files
        names = [f"zebra_{i:0{width}d}.txt" for i in range(1, count + 1)]
        if to_directory:
            make_directory(out)
        with progress_bar(count, "generating", quiet) as advance:
            for name in names:
                text = zebra_generate.to_text(gen.generate().puzzle, wording)
                write_output(text, os.path.join(out, name) if to_directory else out)
                made[0] += 1
                advance(1)


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(allow_dash=True))
@click.option("--energies", "energy_names", default="penalty,reference", show_default=True,
              help="Comma-separated energies to compare on the same puzzles: penalty, lm, "
                   "lm+penalty (Glauber dynamics under that energy), lm-init (penalty "
                   "moves from the LM's unmasking, as --init lm) and reference (the exact "
                   "SAT solver).")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Directory (created at the first result) for results.jsonl (each result "
                   "appended as it is ready), run.json (the settings, for --resume), and "
                   "at the end report.md, report.json and the PNG plots.")
@click.option("--resume", is_flag=True,
              help="Continue the unfinished (interrupted) report in --out with the settings "
                   "it was started with (FILES and options may be left out; any given must "
                   "match), skipping the results it holds, then write the report.")
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
def report(files, energy_names, out_dir, resume, limit, chunk_size, ray_address, fmt, box,
           quiet, **opts):
    """Accuracy report of energies on puzzle files: per dataset and energy, solved %,
    cell accuracy, seconds per puzzle, sweeps and agreement with the files' solutions,
    as report.md, report.json, results.jsonl and PNG plots in --out.

    Each result is appended to results.jsonl (with its solution) as soon as it is ready;
    Ctrl-C keeps them (exit 130) and --resume continues the report. The same --seed on
    the same device reproduces every figure except the timings, with or without --ray or
    an interruption (while the sweep budget, not --time-limit, stops the sampler).
    """
    import functools

    from harness import report as reports
    from harness.solvers import energy_solver, parse_energies, preflight

    hush(quiet)
    ctx = click.get_current_context()
    given = {k for k in ctx.params
             if ctx.get_parameter_source(k) not in (None, ParameterSource.DEFAULT)}
    if "energy" in given:
        raise UserError("report compares the energies given by --energies; --energy is for "
                        "solve and bench")
    del opts["energy"]  # set per energy by energy_solver
    check_out_dir(out_dir)
    with user_errors():
        run = reports.read_run(out_dir) if os.path.isdir(out_dir) else None
        energies = parse_energies(energy_names)
    settings = {"files": list(files), "energies": energies, "limit": limit,
                "chunk_size": chunk_size, "format": fmt,
                "box": f"{box[0]}x{box[1]}" if box else None, **opts}
    if resume:
        if run is None:
            raise UserError(f"{out_dir}: no report to resume (no {reports.RUN_FILE}); "
                            "start one without --resume")
        settings = resumed_settings(out_dir, run["settings"], settings, given)
        files, energies, limit, chunk_size, fmt = (settings[k] for k in (
            "files", "energies", "limit", "chunk_size", "format"))
        box = parse_box_option(None, None, settings["box"])
        opts = {k: settings[k] for k in opts}
    elif not files:
        raise UserError("nothing to report on: give FILES (or --resume to continue the "
                        "report in --out)")
    elif run is not None and not run.get("finished"):
        with user_errors():
            held = len(reports.read_rows(out_dir))
        raise UserError(f"{out_dir} holds an unfinished report ({plural(held, 'result')}): "
                        "continue it with --resume, or give another --out")
    with user_errors():
        reports.check_extras(ray_address)
    pfiles = read_files(files, fmt, box)
    labels = reports.dataset_labels(files)
    factory = functools.partial(energy_solver, settings=opts)
    with user_errors():  # bad settings, models that do not fit: before any work
        runner = reports.ChunkRunner(energies, factory, opts["seed"])
        for label, pfile in zip(labels, pfiles):
            samples = list({board_key(r.puzzle): r.puzzle for r in pfile.records}.values())
            for energy, solver in runner.solvers.items():
                try:
                    preflight(solver, samples)
                except ConfigError as e:
                    raise ConfigError(f"energy {energy} is not available for {label}: {e}") from None
    lm_energies = [e for e in energies if e in ("lm", "lm+penalty")]
    warn_idle({**opts, "energy": lm_energies[-1] if lm_energies else "penalty",
               "init": "lm" if "lm-init" in energies else opts.get("init", "uniform")},
              ("reference",) if energies == ["reference"] else ("glauber",), quiet)
    work = reports.plan_chunks(labels, pfiles, chunk_size, limit)
    done = done_results(out_dir, labels, pfiles) if resume else {}
    total = sum(runner.work(c, reports.done_in(c, done.get(c.dataset, ()))) for c in work)
    results = sum(len(c.records) for c in work) * len(energies)
    kept = sum(len(d) for d in done.values())
    log = reports.ResultsLog(out_dir, {**settings, "ray": ray_address}, fresh=not resume)
    workers = 1
    try:
        with progress_bar(total, "report", quiet) as advance, user_errors():
            if total:
                _, workers = reports.run_chunks(work, runner, ray_address, advance, done,
                                                log.append)
    except OSError as e:
        raise OutputError(f"{out_dir}: cannot write the results: {e.strerror or e}") from None
    except (Exception, KeyboardInterrupt) as e:  # noqa: BLE001 (PySAT's interrupt)
        if not interruption(e):
            raise
        kept += log.rows
        raise Interrupted(
            f"interrupted: {kept} of {results} results kept in "
            f"{os.path.join(out_dir, reports.RESULTS_FILE)}; continue with: glauber report "
            f"--out {out_dir} --resume" if kept else
            f"interrupted: 0 of {results} results finished") from None
    finally:
        log.close()
    settings.update(ray=ray_address, workers=workers)
    make_directory(out_dir)
    try:
        with user_errors():
            result, written = reports.finish(out_dir, labels, energies, settings)
    except OSError as e:
        raise OutputError(f"{out_dir}: cannot write the report: {e.strerror or e}") from None
    echo_out(reports.format_table(result.summaries))
    if not quiet:
        click.echo(f"wrote {', '.join(written)}", err=True)


# report settings that may differ on --resume: they change where and how fast, not what
RESUME_FREE = ("ray", "workers", "threads")
PARAMETER_SETTING = {"energy_names": "energies", "fmt": "format"}  # others: the same name


def resumed_settings(out_dir: str, stored: dict, current: dict, given: set) -> dict:
    """The settings a report was started with (run.json), after checking that every
    option given on this command line agrees with them."""
    for param in sorted(given):
        key = PARAMETER_SETTING.get(param, param)
        if key not in current or key in RESUME_FREE:
            continue
        mine, theirs = json.loads(json.dumps(current[key])), stored.get(key)
        if mine != theirs:
            from harness.solvers import option_name
            name = "FILES" if key == "files" else option_name(key)
            shown = (" " if key == "files" else ",").join(theirs) if isinstance(theirs, list) \
                else theirs
            raise UserError(f"{out_dir}: the report was started with {name} {shown}; --resume "
                            f"continues it with the settings in run.json (leave {name} out, "
                            "or give another --out)")
    return {**stored, **{k: current[k] for k in RESUME_FREE if k in current}}


def done_results(out_dir: str, labels, pfiles) -> dict[str, set]:
    """The (energy, index) pairs results.jsonl holds, per dataset; a usage error when a
    result names another puzzle than the file now holds at its index (the input changed)."""
    from harness.report import read_rows
    with user_errors():
        rows = read_rows(out_dir)
    records = dict(zip(labels, (p.records for p in pfiles)))
    done: dict[str, set] = {}
    for row in rows:
        held = records.get(row.dataset)
        if held is None or row.index >= len(held) or held[row.index].source != row.source:
            raise UserError(f"{out_dir}: result {row.source} ({row.dataset} #{row.index}) is "
                            "not the puzzle the input holds there: the input changed since "
                            "the report started; give another --out")
        done.setdefault(row.dataset, set()).add((row.energy, row.index))
    return done


def main():
    try:
        cli.main(prog_name="glauber")
    except BrokenPipeError:  # `glauber solve ... | head`: stop quietly
        quiet_stdout()
        sys.stderr.close()
        sys.exit(EXIT_OK)
    except SystemExit as e:
        try:  # what stdout still buffers (a table, JSON): its failure is one line too
            sys.stdout.flush()
        except BrokenPipeError:
            quiet_stdout()
        except OSError as error:
            quiet_stdout()
            click.echo(f"stdout: cannot write: {error.strerror or error}", err=True)
            sys.exit(EXIT_USAGE if e.code in (None, 0) else e.code)
        raise


if __name__ == "__main__":
    main()
