"""`glauber`: solve, verify, check and generate puzzles from the command line.

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

import click

from puzzles.errors import ConfigError, InputError, PuzzleError

EXIT_OK, EXIT_UNSOLVED, EXIT_USAGE = 0, 1, 2


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


@contextlib.contextmanager
def progress_bar(total: int, label: str, quiet: bool):
    """A progress bar on stderr when it is a terminal (and not --quiet); else silent.
    Yields `advance(k)`."""
    if quiet or total < 2 or not sys.stderr.isatty():
        yield lambda k=1: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr,
                           show_pos=True, show_eta=True) as bar:
        yield bar.update


def parse_box_option(ctx, param, value):
    if value is None:
        return None
    from puzzles.sudoku.model import parse_box
    try:
        return parse_box(value)
    except PuzzleError as e:
        raise click.BadParameter(str(e)) from None


def read_files(paths, fmt: str, box):
    from puzzles.formats import read_file
    with user_errors():
        return [read_file(p, fmt, box) for p in paths]


def write_output(text: str, out: str | None):
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as e:
        raise UserError(f"{out}: cannot write: {e.strerror or e}") from None


def sampler_options(command):
    """The Glauber solver's options, shared by `solve` and `bench` (seed and device too)."""
    options = [
        click.option("--seed", type=int, default=0, show_default=True,
                     help="Random seed; the same seed on the same device gives the same answers."),
        click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto",
                     show_default=True, help="Torch device for the Glauber solver; auto picks "
                     "CUDA when present."),
        click.option("--chains", type=click.IntRange(min=1), default=32, show_default=True,
                     help="Glauber: parallel chains per puzzle."),
        click.option("--sweeps", type=click.IntRange(min=0), default=3000, show_default=True,
                     help="Glauber: sweep budget per puzzle (a sweep updates every cell once)."),
        click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=30.0,
                     show_default=True, help="Glauber: seconds per puzzle; puzzles solved side "
                     "by side in one batch share this budget."),
        click.option("--move", type=click.Choice(["block", "shuffle", "swap", "site"]), default="block",
                     show_default=True, help="Glauber update: block redraws a whole box / "
                     "attribute row from its exact conditional (where a box has too many "
                     "fillings it falls back to shuffle, and to swap where clues add pair "
                     "factors); shuffle reorders 5 cells of a box from their exact conditional; "
                     "swap exchanges two cells of one; site is the single-cell heat bath."),
        click.option("--order", type=click.Choice(["chromatic", "sweep", "random"]),
                     default="chromatic", show_default=True,
                     help="Site moves: all cells of a colour class at once (chromatic), one cell "
                     "at a time in order (sweep), or random cells (random)."),
        click.option("--schedule", type=click.Choice(["tempering", "geometric", "linear", "constant"]),
                     default="tempering", show_default=True,
                     help="tempering: each puzzle's chains sit on a geometric ladder of inverse "
                     "temperatures from --beta-start to --beta-end and exchange states; the "
                     "others anneal every chain from --beta-start to --beta-end over "
                     "--anneal-sweeps (constant: --beta-end throughout)."),
        click.option("--beta-start", type=click.FloatRange(min=0, min_open=True), default=1.0,
                     show_default=True, help="Hottest inverse temperature."),
        click.option("--beta-end", type=click.FloatRange(min=0, min_open=True), default=6.0,
                     show_default=True, help="Coldest inverse temperature (1/beta per violated pair)."),
        click.option("--anneal-sweeps", type=click.IntRange(min=1), default=150, show_default=True,
                     help="Annealing schedules: sweeps from --beta-start to --beta-end."),
        click.option("--patience", type=click.IntRange(min=0), default=30, show_default=True,
                     help="A chain whose best energy has not improved for this many sweeps "
                     "restarts from a fresh random state (0: never)."),
        click.option("--energy", type=click.Choice(["penalty", "lm", "lm+penalty"]), default="penalty",
                     show_default=True, help="Energy the moves follow: constraint penalties, a "
                     "language model, or their weighted sum. Chains are always scored and "
                     "stopped by the penalty (zero exactly on solutions)."),
        click.option("--lm-weight", type=click.FloatRange(min=0), default=1.0, show_default=True,
                     help="Weight of the LM term (multiplies beta: weight 2 at beta 1 is "
                     "weight 1 at beta 2)."),
        click.option("--penalty-weight", type=click.FloatRange(min=0), default=1.0, show_default=True,
                     help="Weight of the penalty term in lm+penalty."),
        click.option("--model", "model_dir", type=click.Path(exists=True, file_okay=False),
                     default=None, help="LM directory (from `glauber train`); default: the "
                     "model shipped for 9x9 Sudoku. Loaded offline, never from a hub."),
        click.option("--propagate", type=click.Choice(["none", "singles", "full"]), default="full",
                     show_default=True, help="Hard-mask propagation before sampling: none; "
                     "singles (naked and hidden singles); full (singles plus locked candidates "
                     "for Sudoku, arc consistency for Zebra)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def make_solver(name: str, opts: dict):
    """The solver behind `--solver`, configured from the sampler options."""
    if name == "reference":
        from puzzles.harness.solving import ReferenceSolver
        return ReferenceSolver()
    if name == "glauber":
        from encoders.pipeline import GlauberSolver, resolve_device
        from solver.glauber import SamplerConfig
        from solver.schedule import AnnealSchedule
        try:
            resolve_device(opts["device"])
            schedule = AnnealSchedule(opts["schedule"], opts["beta_start"], opts["beta_end"],
                                      opts["anneal_sweeps"])
        except ValueError as e:
            raise UserError(str(e)) from None
        config = SamplerConfig(chains=opts["chains"], sweeps=opts["sweeps"],
                               time_limit=opts["time_limit"], order=opts["order"],
                               move=opts["move"], schedule=schedule, patience=opts["patience"])
        return GlauberSolver(config, propagate=opts["propagate"], device=opts["device"],
                             seed=opts["seed"], energy=opts["energy"], lm_weight=opts["lm_weight"],
                             penalty_weight=opts["penalty_weight"], model=opts["model_dir"])
    raise UserError(f"unknown solver {name!r} (use glauber or reference)")


FORMAT_CHOICE = click.Choice(["auto", "lines", "csv", "jsonl", "text"])
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
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--solver", "solver_name", type=click.Choice(["glauber", "reference"]),
              default="glauber", show_default=True,
              help="glauber: annealed Glauber dynamics under the penalty energy; "
                   "reference: the exact SAT solver.")
