"""The solvers by name, built from one flat dict of settings (the CLI's sampler options,
whose defaults are the library's: `solver.config.SamplerConfig`,
`solver.schedule.AnnealSchedule`, `solver.config.ColonyConfig`,
`encoders.options.GlauberOptions`). Settings left out take those defaults
(`default_settings`), so `make_solver("glauber", {"chains": 8})` is the CLI's
`--chains 8` with every other option at its default.

Module-level functions, so that Ray ships `energy_solver` to workers by reference. The
Glauber solver (torch) is imported only when one is built.
"""

from __future__ import annotations

from typing import Mapping

from encoders.options import GlauberOptions  # no torch: the dataclasses only
from puzzles.errors import ConfigError
from harness.solving import Preflighted, ReferenceSolver, Solver
from solver.config import ColonyConfig, SamplerConfig
from solver.schedule import AnnealSchedule

SOLVERS = ("glauber", "reference")  # `--solver` names
DEFAULT_THREADS = 1  # torch CPU threads: 1 does not collapse when another process loads
# the CPU (measured in docs/benchmarks.md, "Threads"); more help only on an idle machine


def set_threads(threads: int | None) -> None:
    """Set torch's CPU threads (intra-op) for this process; None leaves torch's default
    (one per core). Imports torch only when a number is given."""
    if threads is None:
        return
    import torch  # noqa: PLC0415 (torch: only when a thread count is set)
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
# `report --energies` names; lm-init: penalty moves from the LM's unmasking (`--init lm`)
REPORT_ENERGIES = ("penalty", "lm", "lm+penalty", "lm-init", "reference")
DEFAULT_REPORT_ENERGIES = ("penalty", "reference")  # `report --energies`, harness.report.report
RESUME_FREE = ("ray", "workers", "threads")  # report settings that may change on resume:
# they change where and how fast, not what
REPORT_CHUNK_SIZE = 128  # `report --chunk-size`: puzzles per chunk (batching, seeding, Ray)


def default_settings() -> dict:
    """Every setting `make_solver` reads (`SAMPLER_SETTINGS`, in that order), at the
    library's defaults: the dataclasses' fields, which the CLI's options show too. One
    exception: `threads` is None (torch's CPU threads are left as they are; the CLI sets
    `DEFAULT_THREADS`)."""
    glauber = GlauberOptions()
    sampler, colony = glauber.config, glauber.colony
    schedule = sampler.schedule
    return {"search": glauber.search, "ants": colony.ants, "greedy": colony.greedy,
            "learn": colony.learn, "restart": colony.restart, "repair_every": glauber.repair_every,
            "chains": sampler.chains, "sweeps": sampler.sweeps, "time_limit": sampler.time_limit,
            "move": sampler.move, "order": sampler.order, "schedule": schedule.kind,
            "beta_start": schedule.beta_start, "beta_end": schedule.beta_end,
            "anneal_sweeps": schedule.sweeps, "patience": sampler.patience,
            "energy": glauber.energy, "init": glauber.init, "lm_weight": glauber.lm_weight,
            "penalty_weight": glauber.penalty_weight, "lm_refresh": glauber.lm_refresh,
            "lm_fade": glauber.lm_fade, "model_dir": glauber.model,
            "propagate": glauber.propagate, "device": glauber.device, "seed": glauber.seed,
            "threads": None}


def full_settings(settings: Mapping | None = None, **more) -> dict:
    """`settings` (and `more`) over `default_settings()`: every setting, the ones not
    given at their defaults. ConfigError naming an unknown setting (a typo would
    otherwise be silently ignored)."""
    given = {**(settings or {}), **more}
    unknown = sorted(k for k in given if k not in SAMPLER_SETTINGS)
    if unknown:
        raise ConfigError(f"unknown setting {unknown[0]!r} (settings: "
                          f"{', '.join(SAMPLER_SETTINGS)})")
    return {**default_settings(), **given}


