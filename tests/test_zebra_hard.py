"""Generated wordings as hard as published ones: shared value names
referred to ambiguously, people named by their house in any relation, distractor clues,
up to 8 people x 18 attributes; the text reads back to the same solutions and answer."""

from __future__ import annotations

import json

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from cli import cli
from puzzles.zebra.generate import ZebraGenerator
from puzzles.zebra.reference import count_solutions, verdicts
from puzzles.zebra.text import WORDINGS, parse_zebra_text, to_text


def reads_back(generated, wording):
    parsed = parse_zebra_text("g.txt", to_text(generated.puzzle, wording))
    counted = count_solutions(parsed)
    assert counted.verdict == "unique" and counted.solution == generated.solution
    assert parsed.question == generated.puzzle.question
    assert parsed.answer(generated.solution) == generated.puzzle.answer(generated.solution)
    assert verdicts(parsed, generated.solution).answer == "unique"
    return parsed


@given(st.integers(0, 10 ** 6), st.integers(2, 6), st.integers(1, 8),
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
