"""`glauber report`: accuracy reports of energies on puzzle files, resumable."""

from __future__ import annotations

import json
import os

import click
from click.core import ParameterSource

from harness.commands.common import (
    Interrupted, OutputError, UserError, check_out_dir, echo_out, hush, make_directory,
    progress_bar, user_errors, warn_idle)
from harness.commands.options import (
    BOX_OPTION, FORMAT_OPTION, option_name, parse_box_option, sampler_options)
from harness.solvers import (DEFAULT_REPORT_ENERGIES, REPORT_CHUNK_SIZE, RESUME_FREE,
                             parse_energies)
from harness.solving import interruption
from puzzles.base import plural


@click.command()
@click.argument("files", nargs=-1, type=click.Path(allow_dash=True))
@click.option("--energies", "energy_names", default=",".join(DEFAULT_REPORT_ENERGIES),
              show_default=True,
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
@click.option("--chunk-size", type=click.IntRange(min=1), default=REPORT_CHUNK_SIZE,
              show_default=True,
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
    # numpy (harness.scoring): loaded by report only, not by `glauber --help` or `verify`
    from harness import report as reports

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
    with user_errors():  # bad files, settings, models that do not fit: before any work
        job = reports.ReportRun(files, out_dir, energies, opts, limit=limit,
                                chunk_size=chunk_size, format=fmt, box=box, ray=ray_address,
                                resume=resume)
    lm_energies = [e for e in energies if e in ("lm", "lm+penalty")]
    warn_idle({**opts, "energy": lm_energies[-1] if lm_energies else "penalty",
               "init": "lm" if "lm-init" in energies else opts.get("init", "uniform")},
              ("reference",) if energies == ["reference"] else ("glauber",), quiet)
    try:
        with progress_bar(job.total, "report", quiet) as advance, user_errors():
            job.solve(advance)
    except OSError as e:
        raise OutputError(f"{out_dir}: cannot write the results: {e.strerror or e}") from None
    except (Exception, KeyboardInterrupt) as e:  # noqa: BLE001 (PySAT's interrupt)
        if not interruption(e):
            raise
        raise Interrupted(
            f"interrupted: {job.kept} of {job.results} results kept in "
            f"{os.path.join(out_dir, reports.RESULTS_FILE)}; continue with: glauber report "
            f"--out {out_dir} --resume" if job.kept else
            f"interrupted: 0 of {job.results} results finished") from None
    make_directory(out_dir)
    try:
        with user_errors():
            result, written = job.finish()
    except OSError as e:
        raise OutputError(f"{out_dir}: cannot write the report: {e.strerror or e}") from None
    echo_out(reports.format_table(result.summaries))
    if not quiet:
        click.echo(f"wrote {', '.join(written)}", err=True)


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
            name = "FILES" if key == "files" else option_name(key)
            shown = (" " if key == "files" else ",").join(theirs) if isinstance(theirs, list) \
                else theirs
            raise UserError(f"{out_dir}: the report was started with {name} {shown}; --resume "
                            f"continues it with the settings in run.json (leave {name} out, "
                            "or give another --out)")
    return {**stored, **{k: current[k] for k in RESUME_FREE if k in current}}