@FORMAT_OPTION
@BOX_OPTION
@click.option("--out", type=click.Path(dir_okay=False),
              help="Write answers to this file instead of stdout (not written on exit 2).")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object per puzzle: source, kind, puzzle, solution, verified, "
                   "error, seconds and solver statistics.")
@sampler_options
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no per-puzzle error lines.")
def solve(files, solver_name, fmt, box, out, as_json, quiet, **opts):
    """Solve every puzzle in FILES, in input order.

    Answers are written in each file's own format (unsolved puzzles are written back
    unchanged, with an empty CSV solution), or as JSON lines with --json. Zebra puzzles
    (.json, .jsonl, or natural-language .txt files) are always answered in JSON lines,
    with "answer": the house of the puzzle's question entity.
    """
    from puzzles.formats import format_answers
    from puzzles.harness.solving import solve_all

    pfiles = read_files(files, fmt, box)
    solver = make_solver(solver_name, opts)
    total = sum(len(p.records) for p in pfiles)
    chunks, failed = [], 0
    with progress_bar(total, "solving", quiet) as advance:
        for pfile in pfiles:
            with user_errors():
                outcomes = solve_all(solver, [r.puzzle for r in pfile.records], advance)
            chunks.append(format_answers(pfile, outcomes, as_json))
            for record, outcome in zip(pfile.records, outcomes):
                if not outcome.verified:
                    failed += 1
                    if not quiet:
                        click.echo(f"{record.source}: {outcome.error}", err=True)
    write_output("".join(chunks), out)
    if not quiet and total > 1:
        click.echo(f"solved {total - failed}/{total}", err=True)
    sys.exit(EXIT_UNSOLVED if failed else EXIT_OK)


