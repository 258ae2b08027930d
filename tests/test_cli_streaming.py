"""No lost work at any scale (issue 23): answers handed on as puzzles finish, input read a
window at a time, Ctrl-C keeping what is finished (exit 130, one line), `.json` answers as
one JSON array that every command reads back, a failed run leaving `--out` as it was,
output errors as one line. No test here reads the clock: the Ctrl-C tests wait for a first
answer, then interrupt a puzzle that has no solution and a budget that never ends."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import harness.commands.check as check_command
from cli import cli
from harness.commands.common import progress_bar
from puzzles import formats
from puzzles.formats import iter_records, read_text, scan_file
from harness import solving
from harness.solving import ReferenceSolver, Sequencer, solve_stream
from puzzles.sudoku import generate as sudoku_generate
from puzzles.sudoku.model import Sudoku

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
PUZZLES_4X4 = ["1234341221434321", "1.3.3.1.2.4.4.2.", "11..............", "2143341212344321"]
VALID = ["1234341221434321", "1.3.3.1.2.4.4.2.", "12..............", "2143341212344321"]
EASY_9X9 = "..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3.."
# no solution, and full propagation does not show it: a search runs to its budget
NO_SOLUTION = "........8..3...4...9..2..6.....79......8612...6.5.2.7...8...5...1.....2.4.5.....3"
ENDLESS = ("--time-limit", "100000", "--sweeps", "100000000")  # ended by Ctrl-C only


def run(*args, **kwargs):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, **kwargs)


@pytest.fixture
def puzzles(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("".join(p + "\n" for p in PUZZLES_4X4))
    return path


# -- answers as they are ready, in a bounded window ---------------------------------------

class OutOfOrder:
    """A batch solver that finishes a call's puzzles last first, reporting each."""

    name, batched = "fake", True

    def __init__(self, interrupt_after: int | None = None):
        self.interrupt_after, self.calls = interrupt_after, []

    def solve_many(self, puzzles, observer=None):
        self.calls.append(len(puzzles))
        attempts = [ReferenceSolver().solve(p) for p in puzzles]
        for n, i in enumerate(reversed(range(len(puzzles)))):
            if self.interrupt_after is not None and n == self.interrupt_after:
                raise KeyboardInterrupt
            observer.result(i, attempts[i])
        return attempts


def stream(solver, items, **kwargs):
    seen = []
    solve_stream(solver, items, lambda p: p, lambda i, p, o: seen.append((i, o.verified)),
                 **kwargs)
    return seen


def test_answers_keep_input_order_within_the_window_or_come_as_ready():
    puzzles = [Sudoku.parse(p) for p in VALID] * 3  # 12
    ordered = stream(OutOfOrder(), puzzles, window=5)
    assert [i for i, _ in ordered] == list(range(12))
    unordered = stream(OutOfOrder(), puzzles, window=5, ordered=False)
    assert [i for i, _ in unordered] == [4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 11, 10]


def test_the_input_is_read_a_window_at_a_time():
    pulled = []

    def endless():  # memory must not depend on the input's length
        k = 0
        while True:
            pulled.append(k)
            yield Sudoku.parse(VALID[k % 4])
            k += 1

    solver, emitted = OutOfOrder(), []

    def emit(i, puzzle, outcome):
        emitted.append(len(pulled))
        if len(emitted) == 7:
            raise StopIteration  # stop the endless input

    with pytest.raises(StopIteration):
        solve_stream(solver, endless(), lambda p: p, emit, window=3)
    assert emitted[:3] == [3, 3, 3] and emitted[3:6] == [6, 6, 6]  # never more than a window
    assert solver.calls == [3, 3, 3]


def test_each_window_draws_its_own_seed_and_the_first_the_seed_itself():
    class Seeded(OutOfOrder):
        seed = 7

        def solve_many(self, puzzles, observer=None):
            seeds.append(self.seed)
            return super().solve_many(puzzles, observer)

    seeds = []
    solver = Seeded()
    stream(solver, [Sudoku.parse(p) for p in VALID] * 2, window=3)
    assert seeds == [7, solving.window_seed(7, 1), solving.window_seed(7, 2)]
    assert len(set(seeds)) == 3 and solver.seed == 7  # restored


def test_an_interrupt_hands_on_the_answers_waiting_for_an_earlier_one():
    puzzles = [Sudoku.parse(p) for p in VALID]
    seen = []
    with pytest.raises(KeyboardInterrupt):
        solve_stream(OutOfOrder(interrupt_after=2), puzzles, lambda p: p,
                     lambda i, p, o: seen.append(i))
    assert seen == [2, 3]  # finished, though puzzles 0 and 1 were not

    sequencer = Sequencer(lambda i, item, outcome: seen.append(i))
    seen.clear()
    sequencer.settle(1, None, None)
    sequencer.settle(0, None, None)
    sequencer.settle(3, None, None)
    sequencer.flush()
    assert seen == [0, 1, 3]


