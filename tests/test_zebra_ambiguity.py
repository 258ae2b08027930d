"""Ambiguous references and house references as participants: the model's semantics
(a clue holds when one reading of each ambiguous mention does), the SAT reference and the
penalty energy against brute force, the JSON schema, answer-level verdicts, `check`'s
list of ambiguous references, and the natural-language fixture with the wordings of
published sets (one value name in two attributes, a house in any slot)."""

from __future__ import annotations

import itertools
import json
import pathlib

import pytest
import torch
from click.testing import CliRunner
from hypothesis import assume, given
from hypothesis import strategies as st

from cli import cli
from encoders.zebra import ZebraEncoder
from puzzles.errors import PuzzleError
from harness.checking import check
from puzzles.formats import read_file
from harness.solving import ReferenceSolver, judge
from puzzles.zebra.clues import RELATIONS, Clue, Either
from puzzles.zebra.model import ZebraPuzzle, ZebraSolution
from puzzles.zebra.reference import count_solutions, settled_readings, verdicts
from puzzles.zebra.strategies import mixed_puzzles
from puzzles.zebra.text import parse_zebra_text
from solver.energy import PenaltyEnergy

FIXTURE = pathlib.Path(__file__).parent / "fixtures" / "zebra_shared_names.txt"


def all_arrangements(houses, attributes):
    names = [name for name, _ in attributes]
    for perms in itertools.product(*(itertools.permutations(vs) for _, vs in attributes)):
        yield ZebraSolution(houses, tuple(zip(names, perms)))


def brute_holds(clue: Clue, solution: ZebraSolution, houses: int) -> bool:
    """The disjunctive semantics written out again: some choice of one reading per mention
    makes the relation true."""
    options = [m.options if isinstance(m, Either) else (m,) for m in clue.entities]
    for choice in itertools.product(*options):
        ps = [r if isinstance(r, int) else solution.position(r) for r in choice]
        if RELATIONS[clue.kind].test(ps, clue.position, houses):
            return True
    return False


@given(mixed_puzzles())
def test_sat_reference_and_verifier_match_brute_force(puzzle):
    truth = sorted((s for s in all_arrangements(puzzle.houses, puzzle.attributes)
                    if all(brute_holds(c, s, puzzle.houses) for c in puzzle.clues)),
                   key=lambda s: s.assignment)
    counted = count_solutions(puzzle, limit=len(truth) + 2)
    assert sorted(counted.solutions, key=lambda s: s.assignment) == truth
    for s in truth:
        assert puzzle.explain(s) is None
    if truth and puzzle.question is not None:
        v = verdicts(puzzle, truth[0])
        answers = sorted({s.position(puzzle.question) for s in truth})
        assert list(v.answers) == answers
        assert v.answer == ("unique" if len(answers) == 1 else "several")
        assert v.solution == ("unique" if len(truth) == 1 else "many")
    if puzzle.conflicts() is not None:
        assert not truth  # a visible contradiction is a real one


@given(mixed_puzzles(houses=3, attributes=2, max_clues=4), st.integers(0, 2 ** 16))
def test_penalty_energy_is_zero_exactly_on_solutions_and_its_moves_are_exact(puzzle, seed):
    assume(puzzle.conflicts() is None)  # a clue false on its face never reaches a sampler
    enc = ZebraEncoder("none").encode(puzzle)
    energy = PenaltyEnergy.from_encoded(enc)
    states = torch.stack([
        torch.tensor([values.index(v) for name, values in puzzle.attributes
                      for v in dict(s.assignment)[name]])
        for s in all_arrangements(puzzle.houses, puzzle.attributes)])
    e = energy.energy(states, energy.prepare(states))
    for state, value in zip(states, e.tolist()):
        solution = ZebraEncoder.decode(puzzle, state)
        assert (value == 0) == (puzzle.explain(solution) is None)
    # conditionals and swaps agree with energy differences
    gen = torch.Generator().manual_seed(seed)
    x = states[torch.randint(len(states), (4,), generator=gen)]
    cache = energy.prepare(x)
    base = energy.energy(x, cache)
    site = torch.randint(enc.sites, (4, 1), generator=gen)
    logits = energy.logits(x, cache, site)[:, 0]
    for v in range(enc.values):
        y = x.clone()
        y.scatter_(1, site, v)
        want = energy.energy(y, energy.prepare(y)) - base
        got = -(logits[:, v] - logits.gather(1, x.gather(1, site)).squeeze(1))
        assert torch.allclose(got, want)
    row = torch.randint(len(puzzle.attributes), (1,), generator=gen).item()
    i = torch.full((4, 1), row * puzzle.houses)
    j = i + 1 + torch.randint(puzzle.houses - 1, (4, 1), generator=gen)
    y = x.clone()
    y.scatter_(1, i, x.gather(1, j))
    y.scatter_(1, j, x.gather(1, i))
    want = energy.energy(y, energy.prepare(y)) - base
    assert torch.allclose(energy.swap_delta(x, cache, i, j)[:, 0], want)