@cli.command()
@click.argument("puzzle_file", type=click.Path(dir_okay=False))
@click.argument("solution_file", type=click.Path(dir_okay=False))
@FORMAT_OPTION
@BOX_OPTION
@click.option("--json", "as_json", is_flag=True, help="One JSON object per puzzle.")
def verify(puzzle_file, solution_file, fmt, box, as_json):
    """Check the answers in SOLUTION_FILE against the puzzles in PUZZLE_FILE.

    SOLUTION_FILE may be any puzzle file (for example the output of `glauber solve`,
    with or without --json); its entries are paired with the puzzles in order.
    """
    from puzzles.formats import candidates

    puzzles, answers = read_files([puzzle_file, solution_file], fmt, box)
    proposed = candidates(answers)
    if len(proposed) != len(puzzles.records):
        raise UserError(f"{solution_file}: {len(proposed)} answers for "
                        f"{len(puzzles.records)} puzzles in {puzzle_file}")
    failed = 0
    for record, (answer_record, answer) in zip(puzzles.records, proposed):
        kind, answer_kind = record.puzzle.kind, answer_record.puzzle.kind
        if answer is None:
            why = "no solution given"
        elif answer_kind != kind:
            why = f"the answer is for a {answer_kind} puzzle, this is a {kind} puzzle"
        else:
            why = record.puzzle.explain(answer)
        failed += why is not None
        if as_json:
            click.echo(json.dumps({"source": record.source, "answer": answer_record.source,
                                   "verified": why is None, "error": why}))
        else:
            click.echo(f"{record.source}: {'ok' if why is None else why}")
    sys.exit(EXIT_UNSOLVED if failed else EXIT_OK)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@FORMAT_OPTION
