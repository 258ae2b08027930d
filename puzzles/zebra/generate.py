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
from puzzles.zebra.clues import CLUE_KINDS, Attributes, Clue, Entity, Mention, either, satisfying
from puzzles.zebra.model import ZebraPuzzle, ZebraSolution
from puzzles.zebra.reference import Rivals, count_solutions
from puzzles.zebra.wording import to_text
from puzzles.zebra.themes import CLASSIC, SHARED_THEMES, THEMES, Theme


def _pool(values: Sequence[str], houses: int) -> Sequence[str]:
    """The values a theme draws from: its first CLASSIC ones up to that many houses."""
    return values[:CLASSIC[1]] if houses <= CLASSIC[1] else values


def vocabulary(houses: int, attributes: int, rng: random.Random | None = None,
               themes: Sequence[Theme] = THEMES) -> Attributes:
    """`attributes` attributes of `houses` values each, in `themes` order: the first ones
    (or, with `rng`, a random choice of themes and of their values; within the CLASSIC
    size, from the classic themes and values alone). Where the themes run out (more
    attributes than themes, or more houses than values) attribute i is `attr{i}` with
    values `v{i}_1`, `v{i}_2`, ..."""
    order = list(themes)
    if rng is not None and themes is THEMES and attributes <= CLASSIC[0]:
        order = order[:CLASSIC[0]]
    themes = [t for t in order if len(t.values) >= houses]
    if rng is not None:
        themes = sorted(rng.sample(themes, min(attributes, len(themes))), key=order.index)
    chosen = []
    for i in range(1, attributes + 1):
        if i > len(themes):
            chosen.append((f"attr{i}", tuple(f"v{i}_{k}" for k in range(1, houses + 1))))
            continue
        values = themes[i - 1].values
        if rng is not None:
            picked = set(rng.sample(_pool(values, houses), houses))
            values = tuple(v for v in values if v in picked)  # declared in vocabulary order
        chosen.append((themes[i - 1].attribute, values[:houses]))
    return tuple(chosen)


