"""The Zebra generator: uniqueness (checked by brute force), minimality, determinism,
clue kinds, vocabulary, and the text it writes."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from test_zebra import brute_solutions

from puzzles.errors import PuzzleError
from puzzles.zebra.clues import CLUE_KINDS
from puzzles.zebra.generate import (
    ZebraGenerator, format_generated, text_file_names, text_files, vocabulary)
from puzzles.zebra.model import ZebraPuzzle
from puzzles.zebra.reference import count_solutions
from puzzles.zebra.text import parse_zebra_text
from puzzles.zebra.wording import to_text
from puzzles.zebra.themes import THEMES


@pytest.mark.parametrize("houses, attributes, seed", [
    (4, 4, 0), (4, 4, 1), (5, 5, 0), (5, 5, 1), (6, 4, 0), (6, 4, 1), (6, 6, 2)])
def test_generated_puzzles_are_unique_by_brute_force(houses, attributes, seed):
    generated = ZebraGenerator(houses, attributes, seed=seed).generate()
    puzzle = generated.puzzle
    assert (puzzle.houses, len(puzzle.attributes)) == (houses, attributes)
    assert brute_solutions(puzzle) == [generated.solution]
    assert puzzle.explain(generated.solution) is None
    assert 1 <= puzzle.answer(generated.solution) <= houses
    again = count_solutions(puzzle)  # a fresh solver: the difficulty figures are reproducible
    assert (generated.conflicts, generated.decisions) == (again.conflicts, again.decisions)


def test_clue_sets_are_minimal():
    puzzle = ZebraGenerator(5, 4, seed=3).generate().puzzle
    for i in range(len(puzzle.clues)):
        fewer = ZebraPuzzle(puzzle.houses, puzzle.attributes, puzzle.clues[:i] + puzzle.clues[i + 1:])
        assert count_solutions(fewer).verdict == "many"


def test_a_seed_fixes_the_sequence():
    def run(seed):
        generator = ZebraGenerator(5, 4, seed=seed)
        return [generator.generate() for _ in range(3)]

    first = run(7)
    assert first == run(7)
    assert first != run(8)
    assert len({g.puzzle for g in first}) == 3


def test_every_clue_kind_is_used():
    generator = ZebraGenerator(5, 5, seed=0)
    used = Counter(c.kind for _ in range(30) for c in generator.generate().puzzle.clues)
    assert set(used) == set(CLUE_KINDS)


def test_kinds_can_be_restricted():
    kinds = ("same", "next_to", "at")
    generator = ZebraGenerator(4, 3, seed=2, kinds=kinds)
    for _ in range(5):
        generated = generator.generate()
        assert {c.kind for c in generated.puzzle.clues} <= set(kinds)
        assert count_solutions(generated.puzzle).verdict == "unique"
    with pytest.raises(PuzzleError, match="clue kinds must be among"):
        ZebraGenerator(4, 3, kinds=("above",))


@pytest.mark.parametrize("houses, attributes", [(1, 1), (2, 1), (2, 3), (3, 8)])
def test_small_and_degenerate_sizes(houses, attributes):
    generated = ZebraGenerator(houses, attributes, seed=1).generate()
    assert count_solutions(generated.puzzle).solution == generated.solution


def test_vocabulary_is_themed_up_to_ten_houses_by_twenty_four_attributes_then_generic():
    themed = vocabulary(8, 8)
    assert [name for name, _ in themed] == [t.attribute for t in THEMES[:8]]
    assert len(THEMES) >= 20 and min(len(t.values) for t in THEMES) >= 10
    values = [v.lower() for _, vs in vocabulary(10, len(THEMES)) for v in vs]
    assert len(values) == len(set(values)) == 10 * len(THEMES)
    assert not any(name.startswith("attr") for name, _ in vocabulary(10, 20))
    n = len(THEMES) + 1
    assert vocabulary(3, n)[-1] == (f"attr{n}", (f"v{n}_1", f"v{n}_2", f"v{n}_3"))
    assert vocabulary(13, 2) == (("attr1", tuple(f"v1_{k}" for k in range(1, 14))),
                                 ("attr2", tuple(f"v2_{k}" for k in range(1, 14))))


@pytest.mark.parametrize("houses, attributes, hard", [(10, 18, False), (10, 18, True),
                                                      (9, 20, False), (6, 18, True)])
def test_large_puzzles_use_real_names(houses, attributes, hard):
    generated = ZebraGenerator(houses, attributes, seed=5, hard=hard).generate()
    puzzle = generated.puzzle
    names = [name for name, _ in puzzle.attributes]
    assert len(names) == attributes and not any(n.startswith("attr") for n in names)
    assert not any(v.startswith("v") and "_" in v for _, vs in puzzle.attributes for v in vs)
    assert hard == ("hobby" in names and "physical activity" in names)
    counted = count_solutions(parse_zebra_text("g.txt", to_text(puzzle)))
    assert counted.verdict == "unique" and counted.solution == generated.solution


@pytest.mark.parametrize("wording", ["people", "houses"])
def test_generated_text_parses_back_and_solves(wording):
    generated = ZebraGenerator(6, 6, seed=4).generate()
    text = to_text(generated.puzzle, wording)
    puzzle = parse_zebra_text("g.txt", text)
    assert puzzle == generated.puzzle
    counted = count_solutions(puzzle)
    assert counted.solution == generated.solution
    assert puzzle.answer(counted.solution) == generated.puzzle.answer(generated.solution)


def test_the_people_wording_reads_naturally():
    text = to_text(ZebraGenerator(3, 3, seed=0).generate().puzzle)
    lines = text.splitlines()
    assert lines[0].startswith("There are 3 people next to each other in a row")
    assert lines[4] == "Read the clues below and answer the question."
    assert lines[5].startswith("Clue 1: ") and lines[-1].startswith("Question: What position is ")


def test_generated_puzzles_are_written_as_json_lines_and_text_files():
    gen = ZebraGenerator(3, 3, seed=2)
    rows = [gen.generate() for _ in range(2)]
    objects = [json.loads(line) for line in format_generated(rows).splitlines()]
    assert [ZebraPuzzle.from_json(o) for o in objects] == [g.puzzle for g in rows]
    assert all(o["kind"] == "zebra" and "solution" in o for o in objects)
    files = text_files(rows, "houses")
    assert [name for name, _ in files] == ["zebra_001.txt", "zebra_002.txt"]
    assert files[1][1] == to_text(rows[1].puzzle, "houses")
    assert text_file_names(1000)[::999] == ["zebra_0001.txt", "zebra_1000.txt"]  # wider past 999
