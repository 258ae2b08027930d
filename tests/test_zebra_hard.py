"""Generated wordings as hard as published ones: shared value names
referred to ambiguously with the verbs of both their attributes, or named by their noun
with the other attribute's verb, people named by their house in any relation, distractor
clues, up to 10 people x 18 attributes; the text reads back to the same solutions, the
same ambiguous references and the same answer."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from cli import cli
from puzzles.zebra.generate import ZebraGenerator
from puzzles.zebra.clues import Either
from puzzles.zebra.reference import count_solutions, verdicts
from puzzles.zebra.text import parse_zebra_text
from puzzles.zebra.wording import WORDINGS, to_text


def eithers(puzzle):
    return sorted(str(m) for c in puzzle.clues for m in c.entities if isinstance(m, Either))


def reads_back(generated, wording):
    parsed = parse_zebra_text("g.txt", to_text(generated.puzzle, wording))
    counted = count_solutions(parsed)
    assert counted.verdict == "unique" and counted.solution == generated.solution
    assert parsed.question == generated.puzzle.question
    assert parsed.answer(generated.solution) == generated.puzzle.answer(generated.solution)
    assert verdicts(parsed, generated.solution).answer == "unique"
    # the same ambiguous references (`at` of one is read as `same` as that house)
    assert eithers(parsed) == eithers(generated.puzzle)
    assert parsed.readings_opened is None  # decided readings hold: the generator meant them
    return parsed


@given(st.integers(0, 10 ** 6), st.integers(2, 10), st.integers(1, 10),
       st.sampled_from(sorted(WORDINGS)), st.booleans())
def test_generated_text_parses_back_to_the_same_solutions_and_answer(seed, houses, attributes,
                                                                     wording, hard):
    reads_back(ZebraGenerator(houses, attributes, seed=seed, hard=hard).generate(), wording)


def test_hard_puzzles_have_ambiguous_references_houses_in_relations_and_distractors():
    ambiguous = with_houses = 0
    for seed in range(4):
        generated = ZebraGenerator(8, 18, seed=seed, hard=True).generate()
        for wording in WORDINGS:
            parsed = reads_back(generated, wording)
            ambiguous += sum(c.ambiguous for c in parsed.clues)
            with_houses += sum(any(isinstance(m, int) for m in c.entities) for c in parsed.clues)
        assert len(generated.puzzle.attributes) == 18
    assert ambiguous > 0 and with_houses > 0
    plain = ZebraGenerator(5, 6, seed=3, hard=True, distractors=0).generate().puzzle
    padded = ZebraGenerator(5, 6, seed=3, hard=True, distractors=4).generate().puzzle
    assert len(padded.clues) == len(plain.clues) + 4
    assert set(plain.clues) <= set(padded.clues)


VAGUE = re.compile(r"the person who (likes|does|drives the|rides the) (\w+)\b"
                   r"(?! as)(?! car)(?! motorbike)", re.I)
NAMED = re.compile(r"the person who (likes|does|has|drives|rides|rides in) (?:an? )?(\w+) "
                   r"(?:as a )?(hobby|physical activity|car|motorbike)", re.I)


def test_hard_mentions_of_shared_names_use_the_verbs_of_both_attributes():
    """Vague phrases (`the person who likes biking`) come with either attribute's
    declaration verb and read as ambiguous; phrases with a noun (`the person who does
    biking as a hobby`, hobbies being declared with `likes`) read as that attribute."""
    verbs: dict[str, set] = {"biking": set(), "Honda": set()}
    named_with_other_verb = 0
    for seed in range(4):
        generated = ZebraGenerator(6, 8, seed=seed, hard=True).generate()
        parsed = reads_back(generated, "people")
        shared = {v for _, vs in parsed.attributes for v in vs
                  if sum(v in ws for _, ws in parsed.attributes) > 1}
        for clue in parsed.clues:
            vague = [m for m in VAGUE.finditer(clue.sentence) if m[2] in shared]
            named = [m for m in NAMED.finditer(clue.sentence) if m[2] in shared]
            for m in vague:
                verbs.setdefault(m[2], set()).add(m[1].split()[0])
            if vague:
                assert clue.ambiguous, clue.sentence
            elif named:
                assert not clue.ambiguous, clue.sentence
            declared = {"hobby": "likes", "physical activity": "does", "car": "drives",
                        "motorbike": "rides"}
            named_with_other_verb += sum(declared[m[3]] != m[1].split()[0] for m in named)
    assert {"likes", "does"} <= verbs["biking"] | verbs.get("skiing", set()) | verbs.get(
        "hiking", set())
    assert {"drives", "rides"} <= verbs["Honda"] | verbs.get("BMW", set())
    assert named_with_other_verb > 0


@given(st.integers(0, 10 ** 6), st.integers(3, 8))
def test_vague_verbs_never_decide_so_the_true_arrangement_always_solves(seed, houses):
    """Every shared-name phrase rewritten with a verb alone (either attribute's): the drawn
    arrangement still solves the text, and an answer called unique is the drawn one."""
    generated = ZebraGenerator(houses, 6, seed=seed, hard=True).generate()
    text = to_text(generated.puzzle)
    swap = iter(range(10 ** 6))
    text = NAMED.sub(lambda m: f"the person who {('likes', 'does')[next(swap) % 2]} {m[2]}"
                     if m[3] in ("hobby", "physical activity") else
                     f"the person who {('drives', 'rides')[next(swap) % 2]} the {m[2]}", text)
    parsed = parse_zebra_text("g.txt", text)
    assert parsed.explain(generated.solution) is None
    v = verdicts(parsed, generated.solution)
    if v.answer == "unique":
        assert v.answers == (generated.puzzle.answer(generated.solution),)


def test_generate_hard_text_then_solve_with_both_solvers(tmp_path):
    out = tmp_path / "hard"
    result = CliRunner().invoke(cli, ["generate", "zebra", "--houses", "4", "--attributes", "5",
                                      "--hard", "--count", "3", "--seed", "2", "--format",
                                      "text", "--out", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(str(p) for p in out.iterdir())
    assert "likes" in "".join(open(f).read() for f in files) or "with the" in "".join(
        open(f).read() for f in files)
    answers = {}
    for solver in ("reference", "glauber"):
        result = CliRunner().invoke(cli, ["solve", "--solver", solver, "--json", "--seed", "1",
                                          *files])
        assert result.exit_code == 0, result.output
        answers[solver] = [json.loads(line)["answer"] for line in result.stdout.splitlines()]
    assert answers["reference"] == answers["glauber"] and None not in answers["glauber"]
