"""What every `glauber` command shares: the exit codes, the one-line errors (usage,
interrupt, output), the progress bar, reading the input files, checking and writing the
outputs (`Output`: stdout or a file opened at the first answer), and warnings for options
that do nothing."""

from __future__ import annotations

import contextlib
import io
import os
import sys
import time
import warnings

import click
from click.core import ParameterSource

from harness.answers import error_answer
from harness.commands.options import idle_settings, option_name
from harness.solvers import make_solver
from puzzles.errors import ConfigError, InputError, PuzzleError
from puzzles.formats import PuzzleFile, read_file, scan_file
from solver.observers import Hooks

EXIT_OK, EXIT_UNSOLVED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


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


@contextlib.contextmanager
def user_errors():
    """Turn the library's input errors into `UserError`."""
    try:
        yield
    except (InputError, PuzzleError, ConfigError) as e:
        raise UserError(said(e)) from None


def said(error: Exception) -> str:
    """An error's message as the CLI says it: a ConfigError's settings as their options
    (`{lm_weight}` -> `--lm-weight`)."""
    return error.worded(option_name) if isinstance(error, ConfigError) else str(error)


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
    os.environ["TRANSFORMERS_VERBOSITY"] = "error"
    os.environ["TRANSFORMERS_NO_ADVISORY_WARNINGS"] = "1"
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    warnings.filterwarnings("ignore")
    if "transformers" in sys.modules:  # its API only when loaded: never loads it
        from transformers.utils import logging as hf_logging
        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()


def bar_observer(progress: Progress) -> Hooks:
    """The solvers' observer of a progress bar: finished puzzles advance it, a batch's
    status (sweep, lowest energy) is shown after it."""
    return Hooks(finished=progress, status=lambda sweep, lowest: progress.status(
        f"sweep {sweep}, lowest energy {lowest:g}"))


def read_files(paths, fmt: str, box, apart: bool = False, scan: bool = False):
    """Every file's PuzzleFile. A bad file is a usage error, unless `apart`: then it takes
    its place in the list as the InputError saying why (one bad file of many is one bad
    answer, not a dead run). `scan`: checked and counted, but large files are not held
    (`puzzles.formats.scan_file`)."""
    reader = scan_file if scan else read_file
    if not apart:
        with user_errors():
            return [reader(p, fmt, box) for p in paths]
    read: list[PuzzleFile | InputError] = []
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
        self.file: io.FileIO | None = None
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
    if quiet:
        return
    ctx = click.get_current_context()
    given = {k for k in opts if ctx.get_parameter_source(k) not in (None, ParameterSource.DEFAULT)}
    for warning in idle_settings(opts, given, solvers):
        click.echo(f"warning: {warning}", err=True)


def build_solver(name: str, opts: dict):
    """`harness.solvers.make_solver`, its errors as usage errors."""
    with user_errors():
        return make_solver(name, opts)
