"""The natural-language Zebra parser: the README's example, the house wording, entity
resolution, errors with file and line, and round trips through `to_text`."""

from __future__ import annotations

import pathlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from puzzles.errors import InputError
from puzzles.zebra.clues import Clue, Either
from puzzles.zebra.reference import count_solutions
from puzzles.zebra.strategies import zebra_puzzles
from puzzles.zebra.text import parse_zebra_text
from puzzles.zebra.wording import WORDINGS, ordinal, to_text

EXAMPLE_PATH = pathlib.Path(__file__).parent / "fixtures" / "zebra_example.txt"
OPENING = "There are 3 people next to each other in a row in positions 1, 2, 3."
DECLARATIONS = """Everyone owns a different pet: cat, dog, fish.
Everyone plays a different instrument: harp, drums, flute.
Everyone has a different name: Ann, Bo, Cy."""

HOUSES = """There are 4 houses, numbered 1 to 4 from left to right, as seen from across the street. \
Each house is occupied by a different person. Each house has a unique attribute for each of the \
following characteristics:
 - Each person has a unique name: `Arnold`, `Eric`, `Peter`, `Alice`
 - People have unique favorite drinks: `tea`, `milk`, `coffee`, `water`
 - The people keep unique animals: `cat`, `dog`, `bird`, `fish`

Note: some clues may be irrelevant.
## Clues:
1. Eric is directly left of the person who likes milk.
2. There is one house between Arnold and the person who drinks tea.
3. The dog owner is in the first house.
4. The cat lover is not in the second house.
5. Alice and the fish owner are next to each other.
6. The person who drinks water is somewhere to the right of the cat lover.
7. Peter is the person who likes coffee.
8. There are two houses between the dog owner and the bird keeper.
9. The fish owner is Eric.
Question: In which house is the person who likes milk?
"""


def parse(*lines: str):
    return parse_zebra_text("p.txt", "\n".join(lines) + "\n")


def test_the_readme_example_parses_to_its_clues():
    puzzle = parse_zebra_text(str(EXAMPLE_PATH), EXAMPLE_PATH.read_text())
    assert puzzle.houses == 3
    assert puzzle.attributes == (("pet", ("cat", "dog", "fish")),
                                 ("instrument", ("harp", "drums", "flute")),
                                 ("name", ("Ann", "Bo", "Cy")))
    pet, ins, name = ({v: (a, v) for v in vs} for a, vs in puzzle.attributes)
    assert puzzle.clues == (
        Clue("same", pet["cat"], ins["harp"]),
        Clue("left_of", name["Bo"], pet["fish"]),
        Clue("at", ins["drums"], position=2),  # immediately left of the 3rd position
        Clue("not_same", pet["dog"], name["Ann"]),
        Clue("at_end", ins["flute"]),
        Clue("next_to", name["Cy"], pet["cat"]),
        Clue("between", pet["dog"], name["Ann"], name["Cy"]),
    )
    assert puzzle.question == ("pet", "dog")
    # The README's example shows wording only; as written it has no solution.
    assert count_solutions(puzzle).verdict == "none"


def test_the_house_wording_parses_and_solves():
    puzzle = parse_zebra_text("h.txt", HOUSES)
    name, drink, animal = ({v: (a, v) for v in vs} for a, vs in puzzle.attributes)
    assert [a for a, _ in puzzle.attributes] == ["name", "favorite drinks", "animals"]
    assert puzzle.clues == (
        Clue("immediately_left", name["Eric"], drink["milk"]),
        Clue("one_between", name["Arnold"], drink["tea"]),
        Clue("at", animal["dog"], position=1),
        Clue("not_at", animal["cat"], position=2),
        Clue("next_to", name["Alice"], animal["fish"]),
        Clue("right_of", drink["water"], animal["cat"]),
        Clue("same", name["Peter"], drink["coffee"]),
        Clue("two_between", animal["dog"], animal["bird"]),
        Clue("same", animal["fish"], name["Eric"]),
    )
    counted = count_solutions(puzzle)
    assert counted.verdict == "unique"
    assert puzzle.answer(counted.solution) == 3


