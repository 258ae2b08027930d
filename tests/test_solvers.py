"""Solvers by name, and one set of defaults shared by the library and the CLI."""

import dataclasses

import pytest
from click.testing import CliRunner

import cli
from encoders.options import GlauberOptions
from encoders.pipeline import GlauberSolver
from puzzles.errors import ConfigError
from harness.solvers import SAMPLER_SETTINGS, energy_solver, make_solver, parse_energies
from harness.solving import ReferenceSolver
from solver.config import SamplerConfig
from solver.schedule import AnnealSchedule


def cli_defaults(command) -> dict:
    """The defaults of the command's sampler options (the settings `make_solver` reads)."""
    ctx = cli.cli.make_context("glauber", [command, "x"], resilient_parsing=True)
    sub = cli.cli.get_command(ctx, command)
    return {p.name: p.default for p in sub.params if p.name in SAMPLER_SETTINGS}


def test_make_solver_from_the_cli_defaults_is_the_library_default():
    settings = cli_defaults("solve")
    assert isinstance(make_solver("reference", settings), ReferenceSolver)
    built = make_solver("glauber", settings)
    assert built == GlauberSolver()
    assert built.config == SamplerConfig() and built.config.schedule == AnnealSchedule()


def test_library_defaults_are_the_measured_ones():
    options = GlauberOptions()
    assert (options.propagate, options.config.patience) == ("full", 30)
    assert dataclasses.astuple(options.config.schedule) == ("tempering", 1.0, 6.0, 150)


def test_bad_names_and_settings_are_config_errors():
    settings = cli_defaults("solve")
    with pytest.raises(ConfigError, match="unknown solver 'sat'"):
        make_solver("sat", settings)
    with pytest.raises(ConfigError, match="betas must be positive"):
        make_solver("glauber", {**settings, "schedule": "linear", "beta_start": -1.0})


def test_report_energies():
    assert parse_energies("penalty, reference,penalty") == ["penalty", "reference"]
    for bad, name in (("penalty,sat", "'sat'"), (" , ", "''")):
        with pytest.raises(ConfigError, match=f"unknown energy {name}"):
            parse_energies(bad)
    settings = cli_defaults("solve")
    assert isinstance(energy_solver("reference", settings), ReferenceSolver)
    assert energy_solver("lm", settings).energy == "lm"


def test_the_cli_shows_the_library_defaults():
    out = CliRunner().invoke(cli.cli, ["solve", "--help"]).output
    for text in ("--patience INTEGER RANGE", "[default: 30;", "[default: full]",
                 "[default: tempering]"):
        assert text in out