class ZebraGenerator:
    """Generates unique puzzles of one size; `seed` fixes the whole sequence.

    `hard=True` words puzzles like published sets: the vocabulary may include attributes
    whose value names overlap (`SHARED_THEMES`: `biking` a hobby and an activity, `Honda`
    a car and a motorbike) and a mention of such a value is, half the time, the ambiguous
    reference the text wording writes vaguely (`the person who likes biking`); a clue of
    two or three people names one of them by its house a fifth of the time (`the person
    at the 2nd position`); and `distractors` clues (default: a third of the needed ones)
    that rule nothing out are mixed in. The clues stay true of the drawn arrangement and
    the puzzle stays unique, with its ambiguities taken as disjunctions."""

    def __init__(self, houses: int, attributes: int, seed: int = 0,
                 kinds: tuple[str, ...] = CLUE_KINDS, hard: bool = False,
                 distractors: int | None = None):
        if houses < 1 or attributes < 1:
            raise PuzzleError("a Zebra puzzle needs at least one house and one attribute")
        unknown = set(kinds) - set(CLUE_KINDS)
        if not kinds or unknown:
            raise PuzzleError(f"clue kinds must be among {', '.join(CLUE_KINDS)}")
        if distractors is not None and distractors < 0:
            raise PuzzleError("distractors must be >= 0")
        self.houses = houses
        self.attributes = attributes
        self.kinds = tuple(kinds)  # kinds drawn for clues (an `at` clue when none fits)
        self.hard = hard
        self.distractors = distractors  # extra true clues; None: a third (hard), else 0
        self.rng = random.Random(seed)
        self._vague: dict[Entity, Mention] = {}  # entity -> its ambiguous reference

    def arrangement(self) -> tuple[Attributes, ZebraSolution]:
        """A random vocabulary (the declared attributes) and a random arrangement of it."""
        declared = (self._hard_vocabulary() if self.hard
                    else vocabulary(self.houses, self.attributes, self.rng))
        return declared, ZebraSolution(self.houses, tuple(
            (name, tuple(self.rng.sample(values, len(values)))) for name, values in declared))

    def _hard_vocabulary(self) -> Attributes:
        """`vocabulary` with the pairs of `SHARED_THEMES` first (one pair from 2
        attributes, both from 4), each pair declaring its shared value names (`biking`,
        `Honda`, ...), then random themes of `THEMES` and generic attributes."""
        n, pairs = self.houses, [SHARED_THEMES[:2], SHARED_THEMES[2:]]
        chosen: list[tuple[str, tuple[str, ...]]] = []
        for pair in pairs[:min(len(pairs), self.attributes // 2)]:
            if any(len(theme.values) < n for theme in pair):
                continue
            shared = [v for v in pair[0].values if v in pair[1].values][:n]
            for theme in pair:
                rest = [v for v in _pool(theme.values, n) if v not in shared]
                picked = set(shared) | set(self.rng.sample(rest, n - len(shared)))
                chosen.append((theme.attribute, tuple(v for v in theme.values if v in picked)))
        others = vocabulary(n, self.attributes - len(chosen), self.rng)
        taken = {name for name, _ in chosen}
        for i, (name, values) in enumerate(others, len(chosen) + 1):
            if name in taken or name.startswith("attr"):  # generic names follow the order
                name, values = f"attr{i}", tuple(f"v{i}_{k}" for k in range(1, n + 1))
            chosen.append((name, values))
        return tuple(chosen)

    def _draw(self, solution: ZebraSolution) -> Clue | None:
        """A random clue true of `solution` (None when the drawn kind fits no houses)."""
        kind = self.rng.choice(self.kinds)
        options = satisfying(kind, self.houses)
        if not options:
            return None
        positions, k = self.rng.choice(options)
        names = [name for name, _ in solution.assignment]
        mentions: list[Mention] = [solution.entity_at(self.rng.choice(names), p)
                                   for p in positions]
        if self.hard:
            if len(mentions) > 1 and self.rng.random() < 0.2:  # one person by house
                slot = self.rng.randrange(len(mentions))
                mentions[slot] = positions[slot]
            mentions = [self._vague[m] if m in self._vague and self.rng.random() < 0.5 else m
                        for m in mentions]
        return Clue.of(kind, mentions, k)

    def clue_against(self, solution: ZebraSolution, other: ZebraSolution,
                     tries: int = 1000) -> Clue:
        """A random clue true of `solution` and false of `other` (which must differ); an
        `at` clue when `tries` draws of the allowed kinds found none."""
        for _ in range(tries):
            clue = self._draw(solution)
            if clue is not None and not clue.true_in(other.position, self.houses):
                return clue
        return solution.pin_against(other)  # the allowed kinds found none: still progress

    def generate(self) -> Generated[ZebraPuzzle, ZebraSolution]:
        """One puzzle whose only solution is a random arrangement, with a minimal clue set
        (plus the distractors of a hard puzzle)."""
        declared, solution = self.arrangement()
        by_value: dict[str, list[Entity]] = {}
        for name, values in declared:
            for v in values:
                by_value.setdefault(v.lower(), []).append((name, v))
        self._vague = {e: either(es) for es in by_value.values() if len(es) > 1 for e in es}
        with Rivals(solution) as rivals:
            while (other := rivals.rival()) is not None:
                rivals.add(self.clue_against(solution, other))
            clues = rivals.clues
            keep = list(range(len(clues)))
            for i in self.rng.sample(keep, len(keep)):
                if rivals.rival(j for j in keep if j != i) is None:
                    keep.remove(i)  # the others alone force the solution
        kept = [clues[j] for j in keep]
        extra = self.distractors if self.distractors is not None else (
            len(kept) // 3 if self.hard else 0)
        for _ in range(extra):
            clue = None
            while clue is None:
                clue = self._draw(solution)
            kept.insert(self.rng.randrange(len(kept) + 1), clue)
        puzzle = ZebraPuzzle(self.houses, declared, tuple(kept), self.question(declared, kept))
        counted = count_solutions(puzzle)
        assert counted.verdict == "unique" and counted.solution == solution
        return Generated(puzzle, solution, counted.conflicts, counted.decisions)

    def question(self, declared: Attributes, clues: Sequence[Clue]) -> Entity:
        """A random entity, preferring one whose house no `at` clue states outright."""
        entities = [(name, v) for name, values in declared for v in values]
        placed = {c.a for c in clues if c.kind == "at"}
        return self.rng.choice([e for e in entities if e not in placed] or entities)


OUTPUT_FORMATS = ("jsonl", "text")  # jsonl: `format_generated`; text: `text_files`


def format_generated(rows: Sequence[Generated[ZebraPuzzle, ZebraSolution]]) -> str:
    """Generated puzzles as JSON lines: the puzzle, its solution and the difficulty figures."""
    return "".join(json.dumps({"kind": "zebra", **g.puzzle.to_json(),
                               "solution": g.solution.to_json(),
                               "conflicts": g.conflicts, "decisions": g.decisions}) + "\n"
                   for g in rows)


def text_files(rows: Sequence[Generated[ZebraPuzzle, ZebraSolution]],
               wording: str = "people") -> list[tuple[str, str]]:
    """(file name, natural-language text) per puzzle, for a directory of text puzzles:
    zebra_001.txt, zebra_002.txt, ... (wider numbers past 999)."""
    return [(name, to_text(g.puzzle, wording)) for name, g in zip(text_file_names(len(rows)), rows)]


def text_file_names(count: int) -> list[str]:
    """The file names of `count` text puzzles in a directory: zebra_001.txt, ... (wider
    numbers past 999), for a writer that makes each puzzle as it goes."""
    width = max(3, len(str(count)))
    return [f"zebra_{i:0{width}d}.txt" for i in range(1, count + 1)]