@pytest.mark.parametrize("clue, expected", [
    ("Bo is next to the person at the 1st position.", [Clue("at", ("name", "Bo"), position=2)]),
    ("Bo is next to the person in the second position.",
     [Clue("not_at", ("name", "Bo"), position=2)]),
    ("The person at the last position is Bo.", [Clue("at", ("name", "Bo"), position=3)]),
    ("Bo is in house 2.", [Clue("at", ("name", "Bo"), position=2)]),
    ("Bo is somewhere to the left of the third house.",
     [Clue("not_at", ("name", "Bo"), position=3)]),
    ("The drums player is immediately to the right of Bo.",
     [Clue("immediately_left", ("name", "Bo"), ("instrument", "drums"))]),
    ("Ann is at an end.", [Clue("at_end", ("name", "Ann"))]),
])
def test_house_references_and_alternative_phrases(clue, expected):
    assert list(parse(OPENING, DECLARATIONS, f"Clue 1: {clue}").clues) == expected


def test_lines_that_are_not_clues_are_skipped():
    puzzle = parse("Read carefully.", "", OPENING, "Some clues may be irrelevant.", DECLARATIONS,
                   "There may be distractors!", "Clue 1: Bo is the harp player.")
    assert puzzle.clues == (Clue("same", ("name", "Bo"), ("instrument", "harp")),)
    assert puzzle.question is None


def test_bullet_declarations_without_different_or_unique():
    puzzle = parse("There are 2 houses.", "- The people are of nationalities: `dane`, `brit`",
                   "- Each person has a unique level of education: `bachelor`, `high school`",
                   "1. The Dane is the person with a high school diploma.")
    assert puzzle.attributes == (("nationalities", ("dane", "brit")),
                                 ("level of education", ("bachelor", "high school")))
    assert puzzle.clues == (Clue("same", ("nationalities", "dane"),
                                 ("level of education", "high school")),)


def test_shared_values_are_told_apart_by_nouns_not_verbs():
    puzzle = parse("Everyone has a different age: 20, 30.", "Everyone lives on a different floor: 20, 30.",
                   "Clue 1: The person whose age is 20 is the person who lives on 30.",
                   "Question: What position is the person on floor 20 at?")
    # `lives on` is the floor's declaration verb, and still decides nothing
    assert puzzle.clues == (Clue("same", ("age", "20"), Either((("age", "30"), ("floor", "30")))),)
    assert puzzle.question == ("floor", "20")
    assert puzzle.houses == 2  # no opening sentence: the declarations say how many


def test_longest_value_wins():
    puzzle = parse("Everyone drinks a different drink: wine, red wine.",
                   "Everyone likes a different color: red, blue.",
                   "Clue 1: The person who drinks red wine is next to the person who likes red.")
    assert puzzle.clues == (Clue("next_to", ("drink", "red wine"), ("color", "red")),)


@pytest.mark.parametrize("line, message", [
    ("Clue 4: The person who owns a unicorn is Bo.",
     'p.txt:6: clue 4 ("The person who owns a unicorn is Bo."): no declared value in '
     "'the person who owns a unicorn'"),
    ("Clue 4: The person who owns a cat and plays harp is Bo.",
     "p.txt:6: clue 4 (\"The person who owns a cat and plays harp is Bo.\"): 'the person who "
     "owns a cat and plays harp' is ambiguous"),
    ("Clue 4: Bo dances with Cy.", "p.txt:6: cannot parse clue: Clue 4: Bo dances with Cy."),
    ("Clue 4: Bo is the person at the 5th position.", "p.txt:6: clue 4 (\"Bo is the person at "
     "the 5th position.\"): 'the person at the 5th position': there is no house 5"),
    ("Question: Who owns the zebra?", "p.txt:6: cannot parse question: Question: Who owns"),
    ("Question: What position is the person at the 2nd position at?", "p.txt:6: question: "
     "the question must ask about a person"),
])
def test_unreadable_clues_name_file_line_and_clue(line, message):
    with pytest.raises(InputError) as e:
        parse(OPENING, DECLARATIONS, "", line)
    assert message in str(e.value)
    assert e.value.path == "p.txt" and e.value.line == 6


def test_the_same_value_in_two_attributes_without_a_cue_is_a_disjunction():
    puzzle = parse("Everyone has a different age: 20, 30.",
                   "Everyone lives on a different floor: 20, 30.", "Clue 1: 20 is next to 30.")
    age, floor = ("age", "20"), ("floor", "20")
    assert puzzle.clues == (Clue("next_to", Either((age, floor)),
                                 Either((("age", "30"), ("floor", "30")))),)
    assert puzzle.clues[0].number == 1 and puzzle.clues[0].sentence == "20 is next to 30."


