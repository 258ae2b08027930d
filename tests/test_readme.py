"""The README's commands work: every `glauber ...` line of its ```bash blocks is run, in
order, in a scratch directory holding a copy of examples/, and must exit 0 with some output.

`pip install` and `python -m pytest` lines are skipped. A path outside the repository
(`../shared/data/...`, an absolute path) is replaced by a bundled example, and `report` and
`bench` get `--limit 2` when they have no limit, so the whole test takes seconds. Its
```python blocks run too, in order, in one namespace.
"""

import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SMALL = "examples/sudoku_9x9.csv"  # stands in for any file outside the repository


def bash_blocks(text):
    return re.findall(r"^```bash\n(.*?)^```", text, re.S | re.M)


def command_lines(block):
    """Each command of a block as a list of words: continuations joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", block)
    return [words for line in joined.splitlines() if (words := shlex.split(line, comments=True))]


def readme_commands():
    return [words for block in bash_blocks(README.read_text()) for words in command_lines(block)]


def glauber_commands():
    return [words[1:] for words in readme_commands() if words[0] == "glauber"]


def outside_repo(word):
    if word.startswith("-") or "/" not in word:
        return False
    path = Path(word)
    return path.is_absolute() or ".." in path.parts


def runnable(args):
    """The README's arguments with paths outside the repository replaced and small limits."""
    args = [SMALL if outside_repo(word) else word for word in args]
    if args[0] in ("report", "bench") and "--resume" not in args and "--limit" not in args:
        args += ["--limit", "2"]
    return args


def out_path(args):
    if "--out" in args:
        return Path(args[args.index("--out") + 1])
    return None


def test_the_readme_has_the_quick_start_block():
    block = bash_blocks(README.read_text())[0]
    first = [line.split("#")[0].strip() for line in block.splitlines()]
    assert first == ["pip install torch==2.13.0 -e '.[test]'",
                     "glauber solve examples/sudoku_9x9.csv",
                     "python -m pytest -q"]


def test_every_readme_line_is_a_known_kind_of_command():
    for words in readme_commands():
        assert words[0] == "glauber" or words[:2] == ["pip", "install"] \
            or words[:3] == ["python", "-m", "pytest"], words
    kinds = {words[0] for words in glauber_commands()}
    assert {"solve", "generate", "report"} <= kinds


def test_every_glauber_command_of_the_readme_runs(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    commands = glauber_commands()
    assert commands
    for readme_args in commands:
        args = runnable(readme_args)
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        shown = f"glauber {shlex.join(args)}\n{result.stdout}\n{result.stderr}"
        assert result.exit_code == 0, shown
        out = out_path(args)
        assert result.stdout.strip() or (out is not None and out.exists()), shown
        if out is not None and out.is_dir():
            assert any(out.iterdir()), shown
        if args[0] == "verify":
            assert " ok" in result.stdout and "not ok" not in result.stdout, shown
        if args[0] == "check":
            assert "unique" in result.stdout, shown
        if args[0] == "solve" and out is None:
            assert "solved" in result.stderr or result.stdout.strip(), shown
        if args[0] == "report":
            assert (out / "report.md").read_text().count("| penalty |") >= 1, shown


@pytest.mark.parametrize("word, outside", [
    ("../shared/data/sudoku/top1465.txt", True), ("/data/x.txt", True),
    ("examples/zebra_4x4.txt", False), ("--out", False), ("reports/examples", False)])
def test_paths_outside_the_repository_are_replaced(word, outside):
    assert outside_repo(word) is outside
    assert runnable(["solve", word])[1] == (SMALL if outside else word)


def test_the_python_blocks_run(tmp_path, monkeypatch, frozen_clock):
    blocks = re.findall(r"^```python\n(.*?)^```", README.read_text(), re.S | re.M)
    assert blocks
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    assert namespace["outcome"].verified
