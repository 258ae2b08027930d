"""The package from Python (issue #26): one set of library defaults (the CLI shows the same),
partial settings, a report in one call, devices checked when a solver is built, and
verification that a plain `solve` call does not do."""

from __future__ import annotations

import dataclasses
import inspect
import json

import pytest
import torch
from click.testing import CliRunner

import cli
from encoders.construction import ConstructiveSearch
from encoders.options import GlauberOptions
from encoders.pipeline import GlauberSolver, resolve_device
from encoders.sudoku import SudokuEncoder
from encoders.zebra import ZebraEncoder
from harness import report as reports
from harness.solvers import (
    DEFAULT_THREADS,
    SAMPLER_SETTINGS,
    default_settings,
    energy_solver,
    make_solver,
)
from harness.solving import Outcome, ReferenceSolver, solve
from puzzles.base import Attempt
from puzzles.errors import ConfigError
from puzzles.kinds import encoder
from puzzles.sudoku.model import Sudoku
from solver.config import ColonyConfig, SamplerConfig
from solver.schedule import AnnealSchedule

PUZZLE_6X6 = Sudoku.parse("." * 36, (2, 3))  # any grid solves it: quick to anneal


def command_defaults(command: str) -> dict:
    """Every option default of a `glauber` command, by parameter name."""
    ctx = cli.cli.make_context("glauber", [command, "x"], resilient_parsing=True)
    return {p.name: p.default for p in cli.cli.get_command(ctx, command).params}


# -- one set of defaults --------------------------------------------------------------------

def test_encoders_default_to_the_solvers_propagation():
    level = GlauberOptions().propagate
    assert SudokuEncoder().propagate == ZebraEncoder().propagate == level
    assert GlauberSolver().propagate == level
    puzzle = Sudoku.parse("..23....2.4.1...")
    assert torch.equal(SudokuEncoder().encode(puzzle).allowed,
                       encoder("sudoku", GlauberSolver().propagate).encode(puzzle).allowed)


def test_the_constructive_search_defaults_are_the_options():
    options = GlauberOptions()
    params = inspect.signature(ConstructiveSearch).parameters
    for name in ("repair_every", "repair_sweeps", "group_form"):
        assert params[name].default == getattr(options, name)
    assert options.colony == ColonyConfig() and options.config == SamplerConfig()
    assert options.config.schedule == AnnealSchedule()


def test_default_settings_are_the_dataclasses_and_build_the_default_solver():
    defaults = default_settings()
    assert list(defaults) == list(SAMPLER_SETTINGS)
    assert make_solver("glauber") == make_solver("glauber", {}) == GlauberSolver()
    assert make_solver("glauber", defaults) == GlauberSolver()


@pytest.mark.parametrize("command", ["solve", "bench", "report"])
def test_every_cli_default_is_the_librarys(command):
    shown = command_defaults(command)
    defaults = default_settings()
    for name in SAMPLER_SETTINGS:
        expected = DEFAULT_THREADS if name == "threads" else defaults[name]
        assert shown[name] == expected, name
    help_text = CliRunner().invoke(cli.cli, [command, "--help"]).output
    assert f"[default: {defaults['propagate']}]" in help_text


def test_the_report_commands_defaults_are_report_s():
    shown = command_defaults("report")
    assert shown["chunk_size"] == reports.CHUNK_SIZE
    assert shown["energy_names"] == ",".join(reports.DEFAULT_ENERGIES)
    params = inspect.signature(reports.report).parameters
    assert params["chunk_size"].default == reports.CHUNK_SIZE
    assert params["energies"].default == reports.DEFAULT_ENERGIES


# -- partial settings ------------------------------------------------------------------------

def test_partial_settings_take_the_library_defaults():
    solver = energy_solver("penalty", {"chains": 4, "beta_start": 2.0})
    assert solver.config.chains == 4 and solver.config.schedule.beta_start == 2.0
    assert solver.config.sweeps == SamplerConfig().sweeps and solver.energy == "penalty"
    assert make_solver("glauber", chains=4, search="anneal") == GlauberSolver(
        SamplerConfig(chains=4), search="anneal")
    assert isinstance(energy_solver("reference"), ReferenceSolver)
    assert energy_solver("lm-init", seed=3).init == "lm"


def test_unknown_settings_and_energies_are_config_errors():
    with pytest.raises(ConfigError, match="unknown setting 'beta-start'"):
        make_solver("glauber", {"beta-start": 2.0})
    with pytest.raises(ConfigError, match="unknown energy 'sat'"):
        energy_solver("sat", {})
    with pytest.raises(ConfigError, match="energy must be one of"):
        make_solver("glauber", energy="sat")


