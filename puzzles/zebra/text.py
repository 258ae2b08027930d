"""Natural-language Zebra puzzles: parse the wording of published benchmarks, and write it.

Two wordings are understood (and written by `write_text`):

- people: `There are 3 people next to each other in a row in positions 1, 2, 3 ...`,
  `Everyone owns a different pet: cat, dog, fish.`, `Clue 1: The person who owns a cat
  is the harp player.`, `Question: What position is the person who owns a dog at?`
- houses: `There are 5 houses, numbered 1 to 5 from left to right ...`, `- Each person
  has a unique name: ``Alice``, ``Bob``, ...`, `1. Bob is directly left of the Swede.`

Lines are classified as question (`Question: ...`), clue (`Clue N: ...` or `N. ...`),
attribute declaration (`... different|unique NOUN: v1, v2, ...`, or a bullet `- NOUN: v1,
v2, ...`) or opening (`There are N people|houses`); every other line (instructions,
notes, headings) carries no constraint.

A clue is read with `PHRASES`, a table of templates tried in order; the first template
the sentence fits decides the clue, and each of its slots must name a person (when
several splits of the sentence do, they must agree). Any slot names a person by a
declared value (the longest whole-word match) or by a house (`the person at the 3rd
position`, `the second house`). A value name shared by several attributes (`biking` as
hobby and as activity) goes to the attribute whose declaration words (noun, verb) the
phrase uses most (plurals and verb endings aside: `hobbies` cues `hobby`); when those
words do not decide, the mention is an `Either` of the readings left, and the clue holds when one reading does: ambiguity is logic, not a guess. A house
reference whose only other participant is one plain entity is folded into `at` /
`not_at` clues on it. Anything unreadable raises `InputError(path, line, ...)` quoting the
clue's own number and sentence; every clue keeps them (`Clue.number`, `Clue.sentence`)
so later messages (a contradiction, a failed check) quote them too.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from dataclasses import dataclass
from typing import Callable, Iterator

from puzzles.errors import InputError, PuzzleError
from puzzles.zebra.model import (
    RELATIONS,
    ROLES,
    Clue,
    Either,
    Entity,
    Mention,
    ZebraPuzzle,
    either,
)

_WORD_NUMBERS = ("one two three four five six seven eight nine ten eleven twelve thirteen "
                 "fourteen fifteen sixteen seventeen eighteen nineteen twenty").split()
_WORD_ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
                  "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
                  "nineteenth twentieth").split()
NUMBERS = {w: i for i, w in enumerate(_WORD_NUMBERS, 1)}  # word -> count
ORDINALS = {w: i for i, w in enumerate(_WORD_ORDINALS, 1)}  # word -> position; also 3rd, last
# Words of a declaration that say nothing about which attribute it is.
_STOP_WORDS = frozenset("a an the each every everyone person people of is are has have who "
                        "whose one in".split())


@dataclass(frozen=True)
class Phrase:
    """One way of stating a clue: `{a}`, `{b}`, `{c}` stand for the clue's entities."""

    template: str  # lower case, no final full stop
    kind: str  # the clue kind (a key of puzzles.zebra.model.RELATIONS)
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
_PLACED_AS = {"at": "same", "not_at": "not_same"}  # a house clue is "X is <that house>"
_PLACE_KINDS = {v: k for k, v in _PLACED_AS.items()}

_QUESTION = re.compile(r"question\s*\d*\s*[:.]\s*(?P<body>.+)", re.I)
_CLUE = re.compile(r"(?:clue\s*(?P<n>\d+)\s*[:.)-]|(?P<m>\d+)\s*[.):])\s*(?P<body>.+)", re.I)
# `Everyone owns a different pet: ...`, or a bullet with a list: `- The people are of
# nationalities: dane, brit` (the noun is then the lead without its leading stop words).
_DECLARATION = re.compile(
    r"(?:[-*•]\s*)?(?P<lead>[^:]*?)\b(?:different|unique)\s+(?P<noun>[^:]+?)\s*:\s*(?P<values>\S.*)"
    r"|[-*•]\s*(?P<bullet>[^:]+?)\s*:\s*(?P<list>[^,]+(?:,[^,]*)+)", re.I)
