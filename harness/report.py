"""Accuracy reports: run energies over puzzle datasets, score every answer, summarize.

An *energy* is a named solver (the Glauber sampler under a penalty or language-model
energy, or the exact SAT reference) built by a factory the caller passes in, so this
module never imports torch.

Work is cut into chunks: `chunk_size` consecutive puzzles of one dataset, by index.
A solver that takes puzzles one at a time (the exact solver, the Glauber solver's
constructive search) solves each puzzle in its own call, seeded with
`puzzle_seed(seed, index)`; a batching solver (annealing, puzzles side by side) solves a
chunk in one call, seeded with `chunk_seed(seed, k)`. Either way a puzzle's result
depends on the seed, its index or chunk and the settings only -- not on the process that
ran it or on what that process ran before. That is what lets
`harness.distributed` shard chunks across Ray workers and still merge the
single-process report (see there for what is reproduced and what is only measured), and
what lets an interrupted report resume where it stopped.

Results are kept as they are made: every (puzzle, energy) row is appended to
`results.jsonl` in the report directory as soon as it is scored (`ResultsLog`), with the
run's settings in `run.json`; the report (report.md, report.json, plots) is built from
results.jsonl (`finish`), by the run that completes the work or by a resumed one.

Rows, scores, summaries and the table are `harness.scoring`'s, shared with
`glauber bench`.
"""

from __future__ import annotations

import functools
import json
import os
import platform
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from typing import Callable, Mapping, Sequence, TextIO

from puzzles.errors import ConfigError
from puzzles.formats import PuzzleFile, board_key, held_records, iter_records, read_file
from puzzles.sudoku.model import parse_box
from harness import scoring
from harness.chunks import Chunk, ChunkResult, ChunkRunner, chunks_of, done_in
from harness.distributed import require_ray, run_sharded
from harness.scoring import Row, Summary, format_table
from harness.solvers import (DEFAULT_REPORT_ENERGIES, REPORT_CHUNK_SIZE, RESUME_FREE,
                             energy_solver, full_settings, parse_energies, preflight)

RUN_FILE, RESULTS_FILE = "run.json", "results.jsonl"


def summarize(rows: Sequence[Row], datasets: Sequence[str],
              energies: Sequence[str]) -> list[Summary]:
    """One Summary per dataset and energy, in the given orders; wall time: the rows'
    `wall_s` summed."""
    walls: dict[tuple[str, str], float] = {}
    for r in rows:
        walls[r.dataset, r.energy] = walls.get((r.dataset, r.energy), 0.0) + r.wall_s
    return scoring.summarize(rows, walls, datasets, energies)


def merge(rows: Sequence[Row], datasets: Sequence[str], energies: Sequence[str]) -> list[Row]:
    """Every row, ordered by dataset, energy and puzzle index, whatever order they were
    made in."""
    return sorted(rows, key=lambda r: (datasets.index(r.dataset), energies.index(r.energy), r.index))


def environment(rows: Sequence[Row]) -> dict:
    """Versions, machine and device(s) a report was made with."""
    def version(package):
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return None
    devices = sorted({r.device for r in rows if r.device})
    return {
        "python": platform.python_version(),
        "versions": {p: version(p) for p in ("glauber", "torch", "numpy", "python-sat",
                                             "matplotlib", "ray")},
        "machine": f"{platform.platform()}, {platform.processor() or platform.machine()}, "
                   f"{os.cpu_count()} CPUs",
        "device": ", ".join(devices) or "cpu",
    }


DEFINITIONS = """\
- **solved %**: answers accepted by the exact verifier.
- **cell accuracy %**: mean fraction of open cells (Sudoku: blanks; Zebra: every attribute
  of every house) where the answer equals the expected solution, or the reference solver's
  when the file has none; an unsolved puzzle counts its best state when the solver
  reports one, else 0.
- **median s / p90 s**: solver seconds per puzzle (Glauber: until its batch finished it).
- **wall s**: wall time summed over chunks (with Ray: worker time, not elapsed time).
- **median effort**: over solved puzzles; Glauber sweeps or SAT conflicts.
- **agrees with expected**: verified answers equal to the file's solution."""


