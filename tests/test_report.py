"""`glauber report` and `harness.report`: the files it writes, the scores, seeding and
reproducibility, unavailable energies and extras, and the Ray-sharded report."""

from __future__ import annotations

import json
import os
import sys

import pytest
from click.testing import CliRunner
from test_zebra import EXAMPLE, EXAMPLE_SOLUTION

import cli
from puzzles.base import Attempt
from puzzles.formats import Record
from harness.chunks import Chunk, ChunkRunner, chunk_seed, chunks_of, puzzle_seed
from harness.report import dataset_labels
from harness.scoring import Row, answer_of, cell_accuracy, difficulty_bucket
from puzzles.sudoku.model import Sudoku
from puzzles.zebra.model import ZebraPuzzle, ZebraSolution

# Few chains and sweeps, so that the penalty sampler leaves some 9x9 puzzles unsolved
# (the sweep budget, not the clock, ends them: reproducible), and small chunks, so that
# the puzzles span several chunks and Ray workers.
FAST = ("--search", "anneal", "--chains", 2, "--sweeps", 15, "--time-limit", 600, "--chunk-size", 4)
# What the same seed must reproduce (everything but the clock).
REPRODUCED = ("dataset", "index", "energy", "verified", "sweeps", "conflicts",
              "lowest_energy", "cell_accuracy", "matches_expected")


def run(*args):
    return CliRunner().invoke(cli.cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    """9x9 Sudoku with solutions (csv), 6x6 Sudoku without (lines), 3x3 and 4x3 Zebra
    with solutions (jsonl), all written by `glauber generate`."""
    d = tmp_path_factory.mktemp("data")
    commands = [
        ("generate", "sudoku", "--box", "3x3", "--count", 10, "--givens", 26, "--seed", 1,
         "--format", "csv", "--out", d / "s9.csv"),
        ("generate", "sudoku", "--box", "2x3", "--count", 5, "--seed", 2, "--out", d / "s6.txt"),
        ("generate", "zebra", "--houses", 3, "--attributes", 3, "--count", 3, "--seed", 3,
         "--out", d / "z3.jsonl"),
        ("generate", "zebra", "--houses", 4, "--attributes", 3, "--count", 2, "--seed", 4,
         "--out", d / "z4.jsonl"),
    ]
    for command in commands:
        assert run(*command).exit_code == 0
    zebra = d / "zebra.jsonl"
    zebra.write_text((d / "z3.jsonl").read_text() + (d / "z4.jsonl").read_text())
    return [d / "s9.csv", d / "s6.txt", zebra]


def results(out) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]


def reproduced(out) -> list[tuple]:
    return [tuple(r[k] for k in REPRODUCED) for r in results(out)]


@pytest.fixture(scope="module")
def single(datasets, tmp_path_factory):
    """One single-process report, shared by the tests that read it."""
    out = tmp_path_factory.mktemp("single")
    result = run("report", *datasets, "--energies", "penalty,reference", "--out", out,
                 "--seed", 5, *FAST)
    assert result.exit_code == 0, result.output
    return out