# -- devices ---------------------------------------------------------------------------------

def test_unknown_device_names_fail_at_construction():
    for name in ("gpu", "cuda:x", "cuda:", "cpu:1", "tpu"):
        with pytest.raises(ValueError, match=f"^device {name}: unknown device "
                                             r"\(use auto, cpu, cuda or cuda:N\)"):
            GlauberSolver(device=name)
    with pytest.raises(ConfigError, match="unknown device"):
        make_solver("glauber", device="gpu")
    assert GlauberSolver(device="cpu").device == "cpu"
    assert resolve_device("cpu:0") == torch.device("cpu", 0)  # solver.tracing's SIM_DEVICE
    assert resolve_device("cpu") == torch.device("cpu") == resolve_device(torch.device("cpu"))


def test_cuda_devices_are_checked_against_the_machine(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    for name in ("cuda", "cuda:0", "cuda:7"):
        with pytest.raises(ValueError, match=f"^device {name}: no CUDA device is available"):
            GlauberSolver(device=name)
    assert resolve_device("auto") == torch.device("cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    with pytest.raises(ValueError, match=r"^device cuda:7: no such CUDA device \(2 present: "
                                         "cuda:0 to cuda:1\\)"):
        GlauberSolver(device="cuda:7")
    assert GlauberSolver(device="cuda:1").device == "cuda:1"
    assert resolve_device("cuda:1") == torch.device("cuda", 1)


def test_the_cli_takes_the_library_device_names():
    result = CliRunner().invoke(cli.cli, ["solve", "--puzzle", "1...", "--device", "gpu"])
    assert result.exit_code == 2 and "'gpu' is not a device (use auto, cpu, cuda or cuda:N)" \
        in result.output
    result = CliRunner().invoke(cli.cli, ["solve", "--puzzle", "1" + "." * 15, "--device", "cuda:1"])
    if not torch.cuda.is_available():  # the form is taken; the machine has no such device
        assert result.exit_code == 2 and "--device cuda:1: no CUDA device" in result.output


# -- verification ----------------------------------------------------------------------------

class Liar:
    """Claims an invalid grid (all ones) is the solution."""

    name = "liar"

    def solve(self, puzzle):
        return Attempt(puzzle.with_cells([1] * len(puzzle.cells)), 0.0)


def test_solve_verifies_what_a_solvers_solve_does_not():
    claim = Liar().solve(PUZZLE_6X6)
    assert claim.solution is not None  # an Attempt is only a claim
    outcome = solve(Liar(), PUZZLE_6X6)
    assert isinstance(outcome, Outcome) and not outcome.verified and outcome.solution is None
    assert "rejected by the verifier" in outcome.error
    glauber = make_solver("glauber", search="anneal", time_limit=600, sweeps=2000)
    outcome = solve(glauber, PUZZLE_6X6)
    assert outcome.verified and outcome.solution.is_complete
    assert PUZZLE_6X6.explain(outcome.solution) is None
    assert "UNVERIFIED" in GlauberSolver.solve.__doc__


# -- a report from Python --------------------------------------------------------------------

FAST = {"search": "anneal", "chains": 2, "sweeps": 15, "time_limit": 600}
REPRODUCED = ("dataset", "index", "energy", "verified", "sweeps", "conflicts",
              "lowest_energy", "cell_accuracy", "matches_expected")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    d = tmp_path_factory.mktemp("data")
    for args in (("sudoku", "--box", "2x3", "--count", 4, "--seed", 2, "--out", d / "s6.txt"),
                 ("zebra", "--houses", 3, "--attributes", 3, "--count", 2, "--seed", 3,
                  "--out", d / "z3.jsonl")):
        result = CliRunner().invoke(cli.cli, ["generate", *map(str, args)])
        assert result.exit_code == 0, result.output
    return [d / "s6.txt", d / "z3.jsonl"]


def reproduced(rows) -> list[tuple]:
    return [tuple(r[k] for k in REPRODUCED) for r in rows]


def test_a_report_from_python_is_the_clis(small, tmp_path):
    py, sh = tmp_path / "py", tmp_path / "cli"
    done = []
    result = reports.report(small, py, seed=4, chunk_size=3, progress=done.append, **FAST)
    assert sum(done) == (4 + 2) * 2
    for name in ("report.md", "report.json", "results.jsonl", "run.json"):
        assert (py / name).stat().st_size > 0
    stored = [json.loads(line) for line in (py / "results.jsonl").read_text().splitlines()]
    assert len(result.rows) == len(stored) == 12
    assert [(s.dataset, s.energy) for s in result.summaries] == [
        (d, e) for d in ("s6", "z3") for e in reports.DEFAULT_ENERGIES]
    assert reproduced([dataclasses.asdict(r) for r in result.rows]) == reproduced(stored)

    args = ["report", *map(str, small), "--out", str(sh), "--seed", "4", "--chunk-size", "3",
            "--search", "anneal", "--chains", "2", "--sweeps", "15", "--time-limit", "600",
            "--quiet"]
    ran = CliRunner().invoke(cli.cli, args, catch_exceptions=False)
    assert ran.exit_code == 0, ran.output
    theirs = [json.loads(line) for line in (sh / "results.jsonl").read_text().splitlines()]
    assert reproduced(theirs) == reproduced(stored)
    assert sorted(p.name for p in sh.iterdir()) == sorted(p.name for p in py.iterdir())
    mine, cli_settings = (json.loads((d / "run.json").read_text())["settings"] for d in (py, sh))
    assert {k: v for k, v in mine.items() if k != "threads"} == {
        k: v for k, v in cli_settings.items() if k != "threads"}


def test_report_from_python_refuses_bad_input_before_any_work(small, tmp_path):
    with pytest.raises(ConfigError, match="unknown energy 'sat'"):
        reports.report(small, tmp_path / "a", energies=("penalty", "sat"))
    with pytest.raises(ConfigError, match="energies it is given"):
        reports.report(small, tmp_path / "b", energy="lm")
    with pytest.raises(ConfigError, match="unknown setting 'beta-end'"):
        reports.report(small, tmp_path / "c", **{"beta-end": 3.0})
    with pytest.raises(ConfigError, match="unknown device"):
        reports.report(small, tmp_path / "d", device="gpu")
    assert not any((tmp_path / n).exists() for n in "abcd")


def test_report_takes_one_file_or_a_generator_of_them(small, tmp_path):
    one = reports.report(small[0], tmp_path / "one", energies="reference")
    many = reports.report((f for f in small), tmp_path / "many", energies=["reference"])
    assert [s.dataset for s in one.summaries] == ["s6"]
    assert [s.dataset for s in many.summaries] == ["s6", "z3"]


def test_an_interrupted_report_from_python_resumes(small, tmp_path, monkeypatch):
    whole = reports.report(small, tmp_path / "whole", seed=2, chunk_size=3, **FAST)
    original = reports.ResultsLog.append

    def append(self, row):
        if self.rows == 5:
            raise KeyboardInterrupt
        original(self, row)

    out = tmp_path / "cut"
    with monkeypatch.context() as patched:
        patched.setattr(reports.ResultsLog, "append", append)
        with pytest.raises(KeyboardInterrupt):
            reports.report(small, out, seed=2, chunk_size=3, **FAST)
    with pytest.raises(ConfigError, match="holds an unfinished report"):
        reports.report(small, out, seed=2, chunk_size=3, **FAST)
    with pytest.raises(ConfigError, match="started with seed 2, not 3"):
        reports.report(small, out, seed=3, chunk_size=3, resume=True, **FAST)
    resumed = reports.report(small, out, seed=2, chunk_size=3, resume=True, **FAST)
    assert reproduced([dataclasses.asdict(r) for r in resumed.rows]) == reproduced(
        [dataclasses.asdict(r) for r in whole.rows])


def test_setting_names_in_errors_read_as_the_library_or_the_cli_says_them():
    """One message serves both: Python sees setting names, the CLI its options."""
    import pickle

    from harness.commands.common import said
    with pytest.raises(ConfigError) as caught:
        GlauberSolver(device="gpu")
    error = caught.value
    assert str(error).startswith("device gpu: unknown device")
    assert said(error).startswith("--device gpu: unknown device")
    wrapped = error.within("energy penalty is not available for d: ")
    assert said(wrapped) == "energy penalty is not available for d: " + said(error)
    assert said(pickle.loads(pickle.dumps(wrapped))) == said(wrapped)  # across Ray workers
    with pytest.raises(ConfigError) as caught:
        make_solver("glauber", beta_start=7.0, beta_end=1.0)
    assert str(caught.value).startswith("beta_start 7 is above beta_end 1")
    assert said(caught.value).startswith("--beta-start 7 is above --beta-end 1")


def test_input_errors_survive_pickling():
    """Errors cross to and from Ray workers pickled."""
    import pickle

    from puzzles.errors import InputError
    error = pickle.loads(pickle.dumps(InputError("f.txt", 3, "bad symbol 'x'")))
    assert (error.path, error.line, str(error)) == ("f.txt", 3, "f.txt:3: bad symbol 'x'")
