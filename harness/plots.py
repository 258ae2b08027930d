"""The report's PNG plots: solve rate against sweeps, time-to-solve CDF, solve rate by
difficulty.

Readable for any number of datasets and energies: each dataset gets its own panel
(facet), with one curve per energy; past `MAX_FACETS` datasets, the panels pool the
datasets of one directory, and past that every dataset is pooled in one panel. An energy
keeps one style (colour, line style, marker) in every panel and plot, and one legend
outside the panels names them, so it never hides a curve.

Figures are drawn with matplotlib's object API on an Agg canvas: no display, no pyplot
global state, nothing switched at import time (a report may run on a headless worker).
"""

from __future__ import annotations

import math
import os
from collections import defaultdict
from typing import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from harness.scoring import Row, difficulty_bucket
from puzzles.kinds import KINDS

MIN_SECONDS = 1e-4  # time axis floor: the log scale cannot show 0 s (solved by propagation)
MAX_FACETS = 12  # panels per figure; more datasets are pooled by directory, then all
COLUMNS = 3  # panels per row
# Okabe-Ito's colour-blind-safe palette, then a darker set; with the line styles and
# markers below, 40 energies get distinct styles before any repeats exactly.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000",
           "#F0E442", "#332288", "#882255")
LINES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def style(k: int) -> dict:
    """The k-th energy's line style: colour, line style and marker all change with k."""
    return {"color": COLOURS[k % len(COLOURS)], "linestyle": LINES[k % len(LINES)],
            "marker": MARKERS[k % len(MARKERS)]}


def _hatch(k: int) -> str | None:
    """Bars repeat the colours after the palette: hatched the second time round."""
    return None if k < len(COLOURS) else "//"


def _directory(row: Row) -> str:
    path = row.source.rpartition(":")[0] or row.source
    return os.path.dirname(path) or "."


def facets(rows: Sequence[Row]) -> list[tuple[str, list[Row]]]:
    """(title, rows) of each panel: one per dataset; past MAX_FACETS, one per directory
    of the datasets' files; past that, one for everything."""
    datasets = list(dict.fromkeys(r.dataset for r in rows))
    if len(datasets) <= MAX_FACETS:
        return [(d, [r for r in rows if r.dataset == d]) for d in datasets]
    directories = list(dict.fromkeys(_directory(r) for r in rows))
    if len(directories) <= MAX_FACETS:
        return [(f"{d}/ ({len({r.dataset for r in rows if _directory(r) == d})} datasets)",
                 [r for r in rows if _directory(r) == d]) for d in directories]
    return [(f"all {len(datasets)} datasets", list(rows))]


def _panels(fig: Figure, count: int):
    """`count` axes in a grid of at most COLUMNS columns."""
    columns = min(COLUMNS, max(1, count))
    grid_rows = math.ceil(max(1, count) / columns)
    return [fig.add_subplot(grid_rows, columns, k + 1) for k in range(max(1, count))]


def _figure(panels: int) -> Figure:
    columns = min(COLUMNS, max(1, panels))
    grid_rows = math.ceil(max(1, panels) / columns)
    return Figure(figsize=(4.2 * columns + 2.2, 3.4 * grid_rows + 0.6), layout="constrained")


def _legend(fig: Figure, energies: Sequence[str], bars: bool = False) -> None:
    """One legend for the figure, outside the panels (right), an entry per energy."""
    if energies:
        handles = [Patch(facecolor=style(k)["color"], hatch=_hatch(k)) if bars else
                   Line2D([], [], markersize=5, **style(k)) for k in range(len(energies))]
        fig.legend(handles, energies, loc="outside right upper", fontsize="small",
                   title="energy")


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


def _energies(rows: Sequence[Row]) -> list[str]:
    return list(dict.fromkeys(r.energy for r in rows))