@dataclass
class Report:
    """A finished report: what `write` puts in report.json, report.md and the plots."""

    summaries: list[Summary]
    rows: list[Row]
    settings: dict  # every option, as given
    env: dict  # `environment(rows)`
    created: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(
        timespec="seconds"))

    def as_json(self, plots: Sequence[str]) -> dict:
        return {"created": self.created, "seed": self.settings.get("seed"), **self.env,
                "settings": self.settings,
                "summaries": [asdict(s) for s in self.summaries], "plots": list(plots),
                "results": RESULTS_FILE}

    def markdown(self, plots: Sequence[str]) -> str:
        env = self.env
        settings = "\n".join(f"- {k}: `{v}`" for k, v in self.settings.items())
        versions = ", ".join(f"{k} {v}" for k, v in env["versions"].items() if v)
        images = "\n".join(f"![{os.path.splitext(p)[0]}]({p})" for p in plots)
        return (f"# Accuracy report\n\n{format_table(self.summaries)}\n\n{DEFINITIONS}\n\n"
                f"## Settings\n\n{settings}\n\n## Environment\n\n- created: {self.created}\n"
                f"- device: {env['device']}\n- machine: {env['machine']}\n"
                f"- python {env['python']}, {versions}\n\n## Plots\n\n{images}\n")

    def write(self, out_dir: str) -> list[str]:
        """Write report.md, report.json, results.jsonl (one row per puzzle and energy, in
        report order, replacing the file appended as they finished) and the PNG plots into
        `out_dir`; returns the paths written."""
        from harness.plots import plot_all  # noqa: PLC0415 (matplotlib: the `report` extra)
        plots = plot_all(self.rows, out_dir)
        written = {"report.json": json.dumps(self.as_json(plots), indent=2) + "\n",
                   "report.md": self.markdown(plots),
                   RESULTS_FILE: "".join(json.dumps(asdict(r)) + "\n" for r in self.rows)}
        for name, text in written.items():
            _replace_file(os.path.join(out_dir, name), text)
        return [os.path.join(out_dir, name) for name in [*written, *plots]]