def test_json_schema_for_houses_and_disjunctions_round_trips():
    obj = {"houses": 2, "attributes": {"hobby": ["biking", "chess"], "sport": ["biking", "golf"]},
           "clues": [{"kind": "same", "a": {"any": [["hobby", "biking"], ["sport", "biking"]]},
                      "b": 1, "number": 4, "text": "The biker is in the first house."},
                     {"kind": "next_to", "a": {"house": 2}, "b": ["sport", "golf"]}],
           "question": ["sport", "golf"]}
    puzzle = ZebraPuzzle.from_json(obj)
    assert puzzle.clues[0].a == Either((("hobby", "biking"), ("sport", "biking")))
    assert puzzle.clues[1].a == 2
    assert ZebraPuzzle.from_json(json.loads(json.dumps(puzzle.to_json()))) == puzzle
    assert puzzle.clues[0].label(1) == 'clue 4 ("The biker is in the first house.")'
    for bad, message in [({"any": []}, "non-empty"), ({"any": [["hobby"]]}, "house number"),
                         ({"any": [1], "x": 2}, "only field"), (7, "house 7 is outside")]:
        with pytest.raises(PuzzleError, match=message):
            ZebraPuzzle.from_json({**obj, "clues": [{"kind": "at_end", "a": bad}]})


def test_fixture_with_shared_names_and_houses_in_every_slot():
    puzzle = parse_zebra_text(str(FIXTURE), FIXTURE.read_text())
    assert [c.number for c in puzzle.clues] == list(range(1, 13))
    # every mention of Honda or biking: no phrase uses an attribute's noun, and verbs
    # (`rides` the motorbike's, `likes`) decide nothing
    assert sum(c.ambiguous for c in puzzle.clues) == 7
    assert puzzle.clues[2] == Clue("between", ("drink", "coffee"), 2, ("drink", "water"))
    counted = count_solutions(puzzle, limit=1000)
    assert counted.verdict == "many"
    assert {s.position(("drink", "water")) for s in counted.solutions} == {4}
    outcome = judge(puzzle, ReferenceSolver().solve(puzzle))
    assert outcome.answered and outcome.verdicts["answer_verdict"] == "unique"
    assert outcome.verdicts["solution_verdict"] == "many"
    readings = settled_readings(puzzle)
    assert [r["clue"] for r in readings] == [1, 2, 4, 5, 7, 10, 11]
    assert all(set(r["true"]) <= set(r["readings"]) for r in readings)


def test_a_question_with_several_answers_is_not_answered(tmp_path):
    text = FIXTURE.read_text().replace("Question: What position is the person who drinks "
                                       "water at?", "Question: What position is the person "
                                       "who owns a Tesla at?")
    path = tmp_path / "several.txt"
    path.write_text(text)
    puzzle = read_file(str(path)).records[0].puzzle
    outcome = judge(puzzle, ReferenceSolver().solve(puzzle))
    assert outcome.verified and not outcome.answered
    assert "several answers" in outcome.why
    result = CliRunner().invoke(cli, ["solve", "--solver", "reference", "--json", str(path)])
    assert result.exit_code == 1
    obj = json.loads(result.stdout.splitlines()[0])
    assert obj["answer"] is None and obj["answer_verdict"] == "several"
    assert len(obj["answers"]) > 1
    checked = check(read_file(str(path)).records[0])
    assert not checked.ok and checked.answer == "several"


def test_check_and_solve_report_answer_level_verdicts():
    result = CliRunner().invoke(cli, ["check", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert "many: more than one solution; answer unique (house 4)" in result.stdout
    assert 'ambiguous: clue 1 ("The person who likes biking is Bo.") a = favorite hobby=biking' \
        in result.stdout
    result = CliRunner().invoke(cli, ["check", "--json", str(FIXTURE)])
    obj = json.loads(result.stdout)
    assert obj["answer_verdict"] == "unique" and len(obj["ambiguous"]) == 7
    assert 'ambiguous: clue 7 ("The person who rides the Honda is Di.") a = car=Honda or ' \
        'motorbike=Honda' in CliRunner().invoke(cli, ["check", str(FIXTURE)]).stdout
    for solver in ("reference", "glauber"):
        result = CliRunner().invoke(cli, ["solve", "--solver", solver, "--json", "--seed", "3",
                                          "--sweeps", "300", str(FIXTURE)])
        assert result.exit_code == 0, result.output
        obj = json.loads(result.stdout)
        assert obj["answer"] == 4 and obj["answer_verdict"] == "unique"


def test_an_ambiguous_question_is_answered_only_when_its_readings_agree(tmp_path):
    text = FIXTURE.read_text().replace(
        "Question: What position is the person who drinks water at?",
        "Question: What position is the person who likes biking at?")
    loose = parse_zebra_text("q.txt", text)
    assert loose.question == Either((("favorite hobby", "biking"), ("physical activity", "biking")))
    assert ZebraPuzzle.from_json(json.loads(json.dumps(loose.to_json()))) == loose
    solution = count_solutions(loose).solution
    assert verdicts(loose, solution).answer == "several"
    tied_text = text.replace(
        "Clue 12: Cy is the person at the 3rd position.",
        "Clue 12: Cy is the person at the 3rd position.\n"
        "Clue 13: The person whose favorite hobby is biking is the person whose physical "
        "activity is biking.\n"
        "Clue 14: Di is the person at the 4th position.")
    tied = parse_zebra_text("q.txt", tied_text)
    found = count_solutions(tied, limit=1000).solutions
    assert {s.position(r) for s in found for r in tied.question.options} == {2}
    v = verdicts(tied, found[0])
    assert v.answer == "unique" and v.answers == (2,) and tied.answer(found[0]) == 2
    path = tmp_path / "tied.txt"
    path.write_text(tied_text)
    result = CliRunner().invoke(cli, ["solve", "--solver", "reference", str(path)])
    assert result.exit_code == 0, result.output
    assert ("position of the asked person (favorite hobby biking or physical activity "
            "biking): 2") in result.stdout