_OPENING = re.compile(r"\bthere are (?P<n>\w+) (?:people|persons|houses|friends)\b", re.I)
_PLACE = re.compile(r"(?:the (?:person|one) )?(?:who (?:is|lives|sits|stands) )?"
                    r"(?:(?:at|in|on|living in|sitting (?:at|in)|standing (?:at|in)) )?(?:the )?"
                    r"(?:(?P<ord>\w+) (?:position|house|place)|(?:position|house) (?P<num>\d+))")
_ORDINAL = re.compile(r"(?P<k>\d+)(?:st|nd|rd|th)")


class _Unread(Exception):
    """A slot or clue that cannot be read; the message says why."""


def ordinal(k: int, words: bool = False) -> str:
    """`3rd` (or `third` when `words` and k <= 20)."""
    if words and k <= len(_WORD_ORDINALS):
        return _WORD_ORDINALS[k - 1]
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def _splits(template: str, text: str) -> Iterator[dict[str, str]]:
    """Every way `text` fits `template`: slot -> the (non-empty) words it covers."""
    parts = re.split(r"\{([abc])\}", template)  # literal, slot, literal, ..., literal

    def walk(i: int, pos: int, got: tuple) -> Iterator[dict[str, str]]:
        if not text.startswith(parts[i], pos):
            return
        pos += len(parts[i])
        if i + 1 == len(parts):
            if pos == len(text):
                yield dict(got)
            return
        nxt = parts[i + 2]
        end = len(text) if nxt == "" else text.find(nxt, pos + 1)
        while end != -1:
            piece = text[pos:end].strip()
            if piece:
                yield from walk(i + 2, end, got + ((parts[i + 1], piece),))
            end = -1 if nxt == "" else text.find(nxt, end + 1)

    yield from walk(0, 0, ())


@dataclass(frozen=True)
class _Declared:
    name: str  # the attribute, as the declaration's noun
    values: tuple[str, ...]
    cues: frozenset[str]  # declaration words (stemmed) that point at this attribute
    line: int