@BOX_OPTION
@click.option("--json", "as_json", is_flag=True, help="One JSON object per puzzle.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def check(files, fmt, box, as_json, quiet):
    """Check each puzzle: well-formed, givens (Zebra: clues) consistent, and 0, 1 or many
    solutions.

    Exits 0 when every puzzle has exactly one solution, 1 otherwise.
    """
    from puzzles.harness.solving import clash, stated
    from puzzles.kinds import count

    pfiles = read_files(files, fmt, box)
    total = sum(len(p.records) for p in pfiles)
    bad = 0
    lines = []
    with progress_bar(total, "checking", quiet) as advance:
        for pfile in pfiles:
            for record in pfile.records:
                detail = clash(record.puzzle)
                if detail is not None:
                    verdict, stats = "none", {}
                else:
                    counted = count(record.puzzle)
                    verdict = counted.verdict
                    detail = {"none": "no solution", "unique": None,
                              "many": "more than one solution"}[verdict]
                    stats = {"conflicts": counted.conflicts, "decisions": counted.decisions}
                bad += verdict != "unique"
                noun, number = stated(record.puzzle)  # givens (Sudoku) or clues (Zebra)
                if as_json:
                    lines.append(json.dumps({"source": record.source, "kind": record.puzzle.kind,
                                             noun: number, "verdict": verdict,
                                             "error": detail, **stats}))
                else:
                    lines.append(f"{record.source}: {verdict}{': ' + detail if detail else ''}"
                                 f" ({number} {noun})")
                advance(1)
    click.echo("\n".join(lines))
    sys.exit(EXIT_UNSOLVED if bad else EXIT_OK)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--solver", "solver_names", default="glauber,reference", show_default=True,
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
    from puzzles.harness.bench import Stopwatch, format_table, summarize
    from puzzles.harness.solving import solve_all

    pfiles = read_files(files, fmt, box)
    rows = []
    for name in [s.strip() for s in solver_names.split(",") if s.strip()]:
        solver = make_solver(name, opts)
        for pfile in pfiles:
            puzzles = [r.puzzle for r in pfile.records[:limit]]
            with progress_bar(len(puzzles), f"{name} {pfile.path}", quiet) as advance, \
                    Stopwatch() as watch:
                with user_errors():
                    outcomes = solve_all(solver, puzzles, advance)
            label = name if name != "glauber" or opts["energy"] == "penalty" else f"glauber {opts['energy']}"
            rows.append(summarize(pfile.path, label, outcomes, watch.seconds))
    if as_json:
        click.echo("".join(json.dumps(r.as_dict()) + "\n" for r in rows), nl=False)
    else:
        click.echo(format_table(rows))


@cli.group()
def train():
    """Train a language model for the LM energies (saved as a transformers directory)."""


@train.command("sudoku")
@click.option("--arch", type=click.Choice(["mlm", "causal"]), default="mlm", show_default=True,
              help="mlm: BERT-style masked LM (pseudo-Gibbs conditionals); causal: GPT-2-style "
                   "LM of the grid given the puzzle (exact conditionals, slower).")
@click.option("--out", type=click.Path(file_okay=False), required=True,
              help="Directory to write: config, safetensors weights, glauber.json, README.md.")
@click.option("--box", metavar="RxC", default="3x3", show_default=True, callback=parse_box_option,
              help="Board the model is for.")
@click.option("--steps", type=click.IntRange(min=1), default=2000, show_default=True,
              help="Optimizer steps.")
@click.option("--batch", type=click.IntRange(min=1), default=64, show_default=True,
              help="Grids per step (fresh, symmetry-augmented every step).")
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=2e-3, show_default=True,
              help="Peak learning rate (linear warm-up, cosine decay).")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True,
              help="Torch device.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def train_sudoku(arch, out, box, steps, batch, lr, device, seed, quiet):
    """Train on generated solved grids (never downloads anything); prints the held-out
    accuracy recorded in the model card."""
    from encoders.lm import train_sudoku as run_training
    from encoders.pipeline import resolve_device

    try:
        dev = resolve_device(device)
    except ValueError as e:
        raise UserError(str(e)) from None
    with progress_bar(steps, "training", quiet) as advance:
        card = run_training(arch, out, steps, box, batch, lr, seed, dev,
                            progress=lambda k, loss: advance(k))
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
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@click.option("--format", "fmt", type=click.Choice(["lines", "csv", "jsonl"]), default="lines",
              show_default=True,
              help="lines: one puzzle per line; csv: puzzle,solution,givens,conflicts,decisions; "
                   "jsonl: objects with box, solution and the difficulty figures.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def generate_sudoku(box, count, givens, seed, minimal, out, fmt, quiet):
    """Unique Sudoku puzzles with a difficulty figure (SAT conflicts and decisions
    needed to solve each and prove it unique)."""
    from puzzles.formats import box_label
    from puzzles.sudoku.generate import SudokuGenerator

    cells = (box[0] * box[1]) ** 2
    if givens is not None and givens > cells:
        raise UserError(f"--givens {givens} is more than the {cells} cells of the board")
    rows = []
    with SudokuGenerator(box, seed) as gen, progress_bar(count, "generating", quiet) as advance:
        for _ in range(count):
            with user_errors():
                g = gen.generate(givens, minimal)
            rows.append(g)
            advance(1)
    if fmt == "lines":
        text = "".join(f"{g.puzzle.format()}\n" for g in rows)
    elif fmt == "csv":
        text = "puzzle,solution,givens,conflicts,decisions\n" + "".join(
            f"{g.puzzle.format()},{g.solution.format()},{g.puzzle.givens},{g.conflicts},{g.decisions}\n"
            for g in rows)
    else:
        text = "".join(json.dumps({"kind": "sudoku", "box": box_label(box), "puzzle": g.puzzle.format(),
                                   "solution": g.solution.format(), "givens": g.puzzle.givens,
                                   "conflicts": g.conflicts, "decisions": g.decisions}) + "\n"
                       for g in rows)
    write_output(text, out)


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
@click.option("--format", "fmt", type=click.Choice(["jsonl", "text"]), default="jsonl",
              show_default=True,
              help="jsonl: one JSON object per puzzle with houses, attributes, clues, question, "
                   "solution and the difficulty figures; text: natural language, without the "
                   "solution (the same --seed in jsonl gives the same puzzles with solutions).")
@click.option("--wording", type=click.Choice(["people", "houses"]), default="people",
              show_default=True,
              help="text: 'There are N people ... in positions 1, 2, ...' or 'There are N "
                   "houses, numbered 1 to N ...'.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def generate_zebra(houses, attributes, count, seed, out, fmt, wording, quiet):
    """Unique Zebra puzzles with a minimal clue set, a question, and a difficulty figure
    (SAT conflicts and decisions needed to solve each and prove it unique)."""
    from puzzles.zebra.generate import ZebraGenerator
    from puzzles.zebra.text import to_text

    # Several text puzzles cannot share one file (a text file holds one puzzle).
    to_directory = fmt == "text" and (count > 1 or (out is not None and os.path.isdir(out)))
    if to_directory and out is None:
        raise UserError("--format text with --count > 1 writes one file per puzzle: "
                        "give --out DIRECTORY")
    gen = ZebraGenerator(houses, attributes, seed)
    rows = []
    with progress_bar(count, "generating", quiet) as advance:
        for _ in range(count):
            rows.append(gen.generate())
            advance(1)
    if fmt == "jsonl":
        write_output("".join(json.dumps({"kind": "zebra", **g.puzzle.to_json(),
                                         "solution": g.solution.to_json(),
                                         "conflicts": g.conflicts, "decisions": g.decisions}) + "\n"
                             for g in rows), out)
    elif not to_directory:
        write_output(to_text(rows[0].puzzle, wording), out)
    else:
        try:
            os.makedirs(out, exist_ok=True)
        except OSError as e:
            raise UserError(f"{out}: cannot create directory: {e.strerror or e}") from None
        width = max(3, len(str(count)))
        for i, g in enumerate(rows, 1):
            write_output(to_text(g.puzzle, wording), os.path.join(out, f"zebra_{i:0{width}d}.txt"))


REPORT_ENERGIES = ("penalty", "lm", "lm+penalty", "reference")


def energy_solver(energy: str, opts: dict):
    """The solver behind a report energy: `reference` is the exact SAT solver; the others
    are the Glauber solver under that `--energy` (`penalty`: constraint penalties only).
    Module-level so that Ray ships it to workers by reference."""
    if energy == "reference":
        return make_solver("reference", opts)
    return make_solver("glauber", {**opts, "energy": energy})


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--energies", "energy_names", default="penalty,reference", show_default=True,
              help="Comma-separated energies to compare on the same puzzles: penalty, lm, "
                   "lm+penalty (Glauber dynamics under that energy) and reference (the "
                   "exact SAT solver).")
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

    from puzzles.harness.report import (
        ChunkRunner,
        build_report,
        chunks_of,
        dataset_labels,
        format_table,
    )

    energies = list(dict.fromkeys(e.strip() for e in energy_names.split(",") if e.strip()))
    unknown = [e for e in energies if e not in REPORT_ENERGIES] or ([] if energies else [""])
    if unknown:
        raise UserError(f"unknown energy {unknown[0]!r} (use {', '.join(REPORT_ENERGIES)})")
    if click.get_current_context().get_parameter_source("energy") != ParameterSource.DEFAULT:
        raise UserError("report compares the energies given by --energies; --energy is for "
                        "solve and bench")
    del opts["energy"]  # set per energy by energy_solver
    try:  # the extras are checked before the solving, not after it
        import matplotlib  # noqa: F401
    except ImportError:
        raise UserError("glauber report draws plots with matplotlib: "
                        "pip install -e '.[report]'") from None
    if ray_address is not None:
        from puzzles.harness.distributed import require_ray
        try:
            require_ray()
        except ImportError as e:
            raise UserError(str(e)) from None
    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as e:
        raise UserError(f"{out_dir}: cannot create directory: {e.strerror or e}") from None
    pfiles = read_files(files, fmt, box)
    factory = functools.partial(energy_solver, opts=opts)
    runner = ChunkRunner(energies, factory, opts["seed"])  # bad settings fail here, not later
    labels = dataset_labels(files)
    work = [chunk for label, pfile in zip(labels, pfiles)
            for chunk in chunks_of(label, pfile.records[:limit], chunk_size)]
    total = sum(len(c.records) for c in work) * len(energies)
    with progress_bar(total, "report", quiet) as advance, user_errors():
        if ray_address is None:
            results, workers = [runner.run(chunk, advance) for chunk in work], 1
        else:
            from puzzles.harness.distributed import run_sharded
            try:
                results, workers = run_sharded(ray_address, work, energies, factory,
                                               opts["seed"], advance)
            except ConnectionError as e:
                raise UserError(f"--ray: {e}") from None
    settings = {"files": list(files), "energies": energies, "limit": limit,
                "chunk_size": chunk_size, "format": fmt, "box": box, **opts,
                "ray": ray_address, "workers": workers}
    result = build_report(results, labels, energies, settings)
    written = result.write(out_dir)
    click.echo(format_table(result.summaries))
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
