"""Accuracy reports: run energies over puzzle datasets, score every answer, summarize.

An *energy* is a named solver (the Glauber sampler under a penalty or language-model
energy, or the exact SAT reference) built by a factory the caller passes in, so this
module never imports torch.

Work is cut into chunks: `chunk_size` consecutive puzzles of one dataset, by index.
Every energy solves a chunk in one call, seeded with `chunk_seed(seed, k)`, so a
puzzle's result depends on the seed, its chunk and the settings only -- not on the
process that ran it or on what that process ran before. That is what lets
`puzzles.harness.distributed` shard chunks across Ray workers and still merge the
single-process report (see there for what is reproduced and what is only measured).

Rows, scores, summaries and the table are `puzzles.harness.scoring`'s, shared with
`glauber bench`.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from typing import Callable, Sequence

from puzzles.errors import ConfigError
from puzzles.formats import PuzzleFile, Record
from puzzles.harness import scoring
from puzzles.harness.scoring import Row, Stopwatch, Summary, format_table, score
from puzzles.harness.solving import Solver, clash, solve_all
from puzzles.kinds import KINDS, count


@dataclass(frozen=True)
class Chunk:
    """Consecutive puzzles of one dataset: the unit of batching, seeding and sharding."""

    dataset: str  # the dataset's label
    number: int  # k: this chunk holds the dataset's puzzles k*size .. (k+1)*size - 1
    start: int  # dataset index of its first puzzle
    records: tuple[Record, ...]


def chunks_of(dataset: str, records: Sequence[Record], size: int) -> list[Chunk]:
    return [Chunk(dataset, k, start, tuple(records[start:start + size]))
            for k, start in enumerate(range(0, len(records), size))]


def chunk_seed(seed: int, number: int) -> int:
    """The solver seed of chunk `number`: a hash, so that neighbouring seeds and chunks
    draw unrelated streams (seed + number would make seed 1 chunk 0 = seed 0 chunk 1)."""
    digest = hashlib.sha256(f"{seed}:{number}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1  # 63 bits: every torch.Generator takes it


@dataclass(frozen=True)
class ChunkResult:
    dataset: str
    rows: list[Row]
    walls: dict[str, float]  # energy -> wall seconds spent on the chunk


class ChunkRunner:
    """Solves chunks under every energy. The solvers are built once, up front (bad
    settings fail before any work; an LM loads once per process), and reseeded for every
    chunk."""

    def __init__(self, energies: Sequence[str], factory: Callable[[str], Solver], seed: int):
        self.energies, self.factory, self.seed = list(energies), factory, seed
        self.solvers = {energy: factory(energy) for energy in energies}

    def run(self, chunk: Chunk, progress: Callable[[int], None] | None = None) -> ChunkResult:
        puzzles = [r.puzzle for r in chunk.records]
        references = [None if clash(p) else count(p) for p in puzzles]
        rows, walls = [], {}
        for energy, solver in self.solvers.items():
            if hasattr(solver, "seed"):  # the exact solver draws nothing and has none
                solver.seed = chunk_seed(self.seed, chunk.number)
            try:
                with Stopwatch() as watch:
                    outcomes = solve_all(solver, puzzles, progress)
            except ConfigError as e:  # e.g. an LM energy without a model for this board
                raise ConfigError(f"energy {energy} is not available for {chunk.dataset}: "
                                  f"{e}") from None
            walls[energy] = watch.seconds
            rows += [score(chunk.dataset, chunk.start + j, chunk.records[j], energy, outcome, ref)
                     for j, (ref, outcome) in enumerate(zip(references, outcomes))]
        return ChunkResult(chunk.dataset, rows, walls)


def summarize(results: Sequence[ChunkResult], datasets: Sequence[str],
              energies: Sequence[str]) -> list[Summary]:
    """One Summary per dataset and energy, in the given orders (chunk walls summed)."""
    walls: dict[tuple[str, str], float] = {}
    for chunk in results:
        for energy, seconds in chunk.walls.items():
            walls[chunk.dataset, energy] = walls.get((chunk.dataset, energy), 0.0) + seconds
    return scoring.summarize([r for c in results for r in c.rows], walls, datasets, energies)


def merge(results: Sequence[ChunkResult], datasets: Sequence[str],
          energies: Sequence[str]) -> list[Row]:
    """Every row, ordered by dataset, energy and puzzle index, whatever order the chunks
    came back in."""
    rows = [r for c in results for r in c.rows]
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
                "results": "results.jsonl"}

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
        """Write report.md, report.json, results.jsonl (one row per puzzle and energy)
        and the PNG plots into `out_dir`; returns the paths written."""
        from puzzles.harness.plots import plot_all  # matplotlib: the `report` extra
        plots = plot_all(self.rows, out_dir)
        written = {"report.json": json.dumps(self.as_json(plots), indent=2) + "\n",
                   "report.md": self.markdown(plots),
                   "results.jsonl": "".join(json.dumps(asdict(r)) + "\n" for r in self.rows)}
        for name, text in written.items():
            with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
                f.write(text)
        return [os.path.join(out_dir, name) for name in [*written, *plots]]


def build_report(results: Sequence[ChunkResult], datasets: Sequence[str],
                 energies: Sequence[str], settings: dict) -> Report:
    rows = merge(results, datasets, energies)
    return Report(summarize(results, datasets, energies), rows, settings, environment(rows))


def dataset_labels(paths: Sequence[str]) -> list[str]:
    """Each file's name without its extension, or its path where two names collide."""
    names = [os.path.splitext(os.path.basename(p))[0] for p in paths]
    return [n if names.count(n) == 1 else p for n, p in zip(names, paths)]