def test_report_writes_markdown_json_results_and_plots(single):
    for name in ("report.md", "report.json", "results.jsonl"):
        assert (single / name).stat().st_size > 0
    report = json.loads((single / "report.json").read_text())
    assert report["seed"] == 5 and report["device"] == "cpu"
    assert report["settings"]["chains"] == 2 and report["settings"]["chunk_size"] == 4
    assert report["versions"]["glauber"] and report["python"]
    assert len(report["plots"]) == 3
    for plot in report["plots"]:
        assert (single / plot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [(s["dataset"], s["energy"]) for s in report["summaries"]] == [
        (d, e) for d in ("s9", "s6", "zebra") for e in ("penalty", "reference")]
    markdown = (single / "report.md").read_text()
    assert "| s9 | reference | 10 | 100.0 | 100.0 |" in markdown
    assert "![solve_rate_vs_sweeps](solve_rate_vs_sweeps.png)" in markdown


def test_scores_follow_the_definitions(single):
    rows = results(single)
    assert len(rows) == (10 + 5 + 5) * 2
    for r in rows:
        # unique puzzles: verified means equal to the truth; an unsolved puzzle scores its
        # best state, which cannot match the truth everywhere
        assert (r["cell_accuracy"] == 1.0) == r["verified"]
        assert r["matches_expected"] == (None if r["dataset"] == "s6" else r["verified"])
        assert (r["sweeps"] is None) == (r["energy"] == "reference")
    penalty_s9 = [r for r in rows if (r["dataset"], r["energy"]) == ("s9", "penalty")]
    assert 0 < sum(r["verified"] for r in penalty_s9) < 10  # the budget is binding
    summaries = json.loads((single / "report.json").read_text())["summaries"]
    s9 = summaries[0]
    assert s9["solved"] == sum(r["verified"] for r in penalty_s9)
    assert 100 * s9["solved"] / 10 <= s9["cell_accuracy_pct"] < 100
    assert s9["agreement_pct"] == pytest.approx(s9["solved_pct"]) and s9["with_expected"] == 10
    assert summaries[2]["agreement_pct"] is None and summaries[2]["with_expected"] == 0


def test_same_seed_reproduces_the_report(datasets, single, tmp_path):
    result = run("report", *datasets, "--energies", "penalty,reference", "--out", tmp_path,
                 "--seed", 5, *FAST, "--quiet")
    assert result.exit_code == 0
    assert reproduced(tmp_path) == reproduced(single)


def test_cell_accuracy_counts_open_cells_only():
    solution = Sudoku.parse("1234341221434321")
    puzzle = Sudoku.parse("12..............")  # 14 open cells
    wrong = solution.with_cells([1, 2, 4, 3] + list(solution.cells[4:]))  # 2 of them wrong
    assert cell_accuracy(puzzle, wrong, solution) == pytest.approx(12 / 14)
    assert cell_accuracy(solution, wrong, solution) == 1.0  # nothing left open

    zebra = ZebraPuzzle.from_json(EXAMPLE)
    truth = ZebraSolution.from_json(zebra, EXAMPLE_SOLUTION)
    first, values = truth.assignment[0]
    swapped = {**EXAMPLE_SOLUTION, first: [values[1], values[0], *values[2:]]}
    cells = sum(len(v) for v in EXAMPLE_SOLUTION.values())
    assert cell_accuracy(zebra, ZebraSolution.from_json(zebra, swapped), truth) == \
        pytest.approx((cells - 2) / cells)


def test_unsolved_puzzles_score_their_best_state():
    puzzle = Sudoku.parse("12..............")
    assert answer_of(puzzle, Attempt(None, 0.1)) is None
    best = answer_of(puzzle, Attempt(None, 0.1, stats={"best": "1234341221434312"}))
    assert cell_accuracy(puzzle, best, Sudoku.parse("1234341221434321")) == pytest.approx(12 / 14)
    zebra = ZebraPuzzle.from_json(EXAMPLE)
    assert answer_of(zebra, Attempt(None, 0.1, stats={"best": EXAMPLE_SOLUTION})) == \
        ZebraSolution.from_json(zebra, EXAMPLE_SOLUTION)


def test_chunks_and_their_seeds():
    records = list(range(10))
    chunks = chunks_of("d", records, 4)
    assert [(c.number, c.start, len(c.records)) for c in chunks] == [(0, 0, 4), (1, 4, 4), (2, 8, 2)]
    seeds = {chunk_seed(s, k) for s in range(5) for k in range(5)}
    assert len(seeds) == 25 and all(0 <= s < 2 ** 63 for s in seeds)
    assert chunk_seed(3, 1) == chunk_seed(3, 1)


def test_each_chunk_or_puzzle_is_solved_with_its_own_seed():
    """A batching solver gets one call and seed per chunk; a solver that takes puzzles one
    at a time, one per puzzle, from its index (so a resumed report draws as an
    uninterrupted one)."""
    class Recorder:
        name, seed = "recorder", None

        def solve(self, puzzle):
            seen.append(self.seed)
            return Attempt(None, 0.0)

    class Batcher(Recorder):
        batched = True

        def solve_many(self, puzzles, observer=None):
            return [self.solve(p) for p in puzzles]

    records = (Record("f.txt", 1, Sudoku.parse("1" + "." * 15)),) * 2
    seen = []
    runner = ChunkRunner(["penalty"], lambda energy: Batcher(), seed=9)
    runner.run(Chunk("d", 3, 12, records))
    runner.run(Chunk("d", 0, 0, records))
    assert seen == [chunk_seed(9, 3)] * 2 + [chunk_seed(9, 0)] * 2
    seen = []
    runner = ChunkRunner(["penalty"], lambda energy: Recorder(), seed=9)
    runner.run(Chunk("d", 3, 12, records))
    assert seen == [puzzle_seed(9, 12), puzzle_seed(9, 13)]
    assert len({puzzle_seed(9, k) for k in range(20)} | {chunk_seed(9, k) for k in range(20)}) == 40


def test_dataset_labels_and_difficulty_bands(single):
    assert dataset_labels(["a/x.csv", "b/y.txt"]) == ["x", "y"]
    assert dataset_labels(["a/x.csv", "b/x.csv"]) == ["a/x.csv", "b/x.csv"]
    rows = results(single)
    bands = {difficulty_bucket(Row(**r)) for r in rows}
    assert ((3 * 100 + 3, "3x3") in bands and (4 * 100 + 3, "4x3") in bands
            and any(label in ("0", "1-9", "10-99") for _, label in bands))


def test_unknown_and_unavailable_energies_are_one_line_errors(datasets, tmp_path):
    result = run("report", datasets[0], "--energies", "penalty,magic", "--out", tmp_path)
    assert result.exit_code == 2 and "unknown energy 'magic'" in result.stderr
    result = run("report", datasets[0], "--energy", "lm", "--out", tmp_path)
    assert result.exit_code == 2 and "--energies" in result.stderr
    # no model ships for 8x8 Sudoku
    board = tmp_path / "s8.txt"
    assert run("generate", "sudoku", "--box", "2x4", "--count", 1, "--out", board).exit_code == 0
    result = run("report", board, "--energies", "penalty,lm", "--out", tmp_path / "r")
    assert result.exit_code == 2
    assert result.stderr.startswith("energy lm is not available for s8: no default LM for 8x8 Sudoku")
    assert len(result.stderr.splitlines()) == 1


def test_ray_without_the_extra_says_what_to_install(datasets, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    result = run("report", datasets[0], "--out", tmp_path, "--ray", "auto")
    assert result.exit_code == 2
    assert result.stderr == ("--ray needs Ray, which is not installed: "
                             "pip install -e '.[distributed]'\n")


def test_ray_sharded_report_matches_the_single_process_one(datasets, single, tmp_path):
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install -e '.[distributed]')")
    # "local": a fresh 2-CPU instance, never a cluster that `ray start` left on this machine
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        result = run("report", *datasets, "--energies", "penalty,reference", "--out",
                     tmp_path, "--seed", 5, *FAST, "--ray", "auto")
    finally:
        ray.shutdown()
    assert result.exit_code == 0, result.output
    assert reproduced(tmp_path) == reproduced(single)
    settings = json.loads((tmp_path / "report.json").read_text())["settings"]
    assert settings["ray"] == "auto" and settings["workers"] == 2


def test_an_unreachable_ray_address_fails_fast(datasets, tmp_path):
    pytest.importorskip("ray", reason="Ray is not installed (pip install -e '.[distributed]')")
    result = run("report", datasets[0], "--out", tmp_path, "--ray", "127.0.0.1:1")
    assert result.exit_code == 2
    assert result.stderr == "--ray: no Ray cluster answers at 127.0.0.1:1\n"


def test_plan_and_run_chunks_in_one_process():
    from puzzles.formats import read_text
    from harness.report import plan_chunks, run_chunks
    from harness.solvers import energy_solver

    pfiles = [read_text("a.txt", "1234341221434321\n" * 3), read_text("b.txt", "." * 16 + "\n")]
    work = plan_chunks(["a", "b"], pfiles, chunk_size=2, limit=2)
    assert [(c.dataset, c.number, c.start, len(c.records)) for c in work] == [("a", 0, 0, 2),
                                                                            ("b", 0, 0, 1)]
    runner = ChunkRunner(["reference"], lambda energy: energy_solver(energy, {}), seed=0)
    done = []
    results, workers = run_chunks(work, runner, progress=done.append)
    assert workers == 1 and sum(done) == 3
    assert [[r.verified for r in c.rows] for c in results] == [[True, True], [True]]


def test_same_seed_reproduces_a_constructive_report(datasets, tmp_path):
    """The default search (constructive chains) is reproducible too: its round budget,
    not the clock, ends unsolved puzzles."""
    args = ("report", *datasets, "--energies", "penalty", "--sweeps", 2, "--time-limit", 600,
            "--seed", 3, "--quiet")
    first, second = tmp_path / "a", tmp_path / "b"
    assert run(*args, "--out", first).exit_code == 0
    assert run(*args, "--out", second).exit_code == 0
    assert reproduced(first) == reproduced(second)
    rows = [json.loads(line) for line in (first / "results.jsonl").read_text().splitlines()]
    assert any(r["verified"] for r in rows)


# -- results kept as they finish; interrupted reports resume (issue 23) ----------------------

CONSTRUCT = ("--sweeps", 3, "--time-limit", 600, "--chunk-size", 4, "--seed", 2)


def interrupt_after(monkeypatch, rows: int):
    """Ctrl-C once `rows` results have been appended (in process: no clock involved)."""
    from harness import report as reports
    original = reports.ResultsLog.append

    def append(self, row):
        if self.rows == rows:
            raise KeyboardInterrupt
        original(self, row)

    monkeypatch.setattr(reports.ResultsLog, "append", append)


def test_results_carry_solutions_and_walls(single):
    rows = results(single)
    for r in rows:
        assert (r["solution"] is not None) == r["verified"] and r["wall_s"] >= 0
    sudoku = next(r for r in rows if r["verified"] and r["kind"] == "sudoku")
    assert Sudoku.parse(sudoku["solution"]).is_complete
    assert json.loads((single / "run.json").read_text())["finished"] is True


def test_an_interrupted_report_keeps_its_results_and_resumes(datasets, tmp_path, monkeypatch):
    whole = tmp_path / "whole"
    assert run("report", *datasets, "--energies", "penalty,reference", "--out", whole,
               *CONSTRUCT).exit_code == 0
    out = tmp_path / "cut"
    with monkeypatch.context() as patched:
        interrupt_after(patched, 9)
        result = run("report", *datasets, "--energies", "penalty,reference", "--out", out,
                     *CONSTRUCT)
    assert result.exit_code == 130
    assert result.stderr == (f"interrupted: 9 of 40 results kept in {out / 'results.jsonl'}; "
                             f"continue with: glauber report --out {out} --resume\n")
    assert len(results(out)) == 9 and not (out / "report.md").exists()
    assert json.loads((out / "run.json").read_text())["finished"] is False

    again = run("report", *datasets, "--out", out)  # not by mistake: no --resume
    assert again.exit_code == 2 and "holds an unfinished report (9 results)" in again.stderr
    other = run("report", "--out", out, "--resume", "--sweeps", 4)
    assert other.exit_code == 2 and "started with --sweeps 3" in other.stderr

    with monkeypatch.context() as patched:  # interrupted twice
        interrupt_after(patched, 5)
        assert run("report", "--out", out, "--resume").exit_code == 130
    assert len(results(out)) == 14
    resumed = run("report", "--out", out, "--resume", "--seed", 2)  # same as given: fine
    assert resumed.exit_code == 0, resumed.output
    assert reproduced(out) == reproduced(whole)  # the same figures as without interruptions
    assert (out / "report.md").exists() and len(results(out)) == 40
    report = json.loads((out / "report.json").read_text())
    assert report["settings"]["files"] == [str(d) for d in datasets]
    done = run("report", "--out", out, "--resume")  # nothing left: the report again
    assert done.exit_code == 0 and reproduced(out) == reproduced(whole)


def test_an_interrupt_before_any_result_leaves_no_directory(datasets, tmp_path, monkeypatch):
    interrupt_after(monkeypatch, 0)
    out = tmp_path / "r"
    result = run("report", datasets[0], "--energies", "reference", "--out", out)
    assert result.exit_code == 130 and result.stderr == "interrupted: 0 of 10 results finished\n"
    assert not out.exists()
    result = run("report", "--out", out, "--resume")
    assert result.exit_code == 2 and "no report to resume" in result.stderr


def test_resume_refuses_results_from_other_input(datasets, tmp_path, monkeypatch):
    data = tmp_path / "s.txt"
    data.write_text("1234341221434321\n" * 3)
    out = tmp_path / "r"
    with monkeypatch.context() as patched:
        interrupt_after(patched, 2)
        assert run("report", data, "--energies", "reference", "--out", out).exit_code == 130
    data.write_text("\n1234341221434321\n" * 3)  # the puzzles moved
    result = run("report", "--out", out, "--resume")
    assert result.exit_code == 2 and "the input changed" in result.stderr


def test_ctrl_c_keeps_a_reports_finished_results(tmp_path):
    """A real SIGINT, once the first result is in: a puzzle with no solution (that full
    propagation does not refute) and an endless budget hold the run until then."""
    import signal
    import subprocess
    import time
    from pathlib import Path
    data = tmp_path / "p.txt"
    data.write_text("1234341221434321\n" + "........8..3...4...9..2..6.....79......8612...6.5"
                    ".2.7...8...5...1.....2.4.5.....3\n")
    out = tmp_path / "r"
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "report", str(data), "--energies", "penalty", "--out",
         str(out), "--time-limit", "100000", "--sweeps", "100000000"],
        cwd=Path(__file__).parent.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results_file = out / "results.jsonl"
    for _ in range(6000):  # a broken run that never writes is given up
        if process.poll() is not None or (results_file.exists() and results_file.read_text()):
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130 and "Traceback" not in stderr
    assert stderr.splitlines()[-1].startswith("interrupted: 1 of 2 results kept in")
    assert [r["verified"] for r in results(out)] == [True]