@pytest.mark.parametrize("clue, expected", [
    ("The person at the 1st position is not the person at the 2nd position.",
     Clue("not_same", 1, 2)),
    ("Bo is somewhere in between the 1st house and Cy in that order.",
     Clue("between", ("name", "Bo"), 1, ("name", "Cy"))),
    ("The person at the 2nd position is next to Bo.", Clue("not_at", ("name", "Bo"), position=2)),
    ("Bo is somewhere in between the person at the 1st position and the person who owns a fish "
     "in that order.", Clue("between", ("name", "Bo"), 1, ("pet", "fish"))),
    ("The person who lives in the first house is next to the person who is at position 2.",
     Clue("next_to", 1, 2)),
    ("The person sitting in the second position is somewhere to the left of the person who "
     "owns a fish.", Clue("at", ("pet", "fish"), position=3)),
])
def test_a_house_reference_is_a_participant_in_any_slot(clue, expected):
    assert parse(OPENING, DECLARATIONS, f"Clue 1: {clue}").clues[0] == expected


@pytest.mark.parametrize("lines, message", [
    ((OPENING, "Everyone owns a different pet: cat, dog."), "p.txt:2: attribute 'pet' has 2 values"),
    ((OPENING,), "p.txt: no attribute declarations found"),
    (("There are many people.", "Everyone owns a different pet: cat, dog."),
     "p.txt:1: cannot read the number of houses 'many'"),
    (("Everyone owns a different pet: cat, , dog.",), "p.txt:1: attribute declaration: empty value"),
    (("Everyone owns a different pet: cat, cat.",), "lists value 'cat' twice"),
    (("Everyone owns a different pet: cat, dog.", "Everyone owns a different pet: hen, fox."),
     "attribute 'pet' is declared twice"),
])
def test_bad_declarations(lines, message):
    with pytest.raises(InputError) as e:
        parse(*lines)
    assert message in str(e.value)


def test_ordinals():
    assert [ordinal(k) for k in (1, 2, 3, 4, 11, 12, 13, 21, 22, 103)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "103rd"]
    assert ordinal(2, words=True) == "second" and ordinal(21, words=True) == "21st"


@given(zebra_puzzles(houses=st.integers(1, 9), attributes=st.integers(1, 11), unique=False,
                     max_clues=12), st.sampled_from(sorted(WORDINGS)))
def test_to_text_round_trips(puzzle, wording):
    """Themed and generic vocabularies (9 houses, 11 attributes run past the themes)."""
    assert parse_zebra_text("t.txt", to_text(puzzle, wording)) == puzzle


HOBBY, ACTIVITY = ("favorite hobbies", "biking"), ("favorite physical activities", "biking")


@pytest.mark.parametrize("phrase, expected", [
    ("the person whose favorite hobby is biking", HOBBY),
    ("the person whose favorite physical activity is biking", ACTIVITY),
    ("the person who likes biking as an activity", ACTIVITY),  # the head noun, any verb
    ("the person who likes biking", Either((HOBBY, ACTIVITY))),  # hobbies' verb: no cue
    ("the person who does biking", Either((HOBBY, ACTIVITY))),  # activities' verb: no cue
    ("the favorite biking person", Either((HOBBY, ACTIVITY))),
    ("the physical biking person", Either((HOBBY, ACTIVITY))),  # a modifier, not the noun
])
def test_a_shared_value_is_decided_by_a_noun_of_its_attribute_only(phrase, expected):
    puzzle = parse("People have unique favorite hobbies: biking, chess.",
                   "Everyone does a different favorite physical activities: biking, yoga.",
                   f"Clue 1: {phrase} is at one of the ends.")
    assert puzzle.clues[0].a == expected


CAR, BIKE, SCOOTER = ("car brand", "Honda"), ("motorbike brand", "Honda"), ("scooter", "Honda")


@pytest.mark.parametrize("phrase, expected", [
    ("the person who drives the Honda", Either((CAR, BIKE, SCOOTER))),  # `drives`: no cue
    ("the person with the Honda brand", Either((CAR, BIKE, SCOOTER))),  # `brand` is shared
    ("the person who rides a Honda motorbike", BIKE),  # a word only its noun has
    ("the person who rides a Honda car", CAR),  # the noun wins over `rides`
    ("the person who rides the Honda scooter", SCOOTER),  # its own head noun
    ("the person whose car or motorbike is a Honda", Either((CAR, BIKE))),  # two of three
])
def test_nouns_sharing_a_head_are_told_apart_by_their_other_words(phrase, expected):
    puzzle = parse("Everyone drives a different car brand: Honda, Ford.",
                   "Everyone rides a different motorbike brand: Honda, Vespa.",
                   "Everyone rides a different scooter: Honda, Piaggio.",
                   f"Clue 1: {phrase} is at one of the ends.")
    assert puzzle.clues[0].a == expected