def difficulty_bucket(row: Row) -> tuple[int, str] | None:
    """(sort key, label) of the row's difficulty band (`puzzles.kinds.Kind.difficulty_band`:
    reference conflicts for Sudoku, the size for Zebra); None when there is none (a
    Sudoku whose givens clash)."""
    return KINDS[row.kind].difficulty_band(row.size, row.difficulty)


def check_extras(ray_address: str | None) -> None:
    """ConfigError naming what to install when the plots (matplotlib) or, with a Ray
    address, the sharding (Ray) cannot work: checked before the solving, not after it."""
    try:
        import matplotlib  # noqa: F401, PLC0415
    except ImportError:
        raise ConfigError("glauber report draws plots with matplotlib: "
                          "pip install -e '.[report]'") from None
    if ray_address is not None:
        from puzzles.harness.distributed import require_ray  # noqa: PLC0415
        try:
            require_ray()
        except ImportError as e:
            raise ConfigError(str(e)) from None


def plan_chunks(labels: Sequence[str], pfiles: Sequence[PuzzleFile], chunk_size: int,
                limit: int | None = None) -> list[Chunk]:
    """Every dataset's first `limit` puzzles (all when None), cut into chunks."""
    return [chunk for label, pfile in zip(labels, pfiles)
            for chunk in chunks_of(label, pfile.records[:limit], chunk_size)]


def run_chunks(chunks: Sequence[Chunk], runner: ChunkRunner, ray_address: str | None = None,
               progress: Callable[[int], None] | None = None) -> tuple[list[ChunkResult], int]:
    """Solve `chunks` with `runner` in this process, or sharded over the Ray cluster at
    `ray_address` (`puzzles.harness.distributed`); returns the results and the number of
    workers. `progress(k)`: k more puzzle-energy pairs done."""
    if ray_address is None:
        return [runner.run(chunk, progress) for chunk in chunks], 1
    from puzzles.harness.distributed import run_sharded  # noqa: PLC0415 (Ray: optional)
    try:
        return run_sharded(ray_address, chunks, runner.energies, runner.factory, runner.seed,
                           progress or (lambda k: None))
    except ConnectionError as e:
        raise ConfigError(f"--ray: {e}") from None
