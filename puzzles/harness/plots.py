"""The report's PNG plots: solve rate against sweeps, time-to-solve CDF, solve rate by
difficulty.

Figures are drawn with matplotlib's object API on an Agg canvas: no display, no pyplot
global state, nothing switched at import time (a report may run on a headless worker).
"""

from __future__ import annotations

import os
from collections import defaultdict
from typing import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from puzzles.harness.report import difficulty_bucket
from puzzles.harness.scoring import Row
from puzzles.kinds import KINDS

MIN_SECONDS = 1e-4  # time axis floor: the log scale cannot show 0 s (solved by propagation)


def _series(rows: Sequence[Row]) -> dict[tuple[str, str], list[Row]]:
    """Rows grouped by (dataset, energy), in report order."""
    groups: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for r in rows:
        groups[r.dataset, r.energy].append(r)
    return groups


def _label(dataset: str, energy: str, datasets: int) -> str:
    return energy if datasets == 1 else f"{energy} ({dataset})"


def _cumulative(values: list[float], total: int) -> tuple[list[float], list[float]]:
    """Step-curve points: % of `total` puzzles done at or below each value."""
    ordered = sorted(values)
    return ordered, [100.0 * (k + 1) / total for k in range(len(ordered))]


def _save(fig: Figure, out_dir: str, name: str) -> str:
    FigureCanvasAgg(fig)
    fig.savefig(os.path.join(out_dir, name), dpi=110)
    return name


def _empty(ax, message: str):
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes)


def solve_rate_vs_sweeps(rows: Sequence[Row], out_dir: str) -> str:
    """Per (dataset, energy) with sweeps: % of puzzles solved within s sweeps."""
    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.add_subplot()
    groups = {k: v for k, v in _series(rows).items() if any(r.sweeps is not None for r in v)}
    datasets = len({d for d, _ in groups})
    for (dataset, energy), group in groups.items():
        budget = max(r.sweeps for r in group if r.sweeps is not None)
        xs, ys = _cumulative([r.sweeps for r in group if r.verified], len(group))
        ax.step([0, *xs, budget], [0.0, *ys, ys[-1] if ys else 0.0], where="post",
                label=_label(dataset, energy, datasets))
    if groups:
        ax.legend(fontsize="small", loc="lower right")
    else:
        _empty(ax, "no sweep-based energy in this report")
    ax.set(xlabel="sweeps", ylabel="solved %", ylim=(0, 102),
           title="Solve rate against sweeps")
    ax.grid(alpha=0.3)
    return _save(fig, out_dir, "solve_rate_vs_sweeps.png")


def time_to_solve_cdf(rows: Sequence[Row], out_dir: str) -> str:
    """Per (dataset, energy): % of puzzles solved within t seconds (log time axis)."""
    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.add_subplot()
    groups = _series(rows)
    datasets = len({d for d, _ in groups})
    for (dataset, energy), group in groups.items():
        xs, ys = _cumulative([max(r.seconds, MIN_SECONDS) for r in group if r.verified],
                             len(group))
        ax.step([MIN_SECONDS, *xs], [0.0, *ys], where="post",
                label=_label(dataset, energy, datasets))
    if groups:
        ax.legend(fontsize="small", loc="lower right")
    ax.set(xscale="log", xlabel="seconds per puzzle", ylabel="solved %", ylim=(0, 102),
           title="Time to solve (CDF)")
    ax.grid(alpha=0.3, which="both")
    return _save(fig, out_dir, "time_to_solve_cdf.png")


def solve_rate_by_difficulty(rows: Sequence[Row], out_dir: str) -> str:
    """Grouped bars per energy, datasets pooled: Sudoku by reference-conflict band,
    Zebra by size (houses x attributes); one panel per puzzle kind present."""
    kinds = [k for k in KINDS if any(r.kind == k for r in rows)]
    fig = Figure(figsize=(7 * max(1, len(kinds)), 4.5), layout="constrained")
    energies = list(dict.fromkeys(r.energy for r in rows))
    width = 0.8 / max(1, len(energies))
    for p, kind in enumerate(kinds):
        ax = fig.add_subplot(1, len(kinds), p + 1)
        tally: dict = defaultdict(lambda: [0, 0])  # (bucket, energy) -> [solved, puzzles]
        for r in rows:
            bucket = difficulty_bucket(r) if r.kind == kind else None
            if bucket is not None:
                tally[bucket, r.energy][0] += r.verified
                tally[bucket, r.energy][1] += 1
        buckets = sorted({b for b, _ in tally})
        for e, energy in enumerate(energies):
            rates = [100.0 * tally[b, energy][0] / tally[b, energy][1]
                     if tally[b, energy][1] else 0.0 for b in buckets]
            ax.bar([i + (e - (len(energies) - 1) / 2) * width for i in range(len(buckets))],
                   rates, width, label=energy)
        counts = [max(tally[b, e][1] for e in energies) for b in buckets]
        ax.set_xticks(range(len(buckets)), [f"{label}\n(n={n})" for (_, label), n
                                            in zip(buckets, counts)])
        ax.set(ylabel="solved %", ylim=(0, 105),
               xlabel=KINDS[kind].difficulty_axis,
               title=f"{kind.capitalize()}: solve rate by difficulty")
        ax.legend(fontsize="small")
    if not kinds:
        _empty(fig.add_subplot(), "no puzzles in this report")
    return _save(fig, out_dir, "solve_rate_by_difficulty.png")


def plot_all(rows: Sequence[Row], out_dir: str) -> list[str]:
    """Draw every plot into `out_dir`; returns the file names."""
    return [plot(rows, out_dir) for plot in
            (solve_rate_vs_sweeps, time_to_solve_cdf, solve_rate_by_difficulty)]
