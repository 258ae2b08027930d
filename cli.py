"""`glauber`: solve, verify, check and generate puzzles from the command line.

This module holds only the command group, the mapping of errors to exit codes and
`main`; each command is a module of `harness.commands` (solve, verify, check, bench,
report, train, generate), and what they share (one-line errors, progress, input files,
outputs, the solver options) is in `harness.commands.common` and `.options`. The work is
in the library: `harness` (solving, checking, bench, report), `puzzles.formats` and the
generators. Option choices and defaults come from the library's constants and
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

import sys

import click

from harness.commands.bench import bench
from harness.commands.check import check
from harness.commands.common import (
    EXIT_OK, EXIT_USAGE, Interrupted, UserError, quiet_stdout)
from harness.commands.generate import generate
from harness.commands.report import report
from harness.commands.solve import solve
from harness.commands.train import train
from harness.commands.verify import verify
from harness.solving import interruption


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


@click.group(cls=Glauber, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="glauber", prog_name="glauber")
def cli():
    """Solve, check and generate constraint puzzles with Glauber dynamics.

    Every answer is checked by an exact verifier before it is reported as solved.
    """


for command in (solve, verify, check, bench, train, generate, report):
    cli.add_command(command)


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