def _curves(rows: Sequence[Row], title: str, curve, xlabel: str, xscale: str = "linear",
            keep=lambda group: True, empty: str = "no puzzles in this report") -> Figure:
    """A figure of panels (`facets`), each with one step curve per energy: `curve(group)`
    gives (xs, ys) for an energy's rows in the panel; `keep(group)` leaves out energies
    the plot does not apply to."""
    energies = [e for e in _energies(rows) if keep([r for r in rows if r.energy == e])]
    panels = facets([r for r in rows if r.energy in energies])
    fig = _figure(len(panels))
    axes = _panels(fig, len(panels))
    for ax, (name, group) in zip(axes, panels):
        for k, energy in enumerate(energies):
            mine = [r for r in group if r.energy == energy]
            if mine:
                xs, ys = curve(mine)
                ax.step(xs, ys, where="post", markevery=[len(xs) - 1], markersize=5,
                        **style(k))
        ax.set(xscale=xscale, xlabel=xlabel, ylabel="solved %", ylim=(0, 102),
               title=name if len(panels) > 1 else title)
        ax.title.set_fontsize("medium")
        ax.grid(alpha=0.3, which="both")
    if not panels:
        _empty(axes[0], empty)
        axes[0].set(title=title)
    elif len(panels) > 1:
        fig.suptitle(title)
    _legend(fig, energies)
    return fig


def _sweeps_curve(group: list[Row]):
    budget = max(r.sweeps for r in group if r.sweeps is not None)
    # a verified row of a sweep-based energy has its sweeps (the reference's has none)
    xs, ys = _cumulative([r.sweeps for r in group if r.verified and r.sweeps is not None],
                         len(group))
    return [0, *xs, budget], [0.0, *ys, ys[-1] if ys else 0.0]


def _seconds_curve(group: list[Row]):
    xs, ys = _cumulative([max(r.seconds, MIN_SECONDS) for r in group if r.verified], len(group))
    last = max((max(r.seconds, MIN_SECONDS) for r in group), default=MIN_SECONDS)
    return [MIN_SECONDS, *xs, max(last, xs[-1] if xs else MIN_SECONDS)], \
        [0.0, *ys, ys[-1] if ys else 0.0]


def solve_rate_vs_sweeps_figure(rows: Sequence[Row]) -> Figure:
    """Per dataset (panel) and energy with sweeps (curve): % of puzzles solved within s
    sweeps."""
    return _curves(rows, "Solve rate against sweeps", _sweeps_curve, "sweeps",
                   keep=lambda group: any(r.sweeps is not None for r in group),
                   empty="no sweep-based energy in this report")


def time_to_solve_cdf_figure(rows: Sequence[Row]) -> Figure:
    """Per dataset (panel) and energy (curve): % of puzzles solved within t seconds (log
    time axis)."""
    return _curves(rows, "Time to solve (CDF)", _seconds_curve, "seconds per puzzle", "log")


def solve_rate_by_difficulty_figure(rows: Sequence[Row]) -> Figure:
    """Grouped bars per energy, datasets pooled: Sudoku by reference-conflict band,
    Zebra by size (houses x attributes); one panel per puzzle kind present."""
    kinds = [k for k in KINDS if any(r.kind == k for r in rows)]
    fig = _figure(len(kinds))
    energies = _energies(rows)
    width = 0.8 / max(1, len(energies))
    axes = _panels(fig, len(kinds))
    for ax, kind in zip(axes, kinds):
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
            look = style(e)
            ax.bar([i + (e - (len(energies) - 1) / 2) * width for i in range(len(buckets))],
                   rates, width, color=look["color"], hatch=_hatch(e), edgecolor="white",
                   linewidth=0.5)
        counts = [max(tally[b, e][1] for e in energies) for b in buckets]
        ax.set_xticks(range(len(buckets)), [f"{label}\n(n={n})" for (_, label), n
                                            in zip(buckets, counts)])
        ax.set(ylabel="solved %", ylim=(0, 105),
               xlabel=KINDS[kind].difficulty_axis,
               title=f"{kind.capitalize()}: solve rate by difficulty")
    if not kinds:
        _empty(axes[0], "no puzzles in this report")
    _legend(fig, energies, bars=True)
    return fig


def solve_rate_vs_sweeps(rows: Sequence[Row], out_dir: str) -> str:
    return _save(solve_rate_vs_sweeps_figure(rows), out_dir, "solve_rate_vs_sweeps.png")


def time_to_solve_cdf(rows: Sequence[Row], out_dir: str) -> str:
    return _save(time_to_solve_cdf_figure(rows), out_dir, "time_to_solve_cdf.png")


def solve_rate_by_difficulty(rows: Sequence[Row], out_dir: str) -> str:
    return _save(solve_rate_by_difficulty_figure(rows), out_dir, "solve_rate_by_difficulty.png")


def plot_all(rows: Sequence[Row], out_dir: str) -> list[str]:
    """Draw every plot into `out_dir`; returns the file names."""
    return [plot(rows, out_dir) for plot in
            (solve_rate_vs_sweeps, time_to_solve_cdf, solve_rate_by_difficulty)]
