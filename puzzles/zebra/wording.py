"""How Zebra puzzles are worded: the clue phrases (`PHRASES`, one table for reading and
writing), the questions, the two wordings' layouts, ordinals; and the writer (`to_text`,
`write_text`) whose text `puzzles.zebra.text` reads back. Also an answer for people
(`answer_lines`: the asked person's position and the solution as a table).

Two wordings are understood (and written by `write_text`):

- people: `There are 3 people next to each other in a row in positions 1, 2, 3 ...`,
  `Everyone owns a different pet: cat, dog, fish.`, `Clue 1: The person who owns a cat
  is the harp player.`, `Question: What position is the person who owns a dog at?`
- houses: `There are 5 houses, numbered 1 to 5 from left to right ...`, `- Each person
  has a unique name: ``Alice``, ``Bob``, ...`, `1. Bob is directly left of the Swede.`
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable

from puzzles.zebra.clues import ROLES, Either, Entity, question_text
from puzzles.zebra.model import ZebraPuzzle, ZebraSolution
from puzzles.zebra.themes import declaration_verb, person_phrase

_WORD_NUMBERS = ("one two three four five six seven eight nine ten eleven twelve thirteen "
                 "fourteen fifteen sixteen seventeen eighteen nineteen twenty").split()
_WORD_ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
                  "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
                  "nineteenth twentieth").split()
NUMBERS = {w: i for i, w in enumerate(_WORD_NUMBERS, 1)}  # word -> count
ORDINALS = {w: i for i, w in enumerate(_WORD_ORDINALS, 1)}  # word -> position; also 3rd, last


@dataclass(frozen=True)
class Phrase:
    """One way of stating a clue: `{a}`, `{b}`, `{c}` stand for the clue's entities."""

    template: str  # lower case, no final full stop
    kind: str  # the clue kind (a key of puzzles.zebra.clues.RELATIONS)
    writes: tuple[str, ...] = ()  # wordings in which `write_text` uses it


# Order matters: a more specific template must come before one it also fits
# (`is not` before `is`, which would read "X is not Y" as X = "not Y").
PHRASES = (
    Phrase("{a} is somewhere in between {b} and {c} in that order", "between", ("people",)),
    Phrase("{a} is somewhere between {b} and {c} in that order", "between", ("houses",)),
    Phrase("{a} is somewhere to the left of {b}", "left_of", ("people", "houses")),
    Phrase("{a} is somewhere to the right of {b}", "right_of", ("people", "houses")),
    Phrase("{a} is immediately to the left of {b}", "immediately_left", ("people",)),
    Phrase("{b} is immediately to the right of {a}", "immediately_left"),
    Phrase("{a} is directly left of {b}", "immediately_left", ("houses",)),
    Phrase("{b} is directly right of {a}", "immediately_left"),
    Phrase("{a} is next to {b}", "next_to", ("people",)),
    Phrase("{a} and {b} are next to each other", "next_to", ("houses",)),
    Phrase("{a} is at one of the ends", "at_end", ("people", "houses")),
    Phrase("{a} is at an end", "at_end"),
    Phrase("there is one person between {a} and {b}", "one_between", ("people",)),
    Phrase("there is one house between {a} and {b}", "one_between", ("houses",)),
    Phrase("there are two people between {a} and {b}", "two_between", ("people",)),
    Phrase("there are two houses between {a} and {b}", "two_between", ("houses",)),
    Phrase("{a} is not {b}", "not_same", ("people", "houses")),
    Phrase("{a} is {b}", "same", ("people", "houses")),
)
QUESTIONS = ("what position is {a} at", "what position is {a} in", "which position is {a} in",
             "in which position is {a}", "in what position is {a}", "which house is {a} in",
             "what house is {a} in", "in which house is {a}", "where is {a}")


@dataclass(frozen=True)
class Wording:
    """How `write_text` lays out one wording; `parse_zebra_text` reads every wording."""

    opening: str  # {n} houses, {positions} = "1, 2, 3"
    declaration: str  # {verb}, {attribute}, {values}
    value: str  # one value in a declaration list
    instructions: str  # a line between declarations and clues (carries no constraint)
    clue: str  # {i} number, {text} the sentence
    place: str  # a house where a person is (`X is <place>`); {ordinal}
    someone: str  # the person in a house, as a participant of any relation; {ordinal}
    word_ordinals: bool  # `second` (True) or `2nd` (False)
    question: str  # {a} the entity


