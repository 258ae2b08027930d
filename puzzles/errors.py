"""Errors raised for bad puzzles and bad input files.

`PuzzleError` is a problem with one puzzle's content (wrong length, bad symbol);
`InputError` adds where it was found, so the CLI can print `FILE:LINE: what is wrong`.
"""

from __future__ import annotations


class PuzzleError(ValueError):
    """A puzzle (or a candidate solution) is malformed."""


class InputError(PuzzleError):
    """A malformed input file: carries the file and 1-based line of the problem."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class ConfigError(ValueError):
    """A solver setting that cannot work here (e.g. an LM energy with no model for the board)."""


class BeyondModel(ConfigError):
    """A puzzle the chosen language model cannot read (e.g. more houses than it was made
    for): that puzzle is not solved, the others go on."""