def _replace_file(path: str, text: str) -> None:
    """Write `text` to `path` through a temporary file: an interrupted write leaves the
    old file whole."""
    partial = path + ".partial"
    with open(partial, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(partial, path)


def build_report(rows: Sequence[Row], datasets: Sequence[str], energies: Sequence[str],
                 settings: dict) -> Report:
    rows = merge(rows, datasets, energies)
    return Report(summarize(rows, datasets, energies), rows, settings, environment(rows))


def dataset_labels(paths: Sequence[str]) -> list[str]:
    """Each file's name without its extension, or its path where two names collide."""
    names = [os.path.splitext(os.path.basename(p))[0] for p in paths]
    return [n if names.count(n) == 1 else p for n, p in zip(names, paths)]


def check_extras(ray_address: str | None) -> None:
    """ConfigError naming what to install when the plots (matplotlib) or, with a Ray
    address, the sharding (Ray) cannot work: checked before the solving, not after it."""
    try:
        import matplotlib  # noqa: F401, PLC0415
    except ImportError:
        raise ConfigError("glauber report draws plots with matplotlib: "
                          "pip install -e '.[report]'") from None
    if ray_address is not None:
        try:
            require_ray()
        except ImportError as e:
            raise ConfigError(str(e)) from None


def plan_chunks(labels: Sequence[str], pfiles: Sequence[PuzzleFile], chunk_size: int,
                limit: int | None = None) -> list[Chunk]:
    """Every dataset's first `limit` puzzles (all when None), cut into chunks."""
    return [chunk for label, pfile in zip(labels, pfiles)
            for chunk in chunks_of(label, held_records(pfile)[:limit], chunk_size)]


def run_chunks(chunks: Sequence[Chunk], runner: ChunkRunner, ray_address: str | None = None,
               progress: Callable[[int], None] | None = None,
               done: dict[str, set] | None = None,
               on_row: Callable[[Row], None] | None = None) -> tuple[list[ChunkResult], int]:
    """Solve `chunks` with `runner` in this process, or sharded over the Ray cluster at
    `ray_address` (`harness.distributed`); returns the results and the number of
    workers. `progress(k)`: k more puzzle solves done (`ChunkRunner.work`); `done[dataset]`:
    the (energy, index) pairs already answered, skipped; `on_row(row)` as each row is
    ready (in this process: as each puzzle finishes; with Ray: as each chunk comes back)."""
    done = done or {}
    per_chunk = [done_in(c, done.get(c.dataset, ())) for c in chunks]
    work = [(c, d) for c, d in zip(chunks, per_chunk) if runner.work(c, d)]
    if ray_address is None:
        return [runner.run(c, progress, d, on_row) for c, d in work], 1
    try:
        return run_sharded(ray_address, work, runner.energies, runner.factory, runner.seed,
                           progress or (lambda k: None), on_row or (lambda row: None))
    except ConnectionError as e:
        raise ConfigError(f"{{ray}}: {e}") from None


def read_run(out_dir: str) -> dict | None:
    """The run.json of a report directory ({"settings": ..., "finished": bool}), or None
    when there is none."""
    path = os.path.join(out_dir, RUN_FILE)
    if not os.path.exists(path):
        return None
    try:
        with open(path, encoding="utf-8") as f:
            run = json.load(f)
    except (OSError, ValueError) as e:
        raise ConfigError(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}") from None
    if not isinstance(run, dict) or not isinstance(run.get("settings"), dict):
        raise ConfigError(f"{path}: not a glauber report's run file")
    return run


def read_rows(out_dir: str) -> list[Row]:
    """The rows in a report directory's results.jsonl (none when it has none). A last line
    cut short by an interruption is dropped; its puzzle is solved again."""
    path = os.path.join(out_dir, RESULTS_FILE)
    if not os.path.exists(path):
        return []
    rows = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rows.append(Row.from_json(json.loads(line)))
        except (ValueError, TypeError) as e:
            if number == len(lines):  # the line being written when the run stopped
                break
            raise ConfigError(f"{path}:{number}: not a result row: {e}") from None
    return rows


class ResultsLog:
    """A report directory's results.jsonl, appended and flushed row by row. Nothing is
    created until the first row: then the directory, and run.json with the settings (so
    that `--resume` can continue the run). `fresh`: start results.jsonl afresh (a new run
    into a directory that held a finished report); else append (a resumed run)."""

    def __init__(self, out_dir: str, settings: dict, fresh: bool):
        self.out_dir, self.settings, self.fresh = out_dir, settings, fresh
        self.file: TextIO | None = None
        self.rows = 0  # appended by this run

    def _open(self) -> TextIO:
        os.makedirs(self.out_dir, exist_ok=True)
        write_run(self.out_dir, self.settings, finished=False)
        return open(os.path.join(self.out_dir, RESULTS_FILE), "w" if self.fresh else "a",
                    encoding="utf-8")

    def append(self, row: Row) -> None:
        if self.file is None:
            self.file = self._open()
        self.file.write(json.dumps(asdict(row)) + "\n")
        self.file.flush()
        self.rows += 1

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


def write_run(out_dir: str, settings: dict, finished: bool) -> None:
    _replace_file(os.path.join(out_dir, RUN_FILE),
                  json.dumps({"settings": settings, "finished": finished}, indent=2) + "\n")


def finish(out_dir: str, datasets: Sequence[str], energies: Sequence[str],
           settings: dict) -> tuple[Report, list[str]]:
    """Build the report from the directory's results.jsonl, write report.md, report.json,
    the plots and results.jsonl in report order, and mark run.json finished; returns the
    report and the paths written."""
    report = build_report([r for r in read_rows(out_dir) if r.dataset in datasets
                           and r.energy in energies], datasets, energies, settings)
    written = report.write(out_dir)
    write_run(out_dir, settings, finished=True)
    return report, written


# -- one report, from Python or from `glauber report` ---------------------------------------

DEFAULT_ENERGIES = DEFAULT_REPORT_ENERGIES  # `glauber report --energies` (harness.solvers:
CHUNK_SIZE = REPORT_CHUNK_SIZE  # light enough for the command's option defaults)


def done_results(out_dir: str, labels: Sequence[str],
                 pfiles: Sequence[PuzzleFile]) -> dict[str, set]:
    """The (energy, index) pairs results.jsonl holds, per dataset; ConfigError when a
    result names another puzzle than the file now holds at its index (the input changed)."""
    records = dict(zip(labels, (held_records(p) for p in pfiles)))
    done: dict[str, set] = {}
    for row in read_rows(out_dir):
        held = records.get(row.dataset)
        if held is None or row.index >= len(held) or held[row.index].source != row.source:
            raise ConfigError(f"{out_dir}: result {row.source} ({row.dataset} #{row.index}) is "
                              "not the puzzle the input holds there: the input changed since "
                              "the report started; give another {out}")
        done.setdefault(row.dataset, set()).add((row.energy, row.index))
    return done


class ReportRun:
    """One accuracy report, in the steps `report` takes (`glauber report` takes them one by
    one, to show progress and say what an interruption kept):

    - building it checks everything before any work: the energies, the extras, the
      files (read whole), the solver settings and the models against every dataset's
      boards; with `resume`, the results already in `out` (skipped);
    - `solve(progress)` solves what is left, appending each result to results.jsonl
      (run.json records the settings); Ctrl-C keeps them, and `resume=True` continues;
    - `finish()` writes report.md, report.json, results.jsonl in order and the plots.

    `files`: paths (`-`: standard input) or `puzzles.formats.PuzzleFile`s (or one of
    them), one dataset each, labelled by file name (`dataset_labels`). `settings`: the solver settings of
    `harness.solvers.make_solver` (partial: the rest at the library defaults; not
    `energy`, which `energies` sets per energy)."""

    def __init__(self, files: Sequence, out: str, energies: Sequence[str] | str = DEFAULT_ENERGIES,
                 settings: Mapping | None = None, *, limit: int | None = None,
                 chunk_size: int = CHUNK_SIZE, format: str = "auto",
                 box: tuple[int, int] | str | None = None, ray: str | None = None,
                 resume: bool = False):
        self.out, self.ray, self.resume = os.fspath(out), ray, resume
        files = [files] if isinstance(files, (str, os.PathLike, PuzzleFile)) else list(files)
        self.energies = parse_energies(energies if isinstance(energies, str) else ",".join(energies))
        settings = dict(settings or {})
        if "energy" in settings:
            raise ConfigError("a report compares the energies it is given (energies=); "
                              "energy is a setting of one solver")
        if chunk_size < 1 or (limit is not None and limit < 1):
            raise ConfigError("chunk_size and limit must be at least 1")
        full = full_settings(settings)  # in the order given, then the defaults
        settings = {k: v for k, v in {**{k: full[k] for k in settings}, **full}.items()
                    if k != "energy"}
        box = parse_box(box) if isinstance(box, str) else box
        paths = [f.path if isinstance(f, PuzzleFile) else os.fspath(f) for f in files]
        if not paths:
            raise ConfigError("nothing to report on: no files given")
        self.settings = {"files": paths, "energies": self.energies, "limit": limit,
                         "chunk_size": chunk_size, "format": format,
                         "box": f"{box[0]}x{box[1]}" if box else None, **settings}
        run = read_run(self.out) if os.path.isdir(self.out) else None
        if resume:
            if run is None:
                raise ConfigError(f"{self.out}: no report to resume (no {RUN_FILE})")
            stored = run["settings"]
            for key, value in self.settings.items():
                if key not in RESUME_FREE and key in stored and \
                        json.loads(json.dumps(value)) != stored[key]:
                    raise ConfigError(f"{self.out}: the report was started with {key} "
                                      f"{stored[key]!r}, not {value!r}; resume it with the "
                                      "settings in run.json")
        elif run is not None and not run.get("finished"):
            raise ConfigError(f"{self.out} holds an unfinished report "
                              f"({len(read_rows(self.out))} results): continue it with "
                              "resume=True, or give another out directory")
        check_extras(ray)
        self.files = [f if isinstance(f, PuzzleFile) else read_file(p, format, box)
                      for f, p in zip(files, paths)]
        self.labels = dataset_labels(paths)
        self.runner = ChunkRunner(self.energies, functools.partial(energy_solver, settings=settings),
                                  settings["seed"])
        for label, pfile in zip(self.labels, self.files):  # models that do not fit: now
            samples = list({board_key(r.puzzle): r.puzzle for r in iter_records(pfile)}.values())
            for energy, solver in self.runner.solvers.items():
                try:
                    preflight(solver, samples)
                except ConfigError as e:
                    raise e.within(f"energy {energy} is not available for {label}: ") from None
        self.work = plan_chunks(self.labels, self.files, chunk_size, limit)
        self.done = done_results(self.out, self.labels, self.files) if resume else {}
        self.total = sum(self.runner.work(c, done_in(c, self.done.get(c.dataset, ())))
                         for c in self.work)  # progress steps of `solve`
        self.results = sum(len(c.records) for c in self.work) * len(self.energies)
        self.workers = 1
        self._kept = sum(len(d) for d in self.done.values())
        self._log: ResultsLog | None = None

    @property
    def kept(self) -> int:
        """Results in results.jsonl: those resumed and those this run appended."""
        return self._kept + (self._log.rows if self._log is not None else 0)

    def solve(self, progress: Callable[[int], None] | None = None) -> None:
        """Solve the results still to make (in this process, or on Ray workers with
        `ray`), each appended to results.jsonl as it is ready; `progress(k)` as k more
        puzzle solves are done (`total` in all)."""
        self._log = ResultsLog(self.out, {**self.settings, "ray": self.ray},
                               fresh=not self.resume)
        try:
            if self.total:
                _, self.workers = run_chunks(self.work, self.runner, self.ray, progress,
                                             self.done, self._log.append)
        finally:
            self._log.close()

    def finish(self) -> tuple[Report, list[str]]:
        """Write the report from results.jsonl (`finish`); the report and the paths written."""
        self.settings.update(ray=self.ray, workers=self.workers)
        os.makedirs(self.out, exist_ok=True)
        return finish(self.out, self.labels, self.energies, self.settings)


def report(files: Sequence, out: str, energies: Sequence[str] | str = DEFAULT_ENERGIES, *,
           limit: int | None = None, chunk_size: int = CHUNK_SIZE, format: str = "auto",
           box: tuple[int, int] | str | None = None, ray: str | None = None,
           resume: bool = False, progress: Callable[[int], None] | None = None,
           **settings) -> Report:
    """Make the accuracy report of `energies` on `files` in the directory `out`, as
    `glauber report` does (the same code: `ReportRun`), and return it: its `summaries`
    (one per dataset and energy) and `rows` (one per puzzle and energy). Writes
    results.jsonl, run.json, report.md, report.json and the PNG plots into `out`.

    `settings`: solver settings by their Python names (seed, chains, sweeps, time_limit,
    search, device, ...: `harness.solvers.SAMPLER_SETTINGS`); those left out take the
    library defaults, which are the CLI's. The other arguments are `glauber report`'s
    options: `limit` (first N puzzles of each file), `chunk_size`, `format` and `box`
    (how files are read), `ray` (an address, or "auto"), `resume` (continue an
    interrupted report in `out` with the same arguments). ConfigError or InputError
    before any work for bad settings or files."""
    run = ReportRun(files, out, energies, settings, limit=limit, chunk_size=chunk_size,
                    format=format, box=box, ray=ray, resume=resume)
    run.solve(progress)
    return run.finish()[0]
