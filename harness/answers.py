"""Answers: one answered record as text, in its file's own format (`puzzles.formats`) or
as a JSON line (`solve --json`, which reads back as a `jsonl` record); a kind with
`answer_lines` (Zebra) is answered in plain text for people unless JSON is asked for.
CSV keeps every input column and fills or adds the solution column; a file that could
not be read is answered by one line saying why.
"""

from __future__ import annotations

import csv
import io
import json

from puzzles.errors import InputError
from puzzles.formats import PuzzleFile, Record, iter_records
from puzzles.kinds import TEXT_FORMATS, kind_of
from puzzles.sudoku.model import Sudoku
from harness.solving import Outcome


def outcome_json(record: Record, outcome: Outcome) -> dict:
    """The `solve --json` object of one answered record. A Sudoku's puzzle and solution
    are symbol strings; a Zebra's are JSON objects in the input shape, plus the `answer`
    (the question entity's house, or null). It reads back as a `jsonl` record."""
    puzzle = record.puzzle
    attempt = outcome.attempt
    obj: dict = {"source": record.source, "kind": puzzle.kind,
                 **kind_of(puzzle).answer_json(puzzle, outcome.solution)}  # None unless verified
    obj.update({
        "verified": outcome.verified,
        "error": outcome.error,
        "seconds": round(attempt.seconds, 6),
    })
    if record.expected is not None:
        obj["matches_expected"] = outcome.verified and outcome.solution == record.expected
    obj.update(attempt.stats)
    obj["unique"] = outcome.unique  # the only solution? null when unsolved
    if outcome.verdicts:  # a Zebra question: answered only when every solution agrees
        obj.update(outcome.verdicts)
        if not outcome.answered:
            obj["answer"] = None
    return obj


def _csv_line(fields) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(fields)
    return out.getvalue()


def answer_header(pfile: PuzzleFile, as_json: bool = False) -> str:
    """What the answers of `pfile` start with: the CSV header (every input column, plus
    a `solutions` column when the input has no solution column), else nothing."""
    if as_json or pfile.format != "csv":
        return ""
    if pfile.header is None:
        return _csv_line(pfile.columns)
    extra = () if pfile.solution_column is not None else (pfile.columns[1],)
    return _csv_line(pfile.header + extra)


def people_answer(record: Record, outcome: Outcome, lines) -> str:
    """An answer for people: where it came from and its status, then, when answered, the
    kind's `answer_lines` (a Zebra's: the asked person's position and the solution as a
    table); a blank line after."""
    if outcome.answered:
        status = "solved" if outcome.unique else "solved (one of several solutions)"
    elif outcome.verified:  # solutions disagree on the question: no answer
        status = f"not answered: {outcome.why}"
    else:
        status = f"not solved: {outcome.error}"
    out = [f"{record.source}: {status}"]
    if outcome.answered:
        out += lines(record.puzzle, outcome.solution)
    return "\n".join(out) + "\n\n"


def error_answer(error: InputError, as_json: bool = False) -> str:
    """The output line of a file that could not be read: a JSON object with the `error`
    (as JSON lines), else a `#` comment line (which the readers skip)."""
    source = error.path if error.line is None else f"{error.path}:{error.line}"
    if as_json:
        return json.dumps({"source": source, "kind": None, "solution": None, "answer": None,
                           "verified": False, "error": error.message}) + "\n"
    return f"# {source}: error: {error.message}\n"


def format_answer(pfile: PuzzleFile, record: Record, outcome: Outcome,
                  as_json: bool = False) -> str:
    """The answer of one record as text, in the file's own format or as a JSON line
    (see `format_answers`)."""
    lines = kind_of(record.puzzle).answer_lines
    if not as_json and lines is not None:  # a kind answered in text for people
        return people_answer(record, outcome, lines)
    if as_json or pfile.format == "jsonl" or pfile.format in TEXT_FORMATS:
        return json.dumps(outcome_json(record, outcome)) + "\n"
    if pfile.format == "csv":
        answer = outcome.solution.format() if outcome.solution is not None else ""
        if record.fields is None or pfile.header is None:
            return _csv_line([record.text, answer])
        fields = list(record.fields) + [""] * (len(pfile.header) - len(record.fields))
        if pfile.solution_column is None:
            fields.append(answer)
        else:
            fields[pfile.solution_column] = answer
        return _csv_line(fields)
    grid = outcome.solution if outcome.solution is not None else record.puzzle
    assert isinstance(grid, Sudoku)  # a line or grid file holds Sudoku grids (puzzles.readers)
    return grid.format_grid() + "\n\n" if record.layout == "grid" else grid.format() + "\n"


def format_answers(pfile: PuzzleFile, outcomes: list[Outcome], as_json: bool = False) -> str:
    """Answers of one file as text: JSON lines, or the file's own format.

    In `lines` format an unsolved puzzle is written back unchanged (its givens only), so
    the output keeps one entry per input puzzle; CSV leaves the solution field empty.
    Natural-language Zebra files (`text`) are answered in JSON lines. The header
    (`answer_header`) then one `format_answer` per record: a caller may write them one
    by one as they are ready.
    """
    return answer_header(pfile, as_json) + "".join(
        format_answer(pfile, r, o, as_json) for r, o in zip(iter_records(pfile), outcomes))
