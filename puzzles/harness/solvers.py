"""The solvers by name, built from one flat dict of settings (the CLI's sampler options,
whose defaults are the library's: `solver.config.SamplerConfig`,
`solver.schedule.AnnealSchedule`, `encoders.options.GlauberOptions`).

Module-level functions, so that Ray ships `energy_solver` to workers by reference. The
Glauber solver (torch) is imported only when one is built.
"""

from __future__ import annotations

from puzzles.errors import ConfigError
from puzzles.harness.solving import ReferenceSolver, Solver

SOLVERS = ("glauber", "reference")  # `--solver` names
# `report --energies` names; lm-init: penalty moves from the LM's unmasking (`--init lm`)
REPORT_ENERGIES = ("penalty", "lm", "lm+penalty", "lm-init", "reference")


def make_solver(name: str, settings: dict) -> Solver:
    """The solver called `name`, configured from `settings` (keys: seed, device, chains,
    sweeps, time_limit, move, order, schedule, beta_start, beta_end, anneal_sweeps,
    patience, energy, init, lm_weight, penalty_weight, model_dir, propagate). ConfigError for
    an unknown name or settings that cannot work here."""
    if name == "reference":
        return ReferenceSolver()
    if name != "glauber":
        raise ConfigError(f"unknown solver {name!r} (use {' or '.join(SOLVERS)})")
    from encoders.pipeline import GlauberSolver, resolve_device  # torch: only when used
    from solver.config import SamplerConfig
    from solver.schedule import AnnealSchedule
    try:
        resolve_device(settings["device"])
        schedule = AnnealSchedule(settings["schedule"], settings["beta_start"],
                                  settings["beta_end"], settings["anneal_sweeps"])
    except ValueError as e:
        raise ConfigError(str(e)) from None
    config = SamplerConfig(chains=settings["chains"], sweeps=settings["sweeps"],
                           time_limit=settings["time_limit"], order=settings["order"],
                           move=settings["move"], schedule=schedule,
                           patience=settings["patience"])
    return GlauberSolver(config, propagate=settings["propagate"], device=settings["device"],
                         seed=settings["seed"], energy=settings["energy"],
                         init=settings.get("init", "uniform"),
                         lm_refresh=settings.get("lm_refresh", 1), lm_weight=settings["lm_weight"],
                         penalty_weight=settings["penalty_weight"], model=settings["model_dir"])


def energy_solver(energy: str, settings: dict) -> Solver:
    """The solver behind a report energy: `reference` is the exact SAT solver; the others
    are the Glauber solver under that energy (`penalty`: constraint penalties only)."""
    if energy == "reference":
        return make_solver("reference", settings)
    if energy == "lm-init":
        return make_solver("glauber", {**settings, "energy": "penalty", "init": "lm"})
    return make_solver("glauber", {**settings, "energy": energy})


def parse_energies(text: str) -> list[str]:
    """The comma-separated report energies, in order, without repeats; ConfigError naming
    the first unknown one (or an empty list)."""
    energies = list(dict.fromkeys(e.strip() for e in text.split(",") if e.strip()))
    unknown = [e for e in energies if e not in REPORT_ENERGIES] or ([] if energies else [""])
    if unknown:
        raise ConfigError(f"unknown energy {unknown[0]!r} (use {', '.join(REPORT_ENERGIES)})")
    return energies
