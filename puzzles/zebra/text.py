"""Natural-language Zebra puzzles: read the wording of published benchmarks (the two
wordings of `puzzles.zebra.wording`, which also writes them).

Lines are classified as question (`Question: ...`), clue (`Clue N: ...` or `N. ...`),
attribute declaration (`... different|unique NOUN: v1, v2, ...`, or a bullet `- NOUN: v1,
v2, ...`) or opening (`There are N people|houses`); every other line (instructions,
notes, headings) carries no constraint.

A clue is read with `PHRASES`, a table of templates tried in order; the first template
the sentence fits decides the clue, and each of its slots must name a person (when
several splits of the sentence do, they must agree, or one must narrow all the others).
Any slot names a person by a declared value (the longest whole-word match) or by a house
(`the person at the 3rd position`, `the second house`).

A value name shared by several attributes (`biking`: a hobby, a physical activity) is an
`Either` of them (the clue holds when one reading does: ambiguity is logic, not a guess)
unless the phrase names an attribute's own noun (`_Reader.named`); verbs never decide.
When the readings nouns decide leave no solution, the puzzle is read with them open, and
says so (`ZebraPuzzle.readings_opened`).

A house reference whose only other participant is one plain entity is folded into `at` /
`not_at` clues on it. Anything unreadable raises `InputError(path, line, ...)` quoting the
clue's own number and sentence; every clue keeps them (`Clue.number`, `Clue.sentence`)
so later messages (a contradiction, a failed check) quote them too.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from dataclasses import dataclass
from typing import Iterator

from puzzles.errors import InputError, PuzzleError
from puzzles.zebra.clues import RELATIONS, ROLES, Clue, Either, Entity, Mention, either, options_of
from puzzles.zebra.model import ZebraPuzzle
from puzzles.zebra.reference import solvable
from puzzles.zebra.wording import NUMBERS, ORDINALS, PHRASES, PLACE_KINDS, QUESTIONS

_VERB_AFTER = (["who"], ["that"], ["which"], ["to"])  # `who drinks tea`: a verb, not a noun
# Words of a declaration that say nothing about which attribute it is.
_STOP_WORDS = frozenset("a an the each every everyone person people of is are has have who "
                        "whose one in".split())

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
    noun: tuple[str, ...]  # the noun's words (stemmed, stop words out); the last is its head
    line: int


class _Reader:
    """Resolves phrases against the declared attributes and reads clue sentences. With
    `open_readings`, a shared value name is always an `Either` of every attribute that
    declares it (nouns ignored); otherwise `narrowed` says whether a phrase's nouns ever
    kept fewer readings than that."""

    def __init__(self, houses: int, declared: list[_Declared], open_readings: bool = False):
        self.houses = houses
        self.open_readings = open_readings
        self.narrowed = False
        self.nouns = {d.name: d.noun for d in declared}
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
        entities that a value name shared by several attributes may mean (`named` keeps
        those whose own noun the phrase uses, if any). _Unread if the phrase names no
        value, or several different ones."""
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
        if len(found) > 1 and not self.open_readings:
            kept = self.named(found, phrase, texts[0])
            self.narrowed |= len(kept) < len(found)
            found = kept
        return either(found)

    def named(self, found: list[Entity], phrase: str, value: str) -> list[Entity]:
        """The readings of a shared value name whose attribute's own noun `phrase` names
        most: the last word of the declaration's noun (`activity` of `physical activity`,
        plurals aside) or, for nouns ending alike (`car brand`, `motorbike brand`), the
        words only it has (`car`). All of them when it names none: verbs (`likes`, and
        `drinks` after `who` though `drink` be a noun) and modifiers never decide."""
        tokens = re.findall(r"\w+", phrase)  # the word after `who` / `to` is a verb
        words = {_stem(w) for i, w in enumerate(tokens) if tokens[i - 1:i] not in _VERB_AFTER}
        words -= {_stem(w) for w in re.findall(r"\w+", value)}
        nouns = {e: self.nouns[e[0]] for e in found}
        heads = [n[-1] for n in nouns.values() if n]
        hits = {}
        for e, noun in nouns.items():
            if not noun:
                keys: set[str] = set()
            elif heads.count(noun[-1]) == 1:  # its head noun is its own
                keys = {noun[-1]}
            else:  # `car brand` / `motorbike brand`: the words the others lack
                keys = set(noun).difference(*(nouns[f] for f in found if f != e))
            hits[e] = len(keys & words)
        best = max(hits.values())
        return [e for e in found if hits[e] == best] if best else found

    def clues(self, kind: str, refs: dict[str, Mention]) -> tuple[Clue, ...]:
        """The clues of one reading. A house reference stays a participant of the clue,
        except where the only other participant is one plain entity: then the clue
        becomes at/not_at clues on that entity (what propagation reads best)."""
        relation = RELATIONS[kind]
        roles = ROLES[:relation.arity]
        houses = {r: m for r in roles if isinstance(m := refs[r], int)}  # slot -> house
        people = [r for r in roles if r not in houses]
        who = refs[people[0]] if len(people) == 1 else None
        if len(roles) == 1 or not isinstance(who, tuple):
            return (Clue.of(kind, [refs[r] for r in roles]),)
        if kind in PLACE_KINDS:  # "X is (not) <house>": the at / not_at clue itself
            return (Clue(PLACE_KINDS[kind], who, position=next(iter(houses.values()))),)
        allowed = [p for p in range(1, self.houses + 1) if relation.test(
            [houses.get(r, p) for r in roles], None, self.houses)]
        if len(allowed) == 1:
            return (Clue("at", who, position=allowed[0]),)
        return tuple(Clue("not_at", who, position=p)
                     for p in range(1, self.houses + 1) if p not in allowed)

    def read(self, sentence: str) -> tuple[Clue, ...]:
        """The clues one sentence states. The first template the sentence fits decides:
        a generic one further down (`{a} is {b}`) would misread it. Of splits that read
        differently, the one narrowing every other is taken (`... whose hobby is biking is
        the person whose car is a Honda` also splits after `car`), else it is ambiguous.
        Raises _Unread saying why, with an empty message when no template fits at all."""
        text = _normal(sentence)
        for phrase in PHRASES:
            readings: dict[tuple[Mention, ...], None] = {}  # distinct, in split order
            best: tuple[int, str] | None = None  # (slots read, why) of the best failed split
            for split in _splits(phrase.template, text):
                refs: dict[str, Mention] = {}
                try:
                    for role, words in split.items():
                        refs[role] = self.entity(words)
                    readings[tuple(refs[r] for r in sorted(refs))] = None
                except _Unread as e:
                    if best is None or len(refs) > best[0]:
                        best = (len(refs), str(e))
            if readings:
                narrowest = [r for r in readings if all(_narrows(r, s) for s in readings)]
                if not narrowest:
                    raise _Unread("it can be read several ways: " + " / ".join(sorted(
                        "; ".join(map(str, self.clues(phrase.kind, dict(zip(ROLES, r)))))
                        for r in readings)))
                return self.clues(phrase.kind, dict(zip(ROLES, narrowest[0])))
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


