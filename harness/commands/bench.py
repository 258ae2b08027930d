"""`glauber bench`: a table of solvers on puzzle files."""

from __future__ import annotations

import json

import click

from harness.commands.common import (
    build_solver, echo_out, hush, progress_bar, read_files, user_errors, warn_idle)
from harness.commands.options import BOX_OPTION, FORMAT_OPTION, sampler_options
from harness.solvers import SOLVERS


@click.command()
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
    # numpy (harness.scoring): loaded by bench only, not by `glauber --help` or `verify`
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