@pytest.mark.parametrize("phrase, expected", [
    ("the person who drinks tea", Either((("favorite drink", "tea"), ("breakfast", "tea")))),
    ("the person who likes to drink tea", Either((("favorite drink", "tea"), ("breakfast", "tea")))),
    ("the person whose favorite drink is tea", ("favorite drink", "tea")),
    ("the person who has tea as a drink", ("favorite drink", "tea")),
    ("the person who has tea for breakfast", ("breakfast", "tea")),
])
def test_a_verb_spelled_like_a_noun_is_still_a_verb(phrase, expected):
    puzzle = parse("Everyone drinks a different favorite drink: tea, milk.",
                   "Everyone has a different breakfast: tea, toast.",
                   f"Clue 1: {phrase} is at one of the ends.")
    assert puzzle.clues[0].a == expected


def test_a_noun_in_the_wrong_slot_of_a_split_does_not_make_a_sentence_ambiguous():
    # "{a} is {b}" also splits as "... whose car" / "a Honda", where `car` names nobody:
    # the split that keeps each noun with its value narrows the others and is read
    puzzle = parse("Everyone has a different hobby: biking, chess.",
                   "Everyone does a different physical activity: biking, yoga.",
                   "Everyone owns a different car: Honda, Ford.",
                   "Everyone rides a different motorbike: Honda, Vespa.",
                   "Clue 1: The person whose hobby is biking is the person whose car is a Honda.")
    assert puzzle.clues == (Clue("same", ("hobby", "biking"), ("car", "Honda")),)


SHARED = ("There are 2 people next to each other in a row in positions 1, 2.",
          "Everyone has a different hobby: biking, chess.",
          "Everyone likes a different physical activity: biking, yoga.")


def test_decided_readings_that_leave_no_solution_are_opened_and_the_puzzle_says_so():
    # clue 1 reads biking as the hobby (its noun); with clue 2 that has no solution,
    # while the activity reading of clue 1 has one
    puzzle = parse(*SHARED, "Clue 1: The person whose hobby is biking is at the 1st position.",
                   "Clue 2: The person who likes chess is at the 1st position.",
                   "Question: What position is the person who does yoga as an activity at?")
    hobby, activity = ("hobby", "biking"), ("physical activity", "biking")
    assert puzzle.clues[0] == Clue("same", Either((hobby, activity)), 1)
    assert puzzle.question == ("physical activity", "yoga")  # not shared: one reading
    assert "clue 1" in puzzle.readings_opened and "clue 2" not in puzzle.readings_opened
    counted = count_solutions(puzzle)
    assert counted.verdict == "unique" and counted.solution.position(activity) == 1
    worded = parse_zebra_text("p.txt", "\n".join(SHARED + (
        "Clue 1: The person whose hobby is biking is at the 1st position.",
        "Clue 2: The person who likes chess is at the 1st position.")), open_readings=False)
    assert worded.readings_opened is not None  # the fallback is not optional
    opened = parse_zebra_text("p.txt", "\n".join(SHARED + (
        "Clue 1: The person whose hobby is biking is at the 1st position.",)), open_readings=True)
    assert opened.clues[0] == Clue("same", Either((hobby, activity)), 1)
    assert opened.readings_opened is None


def test_decided_readings_stay_when_they_leave_a_solution_or_when_nothing_does():
    kept = parse(*SHARED, "Clue 1: The person whose hobby is biking is at the 1st position.",
                 "Question: What position is the person who has biking as a hobby at?")
    assert kept.clues[0] == Clue("at", ("hobby", "biking"), position=1)
    assert kept.question == ("hobby", "biking") and kept.readings_opened is None
    hopeless = parse(*SHARED, "Clue 1: The person whose hobby is biking is at the 1st position.",
                     "Clue 2: The person who likes chess is at the 1st position.",
                     "Clue 3: The person who likes biking is at the 2nd position.",
                     "Clue 4: The person who does yoga is at the 1st position.")
    assert hopeless.readings_opened is None  # contradictory either way: read as worded
    assert hopeless.clues[0] == Clue("at", ("hobby", "biking"), position=1)
    assert count_solutions(hopeless).verdict == "none"