def test_large_files_are_read_again_not_held(tmp_path, monkeypatch):
    path = tmp_path / "p.csv"
    path.write_text("id,quizzes\n" + "".join(f"{k},{p}\n" for k, p in enumerate(PUZZLES_4X4)))
    held = scan_file(str(path))
    scanned = scan_file(str(path), keep=2)
    assert held.records is not None and scanned.records is None
    assert scanned.count == held.count == 4 and scanned.header == held.header
    assert list(iter_records(scanned)) == list(held.records)
    assert [p.box for p in scanned.samples] == [(2, 2)]
    whole = run("solve", path, "--solver", "reference")
    monkeypatch.setattr(formats, "KEEP_RECORDS", 1)
    monkeypatch.setattr(solving, "WINDOW", 3)
    again = run("solve", path, "--solver", "reference")
    assert again.stdout == whole.stdout and again.exit_code == whole.exit_code == 1


def test_standard_input_is_read_twice_from_a_copy(monkeypatch):
    monkeypatch.setattr(formats, "KEEP_RECORDS", 1)
    result = run("solve", "-", "--solver", "reference", "--json",
                 input="".join(p + "\n" for p in PUZZLES_4X4))
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in rows] == [f"<stdin>:{k}" for k in range(1, 5)]


def test_a_malformed_puzzle_late_in_a_file_stops_the_run_before_any_answer(tmp_path, monkeypatch):
    monkeypatch.setattr(formats, "KEEP_RECORDS", 1)
    path = tmp_path / "p.txt"
    path.write_text("".join(p + "\n" for p in PUZZLES_4X4) + "12x.............\n")
    out = tmp_path / "a.txt"
    result = run("solve", path, "--solver", "reference", "--out", out)
    assert result.exit_code == 2 and result.stderr.startswith(f"{path}:5: ")
    assert not out.exists()


# -- .json answers: one JSON array, read back by every command ------------------------------

def test_json_answers_are_one_array_that_every_command_reads_back(tmp_path, puzzles):
    out = tmp_path / "a.json"
    result = run("solve", puzzles, "--solver", "reference", "--out", out)
    answers = json.loads(out.read_text())  # one document
    assert isinstance(answers, list) and len(answers) == 4 and result.exit_code == 1
    assert [a["source"] for a in answers] == [f"{puzzles}:{k}" for k in range(1, 5)]
    verified = run("verify", puzzles, out)
    assert verified.stdout.splitlines()[0] == f"{puzzles}:1: ok"
    back = read_text(str(out), out.read_text())
    assert [r.line for r in back.records] == [2, 3, 4, 5]  # each element's own line
    assert run("check", out).exit_code == 1  # read as puzzles too
    assert run("solve", out, "--solver", "reference", "--out", tmp_path / "b.json").exit_code == 1
    assert json.loads((tmp_path / "b.json").read_text())[0]["source"] == f"{out}:2"


def test_generated_json_is_one_array_too(tmp_path):
    for command in (("sudoku", "--box", "2x2"), ("zebra", "--houses", 3, "--attributes", 3)):
        out = tmp_path / f"{command[0]}.json"
        assert run("generate", *command, "--count", 3, "--out", out).exit_code == 0
        assert len(json.loads(out.read_text())) == 3
        assert run("check", out).exit_code == 0
    lines = tmp_path / "s.jsonl"
    assert run("generate", "sudoku", "--box", "2x2", "--count", 2, "--out", lines).exit_code == 0
    assert [json.loads(line)["box"] for line in lines.read_text().splitlines()] == ["2x2"] * 2


# -- a failed run leaves --out as it was -----------------------------------------------------

def test_a_failed_run_leaves_an_existing_out_file_untouched(tmp_path):
    from encoders.lm import default_model_dir
    board = tmp_path / "nine.csv"
    board.write_text(f"quizzes\n{EASY_9X9}\n")
    out = tmp_path / "keep.csv"
    out.write_text("precious\n")
    four = default_model_dir("sudoku", (2, 2))  # a model for 4x4 boards, on 9x9 ones
    result = run("solve", board, "--energy", "lm", "--model", four, "--out", out)
    assert result.exit_code == 2 and "not 9x9 Sudoku" in result.stderr
    assert out.read_text() == "precious\n"
    result = run("solve", board, "--energy", "lm", "--model", four)
    assert result.exit_code == 2 and result.stdout == ""  # no CSV header either
    bad = tmp_path / "bad.txt"
    bad.write_text("12x.\n")
    assert run("solve", bad, "--out", out).exit_code == 2
    assert out.read_text() == "precious\n"


# -- output errors and interrupts: one line, no traceback ------------------------------------

@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("command", [("solve", "{p}", "--solver", "reference"),
                                     ("generate", "sudoku", "--box", "2x2", "--count", "2"),
                                     ("generate", "zebra", "--houses", "3", "--attributes", "2")])