def _narrows(reading: tuple[Mention, ...], other: tuple[Mention, ...]) -> bool:
    """Is every mention of `reading` one of the readings of `other`'s mention in its slot?"""
    return all(set(options_of(m)) <= set(options_of(o)) for m, o in zip(reading, other))


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
    noun = m["noun"] or m["bullet"]  # the lead (`Everyone owns a`) says nothing: verbs never decide
    words = noun.replace("`", "").split()
    if not m["noun"]:  # "the people are of nationalities" -> "nationalities"
        while len(words) > 1 and words[0].lower() in _STOP_WORDS:
            words.pop(0)
    values = tuple(" ".join(re.sub(r"^and\s+", "", v.strip().strip("`'\"").strip()).split())
                   for v in (m["values"] or m["list"]).rstrip(".").split(","))
    if any(not v for v in values):
        raise PuzzleError("empty value in the list")
    noun_words = tuple(_stem(w) for w in re.findall(r"\w+", " ".join(words).lower())
                       if w not in _STOP_WORDS)
    return _Declared(" ".join(words), values, noun_words, number)


def looks_like_zebra_text(text: str, lines: int = 20) -> bool:
    """Does `text` read like a natural-language puzzle: an opening sentence (`There are N
    people|houses`) or an attribute declaration among its first `lines` lines (not
    counting blank and `#` lines)? Tells these files from Sudoku line files, which hold
    neither; only the head is read, so that large Sudoku files are detected quickly."""
    head = itertools.islice((line.strip() for line in text.splitlines()
                             if line.strip() and not line.lstrip().startswith("#")), lines)
    return any(_OPENING.search(line) or _DECLARATION.fullmatch(line) for line in head)


def parse_zebra_text(path: str, text: str, open_readings: bool = False) -> ZebraPuzzle:
    """Parse one natural-language puzzle (see the module docstring). Every problem raises
    InputError naming `path`, the line and what is wrong. When the readings that nouns
    decide leave no solution (and with `open_readings`), every shared value name is an
    ambiguous reference, and `readings_opened` says which clues that changed (unless the
    puzzle has no solution either way: then it is returned as worded)."""
    puzzle, narrowed = _parse(path, text, open_readings)
    if not narrowed:
        return puzzle
    if solvable(puzzle):
        return puzzle
    opened, _ = _parse(path, text, open_readings=True)
    if opened == puzzle or not solvable(opened):
        return puzzle
    return dataclasses.replace(opened, readings_opened=_opened_note(puzzle, opened))


def _opened_note(decided: ZebraPuzzle, opened: ZebraPuzzle) -> str:
    """Which clues (and whether the question) read differently once readings are open."""
    def by_number(p):
        return {n: tuple(cs) for n, cs in itertools.groupby(p.clues, lambda c: c.number)}
    before, after = by_number(decided), by_number(opened)
    where = [f"clue {n}" for n in after if before.get(n) != after[n]]
    where += ["the question"] * (decided.question != opened.question)
    return (f"the readings that attribute nouns decide ({', '.join(where)}) leave the clues no "
            "solution; solved with every shared value name read as any of its attributes")


def _parse(path: str, text: str, open_readings: bool) -> tuple[ZebraPuzzle, bool]:
    """The puzzle as worded, and whether any phrase's nouns narrowed a shared value name."""
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
    reader = _Reader(houses, declared, open_readings)
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
        return ZebraPuzzle(houses, tuple((d.name, d.values) for d in declared), tuple(clues),
                           asked), reader.narrowed
    except PuzzleError as e:
        raise InputError(path, None, str(e)) from None