class _Reader:
    """Resolves phrases against the declared attributes and reads clue sentences."""

    def __init__(self, houses: int, declared: list[_Declared]):
        self.houses = houses
        self.cues = {d.name: d.cues for d in declared}
        self.by_text: dict[str, list[Entity]] = {}
        for d in declared:
            for v in d.values:
                self.by_text.setdefault(v.lower(), []).append((d.name, v))
        # Longest first, so the regex takes "red wine" over "red" at the same place.
        alternatives = sorted(self.by_text, key=len, reverse=True)
        self.values = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, alternatives)) + r")(?!\w)")

    def place(self, phrase: str) -> int | None:
        """The house a phrase like `the person at the 2nd position` names, else None."""
        m = _PLACE.fullmatch(phrase)
        if m is None:
            return None
        if m["num"]:
            k = int(m["num"])
        elif m["ord"] == "last":
            k = self.houses
        elif numbered := _ORDINAL.fullmatch(m["ord"]):
            k = int(numbered["k"])
        elif m["ord"] in ORDINALS:
            k = ORDINALS[m["ord"]]
        else:
            return None  # "the red house": a value, not a place
        if not 1 <= k <= self.houses:
            raise _Unread(f"{phrase!r}: there is no house {k} (houses are 1..{self.houses})")
        return k

    def entity(self, phrase: str) -> Mention:
        """The person a phrase names: a house number, an entity, or an `Either` of the
        entities that a value name shared by several attributes may mean (the words of an
        attribute's declaration, its noun or verb, decide where they can). _Unread if the
        phrase names no value, or several different ones."""
        k = self.place(phrase)
        if k is not None:
            return k
        texts = list(dict.fromkeys(m[0] for m in self.values.finditer(phrase)))
        if not texts:
            raise _Unread(f"no declared value in {phrase!r}")
        found = [e for text in texts for e in self.by_text[text]]
        if len(texts) > 1:
            options = " or ".join(f"{v} ({a})" for a, v in found)
            raise _Unread(f"{phrase!r} is ambiguous: it could be {options}")
        if len(found) > 1:  # a value shared by attributes: keep the ones the phrase cues
            words = {_stem(w) for w in re.findall(r"\w+", phrase)} - {_stem(texts[0])}
            score = {e: len(self.cues[e[0]] & words) for e in found}
            best = max(score.values())
            found = [e for e in found if score[e] == best] if best else found
        return either(found)

    def clues(self, kind: str, refs: dict[str, Mention]) -> tuple[Clue, ...]:
        """The clues of one reading. A house reference stays a participant of the clue,
        except where the only other participant is one plain entity: then the clue
        becomes at/not_at clues on that entity (what propagation reads best)."""
        relation = RELATIONS[kind]
        roles = ROLES[:relation.arity]
        people = [r for r in roles if not isinstance(refs[r], int)]
        if len(people) != 1 or len(roles) == 1 or not isinstance(refs[people[0]], tuple):
            return (Clue(kind, *[refs[r] for r in roles]),)  # type: ignore[arg-type]
        who = refs[people[0]]
        if kind in _PLACE_KINDS:  # "X is (not) <house>": the at / not_at clue itself
            house = next(refs[r] for r in roles if isinstance(refs[r], int))
            return (Clue(_PLACE_KINDS[kind], who, position=house),)  # type: ignore[arg-type]
        allowed = [p for p in range(1, self.houses + 1) if relation.test(
            [p if r == people[0] else refs[r] for r in roles], None, self.houses)]
        if len(allowed) == 1:
            return (Clue("at", who, position=allowed[0]),)  # type: ignore[arg-type]
        return tuple(Clue("not_at", who, position=p)  # type: ignore[arg-type]
                     for p in range(1, self.houses + 1) if p not in allowed)

    def read(self, sentence: str) -> tuple[Clue, ...]:
        """The clues one sentence states. The first template the sentence fits decides:
        a generic one further down (`{a} is {b}`) would misread it. Raises _Unread saying
        why it cannot be read, with an empty message when no template fits at all."""
        text = _normal(sentence)
        for phrase in PHRASES:
            readings = set()
            best: tuple[int, str] | None = None  # (slots read, why) of the best failed split
            for split in _splits(phrase.template, text):
                refs: dict[str, Mention] = {}
                try:
                    for role, words in split.items():
                        refs[role] = self.entity(words)
                    readings.add(self.clues(phrase.kind, refs))
                except _Unread as e:
                    if best is None or len(refs) > best[0]:
                        best = (len(refs), str(e))
            if len(readings) > 1:
                raise _Unread("it can be read several ways: " + " / ".join(
                    "; ".join(map(str, r)) for r in sorted(readings, key=str)))
            if readings:
                return readings.pop()
            if best is not None:
                raise _Unread(best[1])
        raise _Unread("")

    def question(self, sentence: str) -> Entity | Either:
        """The entity a question sentence asks about; _Unread like `read`."""
        text = _normal(sentence).rstrip("?").strip()
        for template in QUESTIONS:
            for split in _splits(template, text):
                entity = self.entity(split["a"])
                if isinstance(entity, int):
                    raise _Unread("the question must ask about a person, not a house")
                return entity  # an Either: answered only if its readings agree
        raise _Unread("")


def _stem(word: str) -> str:
    """A word without its plural or third-person `s` (`hobbies` -> `hobby`, `rides` ->
    `ride`), so a declaration's `hobbies` cues a phrase's `hobby`."""
    word = word.lower()
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _normal(sentence: str) -> str:
    """Lower case, single spaces, no quotes or backticks, no final full stop."""
    return " ".join(sentence.replace("`", "").replace('"', "").lower().split()).rstrip(".").strip()


def _declaration(m: re.Match, number: int) -> _Declared:
    lead, noun = (m["lead"], m["noun"]) if m["noun"] else ("", m["bullet"])
    words = noun.replace("`", "").split()
    if not m["noun"]:  # "the people are of nationalities" -> "nationalities"
        while len(words) > 1 and words[0].lower() in _STOP_WORDS:
            words.pop(0)
    values = tuple(" ".join(re.sub(r"^and\s+", "", v.strip().strip("`'\"").strip()).split())
                   for v in (m["values"] or m["list"]).rstrip(".").split(","))
    if any(not v for v in values):
        raise PuzzleError("empty value in the list")
    cues = {_stem(w) for w in re.findall(r"\w+", f"{lead} {noun}".lower())} - _STOP_WORDS
    return _Declared(" ".join(words), values, frozenset(cues), number)