def test_a_full_disk_is_one_line(puzzles, command):
    result = run(*[c.format(p=puzzles) for c in command], "--out", "/dev/full")
    assert result.exit_code == 2
    assert result.stderr == "/dev/full: cannot write: No space left on device\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("command", [("check", "{p}"), ("solve", "{p}", "--solver", "reference")])
def test_a_full_stdout_is_one_line(puzzles, command):
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "cli", *[c.format(p=puzzles) for c in command]],
                              cwd=ROOT, stdout=full, stderr=subprocess.PIPE, text=True, timeout=300)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == "stdout: cannot write: No space left on device"
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


def test_an_interrupted_sat_call_in_generate_is_one_line(tmp_path, monkeypatch):
    class error(Exception):  # PySAT's own: pysolvers.error("Caught keyboard interrupt")
        pass
    error.__module__ = "pysolvers"
    made = []
    original = sudoku_generate.SudokuGenerator.generate

    def generate(self, *args, **kwargs):
        if made:
            raise error("Caught keyboard interrupt")
        made.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(sudoku_generate.SudokuGenerator, "generate", generate)
    out = tmp_path / "g.txt"
    result = run("generate", "sudoku", "--box", "2x2", "--count", 5, "--out", out)
    assert result.exit_code == 130
    assert result.stderr == f"interrupted: 1 of 5 generated (written to {out})\n"
    assert len(out.read_text().splitlines()) == 1


def test_an_interrupt_anywhere_else_is_one_line(puzzles, monkeypatch):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(check_command, "read_files", interrupt)
    result = run("check", puzzles)
    assert result.exit_code == 130 and result.stderr == "interrupted\n"


def first_line(path: Path, process) -> None:
    """Wait until `path` holds a complete first line (or the process ended; a run that
    hangs is given up after 6000 polls, which only a broken run reaches)."""
    for _ in range(6000):
        if process.poll() is not None or (path.exists() and "\n" in path.read_text()):
            return
        time.sleep(0.05)
    process.kill()


def start(*args):
    return subprocess.Popen([sys.executable, "-m", "cli", *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_ctrl_c_keeps_the_finished_answers(tmp_path):
    """A real SIGINT once the first answer is in, while the second puzzle (no solution,
    an endless budget) runs: the first is kept, the `.json` array closed."""
    path = tmp_path / "p.txt"
    path.write_text(f"{EASY_9X9}\n{NO_SOLUTION}\n{EASY_9X9}\n")
    out = tmp_path / "a.json"
    process = start("solve", path, "--out", out, *ENDLESS)
    first_line(out, process)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert stderr.splitlines()[-1] == f"interrupted: 1 of 3 answered (written to {out})"
    assert "Traceback" not in stderr
    [answer] = json.loads(out.read_text())  # one whole JSON document
    assert answer["verified"] and answer["source"] == f"{path}:1"


def test_ctrl_c_while_generating_large_boards(tmp_path):
    out = tmp_path / "g.txt"
    process = start("generate", "sudoku", "--box", "4x4", "--count", 500, "--out", out)
    first_line(out, process)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130 and "Traceback" not in stderr
    made = len(out.read_text().splitlines())
    assert stderr == f"interrupted: {made} of 500 generated (written to {out})\n" and made >= 1


# -- messages ----------------------------------------------------------------------------------

def test_a_message_never_runs_into_the_progress_line(stderr):
    terminal = stderr()
    with progress_bar(3, "solving", quiet=False) as progress:
        progress(1)
        progress.echo("p.txt:2: no solution")
    text = terminal.getvalue()
    before, _, after = text.partition("p.txt:2: no solution\n")
    assert before.endswith("\r\x1b[K") and "solving" in before  # the bar's line cleared
    assert "solving" in after  # and drawn again below


def test_quiet_hides_why_a_puzzle_failed_but_not_that_it_did(puzzles):
    loud = run("solve", puzzles, "--solver", "reference")
    quiet = run("solve", puzzles, "--solver", "reference", "--quiet")
    assert f"{puzzles}:3: conflicting givens" in loud.stderr and quiet.stderr == ""
    assert quiet.exit_code == loud.exit_code == 1 and quiet.stdout == loud.stdout


def test_a_file_of_another_board_size_than_the_box_says_so(tmp_path):
    result = run("solve", EXAMPLES / "sudoku_6x6.txt", "--box", "3x3")
    assert result.exit_code == 2
    assert result.stderr == (f"{EXAMPLES / 'sudoku_6x6.txt'}:1: 36 symbols make a 6x6 board, "
                             "but box 3x3 is for 9x9 boards (81 symbols a line, or 9 rows of 9); "
                             "for 6x6 use box 2x3 or 3x2, or leave the box out\n")
    grid = tmp_path / "g.txt"
    grid.write_text("1 2 | 3 4\n3 4 | 1 2\n2 1 | 4 3\n4 3 | 2 1\n")
    result = run("solve", grid, "--box", "3x3")
    assert result.exit_code == 2 and "a grid of 4 rows of 4 symbols is a 4x4 board" in result.stderr
