"""The public Python API of the Glauber puzzle engine, in one import.

    import glauber
    puzzle = glauber.Sudoku.parse("...4.1.2.....3..")          # a 4x4 puzzle
    (outcome,) = glauber.solve_all(glauber.GlauberSolver(), [puzzle])
    assert outcome.verified                                   # checked by the exact verifier

Everything in `__all__` is public and kept stable; the modules it comes from are the
layout (puzzles -> encoders -> solver -> harness), free to move. The manual is docs/api.md.
"""

from __future__ import annotations

from encoders.encoded import Encoded
from encoders.options import GlauberOptions
from encoders.pipeline import GlauberSolver
from harness.report import Report, report
from harness.solvers import default_settings, make_solver
from harness.solving import (BatchSolver, Outcome, ReferenceSolver, Solver, judge, solve,
                             solve_all, solve_stream)
from puzzles.base import Attempt, Counted, Puzzle, Solution
from puzzles.errors import ConfigError, InputError, PuzzleError
from puzzles.formats import Record, iter_records, read_file, read_text
from puzzles.kinds import KINDS, count, describe, encoder, read_json
from puzzles.sudoku.generate import SudokuGenerator
from puzzles.sudoku.model import Sudoku
from puzzles.sudoku.strategies import sudoku_grids, sudoku_puzzles
from puzzles.zebra.generate import ZebraGenerator
from puzzles.zebra.clues import Clue
from puzzles.zebra.model import ZebraPuzzle, ZebraSolution
from puzzles.zebra.strategies import zebra_puzzles, zebra_solutions
from puzzles.zebra.text import parse_zebra_text
from solver.config import ColonyConfig, SamplerConfig
from solver.energy import PenaltyEnergy
from solver.glauber import GlauberSampler, SampleResult, Samples
from solver.interfaces import BaseEnergy, Energy, Moves
from solver.observers import Hooks, Observer, Relay
from solver.lm import CausalLMEnergy, LMVocabulary, MaskedLMEnergy
from solver.schedule import AnnealSchedule
from solver.traces import EnergyTrace
from solver.weighted import WeightedSum

__all__ = [
    # puzzles: models, files, the exact counter, generators and Hypothesis strategies
    "Puzzle", "Solution", "Sudoku", "ZebraPuzzle", "ZebraSolution", "Clue",
    "parse_zebra_text", "read_file", "read_text", "iter_records", "Record", "read_json",
    "read_puzzles", "KINDS", "describe", "count", "SudokuGenerator", "ZebraGenerator",
    "sudoku_grids", "sudoku_puzzles", "zebra_solutions", "zebra_puzzles",
    # solving: one signature for every solver, verified by the exact verifier
    "Solver", "BatchSolver", "GlauberSolver", "GlauberOptions", "ReferenceSolver",
    "Attempt", "Outcome", "Counted", "judge", "solve", "solve_all", "solve_stream",
    "make_solver", "default_settings",
    # reports: what `glauber report` writes, from one call
    "report", "Report",
    # encoders: puzzles <-> tensors
    "Encoded", "encoder",
    # the sampler and its energies, observers and settings
    "GlauberSampler", "SampleResult", "Samples", "SamplerConfig", "AnnealSchedule",
    "ColonyConfig", "Energy", "BaseEnergy", "PenaltyEnergy", "WeightedSum",
    "MaskedLMEnergy", "CausalLMEnergy", "LMVocabulary", "Moves", "Observer", "Hooks", "Relay",
    "EnergyTrace",
    # errors
    "PuzzleError", "InputError", "ConfigError",
]


def read_puzzles(path: str, format: str = "auto",
                 box: tuple[int, int] | None = None) -> list[Puzzle]:
    """Every puzzle of a file (any format `glauber solve` reads), in order. InputError
    (FILE:LINE and what is wrong) on the first malformed one."""
    return [record.puzzle for record in iter_records(read_file(path, format, box))]
