"""Errors raised for bad puzzles and bad input files.

`PuzzleError` is a problem with one puzzle's content (wrong length, bad symbol);
`InputError` adds where it was found, so the CLI can print `FILE:LINE: what is wrong`.
"""

from __future__ import annotations

import re
from typing import Callable

_SETTING = re.compile(r"\{([a-z][a-z0-9_]*)\}")  # `{lm_weight}` in a ConfigError's message


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

    def __reduce__(self):  # across processes (Ray workers) with its parts
        return type(self), (self.path, self.line, self.message)


class ConfigError(ValueError):
    """A solver setting that cannot work here (e.g. an LM energy with no model for the board).

    The message names settings as `{setting}` (`{lm_weight}`, `{device}`): `str(e)` writes
    each as the library's keyword (`lm_weight`), `e.worded(name)` as a caller says it (the
    CLI: `--lm-weight`), so one message serves Python and the command line."""

    def __init__(self, message: str):
        self.template = message
        super().__init__(self.worded(str))

    def worded(self, name: Callable[[str], str]) -> str:
        """The message with each `{setting}` written as `name(setting)`."""
        return _SETTING.sub(lambda m: name(m.group(1)), self.template)

    def within(self, prefix: str) -> "ConfigError":
        """The same error, its message after `prefix` (settings still named)."""
        return type(self)(prefix + self.template)

    def __reduce__(self):  # across processes (Ray) with the settings still named
        return type(self), (self.template,)


class BeyondModel(ConfigError):
    """A puzzle the chosen language model cannot read (e.g. more houses than it was made
    for): that puzzle is not solved, the others go on."""
