"""Progress within a single long job (sweeps and lowest energy; givens left while
generating), on stderr only for a terminal and never with --quiet; --quiet also quiets
transformers; --threads sets torch's CPU threads."""

import os

import pytest
import torch
from click.testing import CliRunner

from cli import cli
from harness.commands.common import hush, progress_bar
from encoders.pipeline import GlauberSolver
from harness.solvers import DEFAULT_THREADS, set_threads
from harness.solving import solve_all
from puzzles.sudoku.generate import SudokuGenerator
from puzzles.sudoku.model import Sudoku
from solver.config import SamplerConfig
from solver.glauber import GlauberSampler
from solver.observers import Hooks

HARD = "4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......"


def test_a_single_job_shows_its_own_progress_on_a_terminal(stderr):
    terminal = stderr()
    with progress_bar(1, "solving", quiet=False) as progress:
        progress.status("sweep 12, lowest energy 3")
        progress(1)
    assert "sweep 12, lowest energy 3" in terminal.getvalue()


@pytest.mark.parametrize("quiet,tty", [(True, True), (False, False)])
def test_no_progress_with_quiet_or_without_a_terminal(stderr, quiet, tty):
    stream = stderr(tty)
    with progress_bar(1, "solving", quiet=quiet) as progress:
        progress.status("sweep 12, lowest energy 3")
        progress(1)
    assert stream.getvalue() == ""


def test_the_glauber_solver_reports_sweeps_and_the_lowest_energy(monkeypatch):
    monkeypatch.setattr(GlauberSampler, "report_every", 0.0)  # every sweep
    seen = []
    solver = GlauberSolver(SamplerConfig(chains=4, sweeps=5, time_limit=60), propagate="none",
                           search="anneal")
    (outcome,) = solve_all(solver, [Sudoku.parse(HARD)],
                           Hooks(status=lambda s, e: seen.append((s, e))))
    assert [s for s, _ in seen] == list(range(len(seen))) and len(seen) >= 5
    assert all(e >= 0 for _, e in seen) and not outcome.verified


def test_generation_reports_givens_left():
    seen = []
    with SudokuGenerator((2, 2), seed=1) as gen:
        made = gen.generate(progress=lambda tried, left: seen.append((tried, left)))
    tried = [t for t, _ in seen]
    assert tried == list(range(1, len(seen) + 1))
    assert seen[-1][1] == made.puzzle.givens and all(a[1] >= b[1] for a, b in zip(seen, seen[1:]))


def test_quiet_quiets_transformers(tmp_path, monkeypatch):
    for name in ("TRANSFORMERS_VERBOSITY", "HF_HUB_DISABLE_PROGRESS_BARS"):
        monkeypatch.delenv(name, raising=False)  # restored after the test
    path = tmp_path / "p.txt"
    path.write_text("1" + "." * 15 + "\n")
    CliRunner().invoke(cli, ["solve", str(path), "--quiet"], catch_exceptions=False)
    assert os.environ["TRANSFORMERS_VERBOSITY"] == "error"
    assert os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] == "1"
    transformers = pytest.importorskip("transformers")
    from transformers.utils import logging as hf_logging
    before = hf_logging.get_verbosity()
    try:
        hush(True)
        assert hf_logging.get_verbosity() == hf_logging.ERROR
        assert not hf_logging.is_progress_bar_enabled()
    finally:
        hf_logging.set_verbosity(before)
        hf_logging.enable_progress_bar()
    del transformers


def test_threads_option_sets_torch_threads(tmp_path):
    before = torch.get_num_threads()
    path = tmp_path / "p.txt"
    path.write_text("1" + "." * 15 + "\n")
    try:
        result = CliRunner().invoke(cli, ["solve", str(path), "--threads", "2"],
                                    catch_exceptions=False)
        assert result.exit_code == 0 and torch.get_num_threads() == 2
        CliRunner().invoke(cli, ["solve", str(path)], catch_exceptions=False)
        assert torch.get_num_threads() == DEFAULT_THREADS == 1
        set_threads(None)  # leaves it
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