WORDINGS = {
    "people": Wording(
        "There are {n} people next to each other in a row in positions {positions} who have "
        "the following characteristics.", "Everyone {verb} a different {attribute}: {values}.",
        "{v}", "Read the clues below and answer the question.", "Clue {i}: {text}.",
        "the person at the {ordinal} position", "the person at the {ordinal} position", False,
        "Question: What position is {a} at?"),
    "houses": Wording(
        "There are {n} houses, numbered 1 to {n} from left to right, as seen from across the "
        "street. Each house is occupied by a different person. Each house has a unique "
        "attribute for each of the following characteristics:",
        " - Each person {verb} a unique {attribute}: {values}", "`{v}`", "## Clues:",
        "{i}. {text}.", "in the {ordinal} house", "the person in the {ordinal} house", True,
        "Question: Which house is {a} in?"),
}
PLACED_AS = {"at": "same", "not_at": "not_same"}  # a house clue is "X is <that house>"
PLACE_KINDS = {v: k for k, v in PLACED_AS.items()}


def ordinal(k: int, words: bool = False) -> str:
    """`3rd` (or `third` when `words` and k <= 20)."""
    if words and k <= len(_WORD_ORDINALS):
        return _WORD_ORDINALS[k - 1]
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def write_text(puzzle: ZebraPuzzle, person: Callable[[Entity | Either], str],
               verb: Callable[[str], str], wording: str = "people") -> str:
    """The puzzle in natural language that `parse_zebra_text` reads back to `puzzle`.

    `person(mention)` is the phrase naming a person (`the person who owns a cat`) for an
    entity or an `Either` (a phrase that names the shared value without the words that
    would decide it); it must contain the value as whole words and no other value. A
    house mention is written with the wording's `someone` (`the person at the 2nd
    position`). `verb(attribute)` is the declaration's verb (`owns` in `Everyone owns a
    different pet: ...`).
    """
    w = WORDINGS[wording]
    n = puzzle.houses
    lines = [w.opening.format(n=n, positions=", ".join(map(str, range(1, n + 1))))]
    lines += [w.declaration.format(verb=verb(name), attribute=name,
                                   values=", ".join(w.value.format(v=v) for v in values))
              for name, values in puzzle.attributes]
    lines.append(w.instructions)
    def mention(m) -> str:  # a house, an entity, or an ambiguous reference (`person`'s)
        if isinstance(m, int):
            return w.someone.format(ordinal=ordinal(m, w.word_ordinals))
        return person(m)

    for i, clue in enumerate(puzzle.clues, 1):
        kind = PLACED_AS.get(clue.kind, clue.kind)
        phrase = next(p for p in PHRASES if p.kind == kind and wording in p.writes)
        slots = {role: mention(m) for role, m in zip(ROLES, clue.entities)}
        if clue.position is not None:
            slots["b"] = w.place.format(ordinal=ordinal(clue.position, w.word_ordinals))
        text = phrase.template.format(**slots)
        lines.append(w.clue.format(i=i, text=text[0].upper() + text[1:]))
    if puzzle.question is not None:
        lines.append(w.question.format(a=person(puzzle.question)))
    return "\n".join(lines) + "\n"


def to_text(puzzle: ZebraPuzzle, wording: str = "people") -> str:
    """The puzzle in the natural-language `wording` ("people" or "houses") that
    `parse_zebra_text` reads back into the same puzzle (for values without commas that are
    not words of one another or of the wording), in the phrases of `puzzles.zebra.themes`.
    Successive mentions take a theme's phrases in turn (`variant`), so the ambiguous
    references of shared value names come with the verbs of both their attributes."""
    turn = itertools.count()
    return write_text(puzzle, lambda m: person_phrase(m, next(turn)),
                      lambda a: declaration_verb(a, puzzle.values[a]), wording)


def answer_lines(puzzle: ZebraPuzzle, solution: ZebraSolution) -> list[str]:
    """An answer for people: the asked person's position (when there is a question), then
    the solution as a table (attributes down, positions across)."""
    lines = []
    if puzzle.question is not None:
        lines.append(f"position of the asked person ({question_text(puzzle.question)}): "
                     f"{puzzle.answer(solution)}")
    rows = [("position", *map(str, range(1, puzzle.houses + 1)))]
    rows += [(name, *values) for name, values in solution.assignment]
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
    return lines + ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
                    for row in rows]
