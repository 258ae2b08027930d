"""What every puzzle kind shares: the `Puzzle` and `Solution` protocols, the result types
of the exact counters (`Counted`), of the generators (`Generated`) and of any solver
(`Attempt`), and the SAT backend the counters and generators use.

Nothing here knows a particular kind; `puzzles.kinds` maps kind names to their modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

SAT_SOLVER = "minisat22"  # the CDCL solver (python-sat name) behind counters and generators
PROPAGATION = ("none", "singles", "full")  # hard-mask propagation levels of every kind


class Solution(Protocol):
    """A complete answer of one puzzle kind (a filled `Sudoku`, a `ZebraSolution`)."""

    def format(self) -> str: ...

    def to_json(self): ...


class Puzzle(Protocol):
    """A puzzle of any kind; `kind` names its entry in `puzzles.kinds.KINDS`."""

    @property
    def kind(self) -> str: ...

    def explain(self, solution) -> str | None: ...

    def conflicts(self) -> str | None: ...


P = TypeVar("P", bound=Puzzle)  # one kind's puzzle type (`Sudoku`, `ZebraPuzzle`)
S = TypeVar("S", bound=Solution)  # and its solution type (`Sudoku`, `ZebraSolution`)


@dataclass(frozen=True)
class Description:
    """How a puzzle is named in messages, reports and plots."""

    size: str  # Sudoku: "9x9"; Zebra: houses x attributes, "5x5"
    stated: str  # what it states up front: "givens" (Sudoku) or "clues" (Zebra)
    count: int  # how many of them


@dataclass(frozen=True)
class Attempt:
    """What a solver returns for one puzzle, unverified: `solution` is the solver's claim,
    not yet checked by the puzzle's verifier. `harness.solving.solve` (one puzzle) and
    `solve_all` (many) verify it and return an `Outcome`."""

    solution: Solution | None  # a complete answer of the puzzle's kind, or None
    seconds: float  # wall time spent on this puzzle
    error: str | None = None  # why there is no solution, when the solver knows
    stats: dict = field(default_factory=dict)  # solver statistics (sweeps, conflicts, ...)


@dataclass(frozen=True)
class Counted:
    """Result of counting a puzzle's solutions up to `limit` (the exact reference counters)."""

    verdict: str  # "none", "unique" or "many" (at least `limit` solutions)
    solutions: tuple[Solution, ...]  # the solutions found, at most `limit`
    conflicts: int  # CDCL conflicts while counting: the difficulty figure
    decisions: int  # CDCL decisions (guesses) while counting

    @property
    def solution(self) -> Solution | None:
        return self.solutions[0] if self.solutions else None


@dataclass(frozen=True)
class Generated(Generic[P, S]):
    """A generated puzzle of one kind, with its unique solution."""

    puzzle: P
    solution: S
    conflicts: int  # SAT conflicts to solve and prove unique: the difficulty figure
    decisions: int  # SAT decisions (guesses) to solve and prove unique


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """`1 clue`, `2 clues`, `0 givens` (nouns: the plural when it is not noun + s)."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def article(word: str) -> str:
    """`word` with its indefinite article, said as a reader says it: `a 9x9`, `an 8x8`,
    `an 11x11`, `an 18x18`, `an attribute`."""
    lead = word[: len(word) - len(word.lstrip("0123456789"))]
    if lead:
        vowel = lead.startswith("8") or (len(lead) % 3 == 2 and lead[:2] in ("11", "18"))
    else:
        vowel = word[:1].lower() in "aeiou"
    return f"{'an' if vowel else 'a'} {word}"