def looks_like_zebra_text(text: str, lines: int = 20) -> bool:
    """Does `text` read like a natural-language puzzle: an opening sentence (`There are N
    people|houses`) or an attribute declaration among its first `lines` lines (not
    counting blank and `#` lines)? Tells these files from Sudoku line files, which hold
    neither; only the head is read, so that large Sudoku files are detected quickly."""
    head = itertools.islice((line.strip() for line in text.splitlines()
                             if line.strip() and not line.lstrip().startswith("#")), lines)
    return any(_OPENING.search(line) or _DECLARATION.fullmatch(line) for line in head)


def parse_zebra_text(path: str, text: str) -> ZebraPuzzle:
    """Parse one natural-language puzzle (see the module docstring). Every problem raises
    InputError naming `path`, the line and what is wrong."""
    houses: int | None = None
    declared: list[_Declared] = []
    clue_lines: list[tuple[int, re.Match]] = []
    question: tuple[int, re.Match] | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if m := _QUESTION.fullmatch(line):
            question = (number, m)
        elif m := _CLUE.fullmatch(line):
            clue_lines.append((number, m))
        elif m := _DECLARATION.fullmatch(line):
            try:
                declared.append(_declaration(m, number))
            except PuzzleError as e:
                raise InputError(path, number, f"attribute declaration: {e}") from None
        elif (m := _OPENING.search(line)) and houses is None:
            word = m["n"].lower()
            houses = int(word) if word.isdigit() else NUMBERS.get(word)
            if not houses:
                raise InputError(path, number, f"cannot read the number of houses {m['n']!r}")
    if not declared:
        raise InputError(path, None, "no attribute declarations found "
                         "(lines like `Everyone owns a different pet: cat, dog, fish.`)")
    houses = houses or len(declared[0].values)
    for d in declared:
        if len(d.values) != houses:
            raise InputError(path, d.line, f"attribute {d.name!r} has {len(d.values)} values, "
                             f"expected {houses}")
    reader = _Reader(houses, declared)
    clues: list[Clue] = []
    for number, m in clue_lines:
        label = int(m["n"] or m["m"])
        sentence = m["body"].strip()
        try:
            clues.extend(dataclasses.replace(c, number=label, sentence=sentence)
                         for c in reader.read(sentence))
        except _Unread as e:
            raise InputError(path, number, f'clue {label} ("{sentence}"): {e}' if str(e)
                             else f"cannot parse clue: {m[0]}") from None
    asked = None
    if question is not None:
        number, m = question
        try:
            asked = reader.question(m["body"])
        except _Unread as e:
            raise InputError(path, number, f"question: {e}" if str(e)
                             else f"cannot parse question: {m[0]}") from None
    try:
        return ZebraPuzzle(houses, tuple((d.name, d.values) for d in declared), tuple(clues), asked)
    except PuzzleError as e:
        raise InputError(path, None, str(e)) from None


