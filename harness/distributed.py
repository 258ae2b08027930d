"""Shard a report's chunks across Ray workers (`glauber report --ray`).

Ray is the optional `distributed` extra; nothing here imports it at module level.

Workers: one actor per GPU when the cluster has GPUs (each actor claims one, so the
Glauber solver's `auto` device is that GPU), else one per CPU. An actor builds its
solvers once, as `harness.chunks.ChunkRunner` does in a single process, and solves
whole chunks; the chunk results are merged back in dataset and puzzle order.

Determinism. The Glauber solver draws all the random numbers of one `solve_many` call
from a single torch.Generator seeded at the start of the call, and it batches the
puzzles of the call (same board shape, up to its batch size) into one tensor: the
draws one puzzle sees depend on which puzzles share its call and in what order.
Sharding single puzzles, or letting each worker seed once and solve its share, would
change the answers. Sharding whole chunks does not: a chunk is always one call per
energy, with the same puzzles in the same order and the seed `chunk_seed(seed, k)`
(solvers that take puzzles one at a time: one call per puzzle, seeded by its index),
whichever process runs it. So a merged report equals the single-process one in
everything that does not read the clock -- the solved set, sweeps, lowest energies,
cell accuracy, agreement -- provided that

- the sweep budget, not `--time-limit` (a wall-clock budget), ends unsolved puzzles;
- every worker uses the same kind of device as the single-process run (CUDA and CPU
  kernels draw differently; a GPU cluster reproduces a GPU run, not a CPU run);
- `--chunk-size` is the same (it fixes the calls, hence the seeds and batches);
- for the LM energies, float sums may round differently with the number of CPU threads
  (Ray gives each CPU worker one) and so, rarely, flip a draw; the penalty energy counts
  violations and is exact.

Seconds, wall time and the time plot are measured, never reproduced.
"""

from __future__ import annotations

import logging
import socket
from typing import Callable, Sequence

from puzzles.errors import ConfigError, PuzzleError
from harness.chunks import Chunk, ChunkResult, ChunkRunner
from harness.scoring import Row
from harness.solving import Solver

RAY_MISSING = "--ray needs Ray, which is not installed: pip install -e '.[distributed]'"


def require_ray():
    """The `ray` module; ImportError saying what to install when the extra is missing."""
    try:
        import ray  # noqa: PLC0415 (Ray: the optional `distributed` extra)
    except ImportError:
        raise ImportError(RAY_MISSING) from None
    return ray


def _answers(address: str) -> bool:
    """Whether something listens at a `host:port` or `ray://host:port` address: Ray
    retries an unreachable cluster for many minutes, and a report must not hang."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=5):
            return True
    except (OSError, ValueError):
        return False


def run_sharded(address: str, work: Sequence[tuple[Chunk, frozenset]], energies: Sequence[str],
                factory: Callable[[str], Solver], seed: int,
                progress: Callable[[int], None],
                on_row: Callable[[Row], None] = lambda row: None) -> tuple[list[ChunkResult], int]:
    """Solve chunks on Ray workers: `work` holds each chunk and the (energy, index) pairs
    of it already answered (skipped). Returns the chunk results (in completion order) and
    the number of workers. address: "auto" (a running cluster, else a local one started
    for this call) or a cluster address (ConnectionError when nothing answers there). A
    Ray already initialised in this process is used as it is. `factory` must pickle (a
    module-level function or a partial of one); `progress(k)` is called as k more
    puzzle solves are done, `on_row(row)` for each row of a chunk as it comes back."""
    ray = require_ray()
    from ray.util import ActorPool  # noqa: PLC0415 (Ray, as above)

    started = not ray.is_initialized()
    if started:
        if address != "auto" and not _answers(address):
            raise ConnectionError(f"no Ray cluster answers at {address}")
        ray.init(address=None if address == "auto" else address, log_to_driver=False,
                 logging_level=logging.ERROR)
    try:
        resources = ray.cluster_resources()
        gpus = int(resources.get("GPU", 0))
        workers = max(1, min(gpus or int(resources.get("CPU", 1)), len(work)))
        actor = ray.remote(**({"num_gpus": 1} if gpus else {"num_cpus": 1}))(ChunkRunner)
        pool = ActorPool([actor.remote(energies, factory, seed) for _ in range(workers)])
        results = []
        try:
            for result in pool.map_unordered(
                    lambda a, job: a.run.remote(job[0], None, job[1]), list(work)):
                results.append(result)
                for row in result.rows:
                    on_row(row)
                progress(len(result.rows))
        except ray.exceptions.RayTaskError as e:
            if isinstance(e.cause, (ConfigError, PuzzleError)):  # the user's: one line
                raise e.cause from None
            raise
        return results, workers
    finally:
        if started:
            ray.shutdown()