# -- plots that stay readable ------------------------------------------------------------------

def fake_rows(datasets: list[str], energies: list[str]) -> list[Row]:
    rows = []
    for path in datasets:
        for e, energy in enumerate(energies):
            for i in range(4):
                rows.append(Row(dataset=os.path.splitext(os.path.basename(path))[0], index=i, source=f"{path}:{i + 1}", energy=energy,
                                kind="zebra", size="4x4", stated=8, difficulty=3,
                                verified=i <= e % 4, seconds=0.01 * (i + 1) * (e + 1),
                                sweeps=10 * (i + e), conflicts=None, lowest_energy=0.0,
                                cell_accuracy=1.0, matches_expected=None, error=None,
                                device="cpu"))
    return rows


def test_many_series_get_panels_one_legend_outside_and_distinct_styles(tmp_path):
    from harness import plots
    energies = ["penalty", "lm", "lm+penalty", "lm-init"]
    rows = fake_rows([f"z/zebra_{k}.txt" for k in range(6)], energies)
    for make in (plots.time_to_solve_cdf_figure, plots.solve_rate_vs_sweeps_figure):
        fig = make(rows)
        assert len(fig.axes) == 6  # one panel per dataset
        [legend] = fig.legends  # one legend, for the figure, not inside a panel
        assert [t.get_text() for t in legend.get_texts()] == energies
        assert all(ax.get_legend() is None for ax in fig.axes)
        looks = [(line.get_color(), line.get_linestyle(), line.get_marker())
                 for line in fig.axes[0].get_lines()]
        assert len(looks) == 4 and len(set(looks)) == 4
    styles = {tuple(plots.style(k).values()) for k in range(40)}
    assert len(styles) == 40
    assert plots.plot_all(rows, str(tmp_path)) == ["solve_rate_vs_sweeps.png",
                                                   "time_to_solve_cdf.png",
                                                   "solve_rate_by_difficulty.png"]


def test_past_twelve_datasets_panels_pool_by_directory_then_everything():
    from harness.plots import facets
    two_dirs = fake_rows([f"{'ab'[k % 2]}/set_{k}.txt" for k in range(20)], ["penalty"])
    assert [(title, len(rows)) for title, rows in facets(two_dirs)] == [
        ("a/ (10 datasets)", 40), ("b/ (10 datasets)", 40)]
    many_dirs = fake_rows([f"d{k}/set_{k}.txt" for k in range(20)], ["penalty"])
    assert [title for title, _ in facets(many_dirs)] == ["all 20 datasets"]
