"""Several input files: a bad file is one bad answer, not a dead run,
and messages about a natural-language clue quote the file's own number and sentence."""

from __future__ import annotations

import json
import pathlib

from click.testing import CliRunner

from cli import cli

FIXTURE = pathlib.Path(__file__).parent / "fixtures" / "zebra_shared_names.txt"
BAD_SENTENCE = ("The person who drinks cocoa is somewhere in between the person at the 2nd "
                "position and the person who drinks water in that order.")


def files(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(FIXTURE.read_text())
    bad = tmp_path / "bad.txt"
    bad.write_text(FIXTURE.read_text().replace("Clue 3: The person who drinks coffee",
                                               "Clue 3: The person who drinks cocoa"))
    missing = tmp_path / "missing.txt"
    return good, bad, missing


def test_every_readable_file_is_answered_and_each_bad_one_gets_its_own_line(tmp_path):
    good, bad, missing = files(tmp_path)
    out = tmp_path / "answers.jsonl"
    result = CliRunner().invoke(cli, ["solve", "--solver", "reference", "--out", str(out),
                                      str(good), str(bad), str(missing), str(good)])
    assert result.exit_code == 2
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["source"] for r in rows] == [f"{good}:1", f"{bad}:11", str(missing), f"{good}:1"]
    assert [r["answer"] for r in rows] == [4, None, None, 4]
    assert rows[1]["error"].startswith(f'clue 3 ("{BAD_SENTENCE}"): no declared value')
    assert "cannot read" in rows[2]["error"]
    assert f'{bad}:11: clue 3 ("{BAD_SENTENCE}")' in result.stderr
    assert f"{missing}: cannot read" in result.stderr


def test_plain_answers_and_check_keep_going_too(tmp_path):
    good, bad, _ = files(tmp_path)
    result = CliRunner().invoke(cli, ["solve", "--solver", "reference", str(bad), str(good)])
    assert result.exit_code == 2
    assert result.stdout.startswith(f"# {bad}:11: error: clue 3 (")
    assert "position of the asked person (drink water): 4" in result.stdout
    result = CliRunner().invoke(cli, ["check", "--json", str(bad), str(good)])
    assert result.exit_code == 2
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0]["error"].startswith("clue 3 (") and rows[1]["answer_verdict"] == "unique"


def test_one_bad_file_alone_is_still_a_usage_error(tmp_path):
    _, bad, _ = files(tmp_path)
    result = CliRunner().invoke(cli, ["solve", "--solver", "reference", str(bad)])
    assert result.exit_code == 2 and result.stdout == ""
    assert f'{bad}:11: clue 3 ("{BAD_SENTENCE}")' in result.stderr


def test_a_contradiction_quotes_the_clue_as_the_file_words_it(tmp_path):
    path = tmp_path / "contradiction.txt"
    path.write_text(FIXTURE.read_text().replace(
        "Clue 6: Ann is at one of the ends.",
        "Clue 6: Ann is somewhere to the right of the person at the 4th position."))
    result = CliRunner().invoke(cli, ["solve", "--solver", "reference", "--json", str(path)])
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error == ('conflicting clues: clue 6 ("Ann is somewhere to the right of the person at '
                     'the 4th position.") leaves name=Ann no possible house')
