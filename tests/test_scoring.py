"""Rows, summaries, the percentile and the tables that bench and report share."""

import pytest

from puzzles.base import Attempt
from puzzles.formats import read_text
from harness.scoring import (
    BENCH_COLUMNS,
    REPORT_COLUMNS,
    format_table,
    percentile,
    score,
    summarize,
)
from harness.solving import Outcome

GRID = "1234341221434321"


def test_percentile_interpolates_linearly_between_ranks():
    assert percentile([], 90) is None
    assert percentile([5.0], 90) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 90) == pytest.approx(4.6)
    assert percentile(list(range(11)), 50) == 5.0


def rows():
    pfile = read_text("f.csv", f"puzzle,solution\n{'.' + GRID[1:]},{GRID}\n{GRID},\n")
    solved = Outcome(Attempt(read_text("a.txt", GRID).records[0].puzzle, 0.5, None,
                             {"sweeps": 4, "site_updates": 1000}), True, None)
    failed = Outcome(Attempt(None, 1.5, "budget", {"sweeps": 9, "site_updates": 3000}), False,
                     "budget")
    return [score("f", i, r, "glauber", o)
            for i, (r, o) in enumerate(zip(pfile.records, [solved, failed]))]


def test_score_and_summarize():
    first, second = rows()
    assert (first.kind, first.size, first.stated, first.verified) == ("sudoku", "4x4", 15, True)
    assert first.cell_accuracy == 1.0 and first.matches_expected is True
    assert second.cell_accuracy is None and second.matches_expected is None  # no truth
    [s] = summarize([first, second], {("f", "glauber"): 2.0}, ["f"], ["glauber"])
    assert (s.puzzles, s.solved, s.solved_pct, s.effort, s.median_effort) == (2, 1, 50.0, "sweeps", 4)
    assert (s.median_s, s.max_s, s.wall_s, s.updates_per_second) == (1.0, 1.5, 2.0, 2000.0)
    assert s.p90_s == pytest.approx(1.4)
    assert (s.with_expected, s.agreement_pct) == (1, 100.0)
    assert s.as_bench_dict()["p90_ms"] == pytest.approx(1400.0)


def test_one_formatter_two_column_sets():
    [s] = summarize(rows(), {("f", "glauber"): 2.0}, ["f"], ["glauber"])
    bench = format_table([s], BENCH_COLUMNS).splitlines()
    assert bench[0] == ("| dataset | solver | puzzles | solved | solved % | wall s | median ms "
                        "| p90 ms | max ms | median effort | site-updates/s |")
    assert bench[2] == "| f | glauber | 2 | 1 | 50.0 | 2.0 | 1000.0 | 1400.0 | 1500.0 | 4 sweeps | 0.00 M |"
    report = format_table([s], REPORT_COLUMNS).splitlines()
    assert report[2] == "| f | glauber | 2 | 50.0 | 100.0 | 1.000 | 1.400 | 2.0 | 4 sweeps | 100.0% of 1 |"
    assert report[1] == "|" + "---|" * len(REPORT_COLUMNS)