def write_text(puzzle: ZebraPuzzle, person: Callable[[Entity], str],
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
        kind = _PLACED_AS.get(clue.kind, clue.kind)
        phrase = next(p for p in PHRASES if p.kind == kind and wording in p.writes)
        slots = {role: mention(m) for role, m in zip(ROLES, clue.entities)}
        if clue.position is not None:
            slots["b"] = w.place.format(ordinal=ordinal(clue.position, w.word_ordinals))
        text = phrase.template.format(**slots)
        lines.append(w.clue.format(i=i, text=text[0].upper() + text[1:]))
    if puzzle.question is not None:
        lines.append(w.question.format(a=person(puzzle.question)))
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Theme:
    """One attribute of the built-in vocabulary and how the text wording names its values."""

    attribute: str  # its name, and the noun of its declaration
    verb: str  # "Everyone {verb} a different {attribute}: ..."
    person: str  # the phrase naming the person with value {v}
    values: tuple[str, ...]  # 8 (the largest themed size); no value is a word of another
    #                          value or of the wording, so every phrase resolves
    vague: str = ""  # the phrase naming the person with value {v} without the words
    #                  that tell this attribute from another with the same value name


THEMES = (
    Theme("name", "has", "{v}",
          ("Alice", "Bob", "Carol", "David", "Emma", "Frank", "Grace", "Henry")),
    Theme("nationality", "has", "the {v}",
          ("Brit", "Swede", "Dane", "German", "Norwegian", "Spaniard", "Italian", "Japanese")),
    Theme("color", "wears", "the person who wears {v}",
          ("red", "green", "blue", "yellow", "white", "purple", "orange", "black")),
    Theme("pet", "owns", "the person who owns a {v}",
          ("cat", "dog", "fish", "bird", "horse", "rabbit", "hamster", "snake")),
    Theme("drink", "drinks", "the person who drinks {v}",
          ("tea", "coffee", "milk", "water", "juice", "soda", "cocoa", "lemonade")),
    Theme("instrument", "plays", "the {v} player",
          ("harp", "drums", "flute", "piano", "violin", "guitar", "cello", "trumpet")),
    Theme("sport", "plays", "the person who plays {v}",
          ("tennis", "soccer", "golf", "hockey", "rugby", "cricket", "baseball", "volleyball")),
    Theme("food", "eats", "the person who eats {v}",
          ("pizza", "pasta", "sushi", "tacos", "curry", "salad", "soup", "bread")),
    Theme("job", "has", "the {v}",
          ("doctor", "teacher", "pilot", "chef", "lawyer", "farmer", "artist", "nurse")),
    Theme("flower", "grows", "the person who grows {v}",
          ("roses", "tulips", "lilies", "daisies", "orchids", "violets", "peonies", "irises")),
)
SHARED_THEMES = (
    Theme("hobby", "has", "the person who has {v} as a hobby",
          ("biking", "skiing", "hiking", "chess", "painting", "gardening", "fishing", "knitting"),
          "the person who likes {v}"),
    Theme("activity", "does", "the person who does {v}",
          ("biking", "skiing", "hiking", "yoga", "running", "swimming", "rowing", "boxing"),
          "the person who likes {v}"),
    Theme("car", "drives", "the person who drives a {v} car",
          ("Honda", "BMW", "Ford", "Tesla", "Fiat", "Toyota", "Audi", "Kia"),
          "the person with the {v}"),
    Theme("motorbike", "rides", "the person who rides a {v} motorbike",
          ("Honda", "BMW", "Ducati", "Vespa", "Yamaha", "Suzuki", "Triumph", "Kawasaki"),
          "the person with the {v}"),
)
"""Themes whose value names overlap (`biking` a hobby and an activity, `Honda` a car and a
motorbike), for puzzles worded like published ones: each names a value with its own
words (`the person who rides a Honda motorbike`) or vaguely (`the person with the Honda`),
which the parser reads as an ambiguous reference."""
_BY_NAME = {t.attribute: t for t in THEMES + SHARED_THEMES}


def person_phrase(entity: Entity | Either) -> str:
    """The phrase naming the person with `entity`: `the person who owns a cat`, `Alice`;
    `the person whose <attribute> is <value>` outside the vocabulary. An `Either` of
    entities sharing one value name gets its first theme's vague phrase (`the person who
    likes biking`)."""
    if isinstance(entity, Either):
        first = entity.options[0]
        theme = _BY_NAME.get(first[0])  # type: ignore[index]
        if theme is None or not theme.vague:
            raise ValueError(f"no vague phrase for {entity}")
        return theme.vague.format(v=first[1])  # type: ignore[index]
    theme = _BY_NAME.get(entity[0])
    if theme is None or entity[1] not in theme.values:
        return f"the person whose {entity[0]} is {entity[1]}"
    return theme.person.format(v=entity[1])


def to_text(puzzle: ZebraPuzzle, wording: str = "people") -> str:
    """The puzzle in the natural-language `wording` ("people" or "houses") that
    `parse_zebra_text` reads back into the same puzzle (for values
    without commas that are not words of one another or of the wording)."""
    def verb(attribute: str) -> str:
        theme = _BY_NAME.get(attribute)
        return theme.verb if theme and set(puzzle.values[attribute]) <= set(theme.values) else "has"
    return write_text(puzzle, person_phrase, verb, wording)
