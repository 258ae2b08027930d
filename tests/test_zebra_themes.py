"""The generator's vocabulary: enough real names for 10 houses x 24 attributes, value
names that never collide (except the shared pairs, on purpose), and articles by sound."""

from __future__ import annotations

import re

import pytest

from puzzles.zebra.clues import Clue, Either
from puzzles.zebra.model import ZebraPuzzle
from puzzles.zebra.text import parse_zebra_text
from puzzles.zebra.wording import PHRASES, QUESTIONS, WORDINGS, to_text
from puzzles.zebra.themes import SHARED_THEMES, THEMES, article, person_phrase


@pytest.mark.parametrize("word, expected", [
    ("Audi", "an"), ("Honda", "a"), ("BMW", "a"), ("LG", "an"), ("Opel", "an"), ("iguana", "an"),
    ("umbrella", "an"), ("unicorn", "a"), ("OnePlus", "a"), ("hour", "an"), ("Ural", "a"),
    ("elm", "an"), ("maple", "a"), ("Yamaha", "a"), ("European", "a"), ("SUV", "an"),
])
def test_article_by_the_sound_of_the_next_word(word, expected):
    assert article(word) == expected


def test_phrases_take_the_article_of_their_value():
    assert person_phrase(("car", "Audi")) == "the person who drives an Audi car"
    assert person_phrase(("car", "Ford")) == "the person who drives a Ford car"
    assert person_phrase(("pet", "iguana")) == "the person who owns an iguana"
    assert person_phrase(("phone", "LG")) == "the person who uses an LG phone"
    puzzle = ZebraPuzzle(2, (("car", ("Audi", "Ford")), ("pet", ("iguana", "cat"))),
                         (Clue("same", ("car", "Audi"), ("pet", "iguana")),), ("car", "Ford"))
    text = to_text(puzzle)
    assert ("Clue 1: The person who drives an Audi car is the person who owns an iguana."
            in text) and "What position is the person who drives a Ford car at?" in text
    assert parse_zebra_text("t.txt", text) == puzzle


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def test_value_names_are_distinct_whole_words_outside_the_shared_pairs():
    everything = [v.lower() for t in THEMES + SHARED_THEMES for v in t.values]
    shared = {v.lower() for v in SHARED_THEMES[0].values if v in SHARED_THEMES[1].values}
    shared |= {v.lower() for v in SHARED_THEMES[2].values if v in SHARED_THEMES[3].values}
    assert len(shared) >= 4
    assert all(everything.count(v) == (2 if v in shared else 1) for v in everything)
    # no value is a word of another value, of the wording, of any phrase or attribute name
    wording = " ".join([p.template for p in PHRASES] + list(QUESTIONS) + [
        " ".join(map(str, vars(w).values())) for w in WORDINGS.values()] + [
        f"{t.attribute} {t.verb} {' '.join(t.phrases)} {t.vague}" for t in THEMES + SHARED_THEMES])
    assert not set(everything) & words(wording)
    assert all(len(v.split()) == 1 for v in everything)
    assert all(len(t.values) >= 10 for t in THEMES + SHARED_THEMES)


def test_every_theme_phrase_reads_back_as_its_own_value():
    """Every value of every theme, in every phrase, in a puzzle of 10 houses."""
    for pair in (SHARED_THEMES[:2], SHARED_THEMES[2:]) + tuple((t,) for t in THEMES):
        attributes = tuple((t.attribute, t.values[:10]) for t in pair)
        for theme in pair:
            for k in range(len(theme.phrases)):
                for v in theme.values[:10]:
                    phrase = person_phrase((theme.attribute, v), k)
                    text = "\n".join(
                        [f"Everyone {t.verb} a different {t.attribute}: {', '.join(vs)}."
                         for t, (_, vs) in zip(pair, attributes)]
                        + [f"Clue 1: {phrase[0].upper() + phrase[1:]} is at one of the ends."])
                    assert parse_zebra_text("t.txt", text).clues[0].a == (theme.attribute, v)


def test_vague_phrases_alternate_the_verbs_of_the_attributes_that_share_a_name():
    biking = Either((("hobby", "biking"), ("physical activity", "biking")))
    assert {person_phrase(biking, k) for k in range(2)} == {
        "the person who likes biking", "the person who does biking"}
    honda = Either((("car", "Honda"), ("motorbike", "Honda")))
    assert {person_phrase(honda, k) for k in range(2)} == {
        "the person who drives the Honda", "the person who rides the Honda"}