def make_solver(name: str, settings: Mapping | None = None, **more) -> Solver:
    """The solver called `name`, configured from `settings` and `more` (keys:
    `SAMPLER_SETTINGS`, the CLI's sampler options by their Python names: seed, device,
    chains, sweeps, time_limit, search, ...; any left out take the library defaults,
    `default_settings`). ConfigError for an unknown name or setting, or settings that
    cannot work here (a device that is not present, beta_start above beta_end, ...)."""
    settings = full_settings(settings, **more)
    if name == "reference":
        return ReferenceSolver()
    if name != "glauber":
        raise ConfigError(f"unknown solver {name!r} (use {' or '.join(SOLVERS)})")
    from encoders.pipeline import GlauberSolver  # noqa: PLC0415 (torch: only when used)
    set_threads(settings["threads"])
    if settings["beta_start"] > settings["beta_end"]:
        raise ConfigError(f"{{beta_start}} {settings['beta_start']:g} is above {{beta_end}} "
                          f"{settings['beta_end']:g}: chains go from hot (small beta) to cold "
                          f"(large beta); swap them")
    try:
        schedule = AnnealSchedule(settings["schedule"], settings["beta_start"],
                                  settings["beta_end"], settings["anneal_sweeps"])
        config = SamplerConfig(chains=settings["chains"], sweeps=settings["sweeps"],
                               time_limit=settings["time_limit"], order=settings["order"],
                               move=settings["move"], schedule=schedule,
                               patience=settings["patience"])
        return GlauberSolver(config, propagate=settings["propagate"], device=settings["device"],
                             seed=settings["seed"], energy=settings["energy"],
                             init=settings["init"], lm_refresh=settings["lm_refresh"],
                             lm_fade=settings["lm_fade"], lm_weight=settings["lm_weight"],
                             penalty_weight=settings["penalty_weight"],
                             model=settings["model_dir"], search=settings["search"],
                             repair_every=settings["repair_every"],
                             colony=ColonyConfig(**{k: settings[k] for k in COLONY_SETTINGS}))
    except ConfigError:
        raise  # the device's (GlauberSolver), its settings named
    except ValueError as e:  # the dataclasses' checks
        raise ConfigError(str(e)) from None


def preflight(solver: Solver, puzzles) -> None:
    """ConfigError now, before any answer is written, when `solver` cannot start on one of
    `puzzles` (give one per board, `puzzles.formats.board_key`); solvers that need no
    check (the exact one) pass."""
    if isinstance(solver, Preflighted):
        solver.preflight(puzzles)


def energy_solver(energy: str, settings: Mapping | None = None, **more) -> Solver:
    """The solver behind a report energy: `reference` is the exact SAT solver; the others
    are the Glauber solver under that energy (`penalty`: constraint penalties only).
    Settings as `make_solver` takes them (partial: the rest at the library defaults)."""
    settings = {**(settings or {}), **more}
    if energy == "reference":
        return make_solver("reference", settings)
    if energy == "lm-init":
        return make_solver("glauber", {**settings, "energy": "penalty", "init": "lm"})
    if energy not in REPORT_ENERGIES:
        raise ConfigError(f"unknown energy {energy!r} (use {', '.join(REPORT_ENERGIES)})")
    return make_solver("glauber", {**settings, "energy": energy})


def parse_energies(text: str) -> list[str]:
    """The comma-separated report energies, in order, without repeats; ConfigError naming
    the first unknown one (or an empty list)."""
    energies = list(dict.fromkeys(e.strip() for e in text.split(",") if e.strip()))
    unknown = [e for e in energies if e not in REPORT_ENERGIES] or ([] if energies else [""])
    if unknown:
        raise ConfigError(f"unknown energy {unknown[0]!r} (use {', '.join(REPORT_ENERGIES)})")
    return energies


COLONY_SETTINGS = ("ants", "greedy", "learn", "restart")  # solver.config.ColonyConfig fields
CONSTRUCT_SETTINGS = (*COLONY_SETTINGS, "repair_every")  # what only --search construct reads
SAMPLER_SETTINGS = ("search", *CONSTRUCT_SETTINGS, "chains", "sweeps", "time_limit", "move", "order", "schedule",
                    "beta_start", "beta_end", "anneal_sweeps", "patience", "energy", "init",
                    "lm_weight", "penalty_weight", "lm_refresh", "lm_fade", "model_dir", "propagate",
                    "device", "seed", "threads")
