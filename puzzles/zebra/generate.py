"""Unique-solution Zebra puzzle generation, deterministic for a seed.

A random arrangement is drawn first. Clues true of it are then added one at a time until
it is the only arrangement left: while the SAT solver still finds another arrangement,
the next clue is drawn (kind uniformly among the allowed ones of `RELATIONS`, then
positions among those that satisfy it in the arrangement, so it is true by construction)
until one rules that other arrangement out. Finally each clue, in random order, is
dropped if the rest still force the arrangement, which leaves a minimal clue set. Both
phases ask one incremental solver (`puzzles.zebra.reference.Rivals`) with assumptions only.
"""

from __future__ import annotations

import json
import random
from typing import Sequence

from puzzles.base import Generated
from puzzles.errors import PuzzleError
from puzzles.zebra.model import (
    CLUE_KINDS,
    Attributes,
    Clue,
    Entity,
    ZebraPuzzle,
    ZebraSolution,
    satisfying,
)
from puzzles.zebra.reference import Rivals, count_solutions
from puzzles.zebra.text import THEMES, to_text


def vocabulary(houses: int, attributes: int, rng: random.Random | None = None) -> Attributes:
    """`attributes` attributes of `houses` values each, in THEMES order: the first ones
    (or, with `rng`, a random choice of themes and of their values). Where the themes run
    out (more attributes than themes, or more houses than values) attribute i is
    `attr{i}` with values `v{i}_1`, `v{i}_2`, ..."""
    themes = [t for t in THEMES if len(t.values) >= houses]
    if rng is not None:
        themes = sorted(rng.sample(themes, min(attributes, len(themes))), key=THEMES.index)
    chosen = []
    for i in range(1, attributes + 1):
        if i > len(themes):
            chosen.append((f"attr{i}", tuple(f"v{i}_{k}" for k in range(1, houses + 1))))
            continue
        values = themes[i - 1].values
        if rng is not None:
            picked = set(rng.sample(values, houses))
            values = tuple(v for v in values if v in picked)  # declared in vocabulary order
        chosen.append((themes[i - 1].attribute, values[:houses]))
    return tuple(chosen)


class ZebraGenerator:
    """Generates unique puzzles of one size; `seed` fixes the whole sequence."""

    def __init__(self, houses: int, attributes: int, seed: int = 0,
                 kinds: tuple[str, ...] = CLUE_KINDS):
        if houses < 1 or attributes < 1:
            raise PuzzleError("a Zebra puzzle needs at least one house and one attribute")
        unknown = set(kinds) - set(CLUE_KINDS)
        if not kinds or unknown:
            raise PuzzleError(f"clue kinds must be among {', '.join(CLUE_KINDS)}")
        self.houses = houses
        self.attributes = attributes
        self.kinds = tuple(kinds)  # kinds drawn for clues (an `at` clue when none fits)
        self.rng = random.Random(seed)

    def arrangement(self) -> tuple[Attributes, ZebraSolution]:
        """A random vocabulary (the declared attributes) and a random arrangement of it."""
        declared = vocabulary(self.houses, self.attributes, self.rng)
        return declared, ZebraSolution(self.houses, tuple(
            (name, tuple(self.rng.sample(values, len(values)))) for name, values in declared))

    def clue_against(self, solution: ZebraSolution, other: ZebraSolution,
                     tries: int = 1000) -> Clue:
        """A random clue true of `solution` and false of `other` (which must differ); an
        `at` clue when `tries` draws of the allowed kinds found none."""
        names = [name for name, _ in solution.assignment]
        for _ in range(tries):
            kind = self.rng.choice(self.kinds)
            options = satisfying(kind, self.houses)
            if not options:
                continue
            positions, k = self.rng.choice(options)
            clue = Clue(kind, *[solution.entity_at(self.rng.choice(names), p) for p in positions],
                        position=k)
            if not clue.holds([other.position(e) for e in clue.entities], self.houses):
                return clue
        return solution.pin_against(other)  # the allowed kinds found none: still progress

    def generate(self) -> Generated:
        """One puzzle whose only solution is a random arrangement, with a minimal clue set."""
        declared, solution = self.arrangement()
        with Rivals(solution) as rivals:
            while (other := rivals.rival()) is not None:
                rivals.add(self.clue_against(solution, other))
            clues = rivals.clues
            keep = list(range(len(clues)))
            for i in self.rng.sample(keep, len(keep)):
                if rivals.rival(j for j in keep if j != i) is None:
                    keep.remove(i)  # the others alone force the solution
        kept = tuple(clues[j] for j in keep)
        puzzle = ZebraPuzzle(self.houses, declared, kept, self.question(declared, kept))
        counted = count_solutions(puzzle)
        assert counted.verdict == "unique" and counted.solution == solution
        return Generated(puzzle, solution, counted.conflicts, counted.decisions)

    def question(self, declared: Attributes, clues: tuple[Clue, ...]) -> Entity:
        """A random entity, preferring one whose house no `at` clue states outright."""
        entities = [(name, v) for name, values in declared for v in values]
        placed = {c.a for c in clues if c.kind == "at"}
        return self.rng.choice([e for e in entities if e not in placed] or entities)


OUTPUT_FORMATS = ("jsonl", "text")  # jsonl: `format_generated`; text: `text_files`


def format_generated(rows: Sequence[Generated]) -> str:
    """Generated puzzles as JSON lines: the puzzle, its solution and the difficulty figures."""
    return "".join(json.dumps({"kind": "zebra", **g.puzzle.to_json(),
                               "solution": g.solution.to_json(),
                               "conflicts": g.conflicts, "decisions": g.decisions}) + "\n"
                   for g in rows)


def text_files(rows: Sequence[Generated], wording: str = "people") -> list[tuple[str, str]]:
    """(file name, natural-language text) per puzzle, for a directory of text puzzles:
    zebra_001.txt, zebra_002.txt, ... (wider numbers past 999)."""
    width = max(3, len(str(len(rows))))
    return [(f"zebra_{i:0{width}d}.txt", to_text(g.puzzle, wording)) for i, g in enumerate(rows, 1)]
