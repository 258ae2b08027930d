"""`glauber check` and `glauber verify` as library calls: a puzzle's verdict (none /
unique / many, with the reason), and proposed answers paired with their puzzles and
judged by the exact verifier."""

from __future__ import annotations

from dataclasses import dataclass

from puzzles.base import plural
from puzzles.errors import InputError
from puzzles.formats import PuzzleFile, Record, held_records, proposed_answers
from harness.solving import clash
from puzzles.kinds import count, describe, kind_of

WHY_NOT_UNIQUE = {"none": "no solution", "unique": None, "many": "more than one solution"}


@dataclass(frozen=True)
class Verdict:
    """What `check` says of one puzzle."""

    record: Record
    verdict: str  # "none", "unique" or "many"
    error: str | None  # why it is not unique (clashing givens or clues, no solution, ...)
    stats: dict  # the reference counter's conflicts and decisions (empty on a clash)
    answer: str | None = None  # a question's verdict: "unique" (every solution agrees on
    #                            it) or "several"; None without a question or solution
    answers: tuple = ()  # the houses (Zebra) the solutions give the question
    ambiguous: tuple = ()  # ambiguous mentions and whether the solutions settle them

    @property
    def ok(self) -> bool:
        """One answer to the question however many solutions there are (an ambiguous
        question whose readings disagree has several even in a unique solution); without
        a question, one solution."""
        return self.answer == "unique" if self.answer is not None else self.verdict == "unique"

    def as_dict(self) -> dict:
        described = describe(self.record.puzzle)
        obj = {"source": self.record.source, "kind": self.record.puzzle.kind,
               described.stated: described.count, "verdict": self.verdict,
               "error": self.error, **self.stats}
        if self.answer is not None:
            obj.update({"answer_verdict": self.answer, "answers": list(self.answers)})
        if self.ambiguous:
            obj["ambiguous"] = list(self.ambiguous)
        if self.readings_opened:
            obj["readings_opened"] = self.readings_opened
        return obj

    @property
    def readings_opened(self) -> str | None:
        """Why readings the puzzle's wording decided were opened (Zebra text), else None."""
        return getattr(self.record.puzzle, "readings_opened", None)

    def line(self) -> str:
        described = describe(self.record.puzzle)
        answer = ""
        if self.answer is not None and (self.verdict == "many" or self.answer == "several"):
            houses = ", ".join(map(str, self.answers))
            answer = f"; answer {self.answer} (house{'s' if len(self.answers) > 1 else ''} {houses})"
        head = (f"{self.record.source}: {self.verdict}{': ' + self.error if self.error else ''}"
                f"{answer} ({plural(described.count, described.stated.rstrip('s'))})")
        lines = [head] + [f"  note: {self.readings_opened}"] * bool(self.readings_opened)
        for a in self.ambiguous:
            if a.get("question"):
                lines.append(f"  ambiguous: question = {' or '.join(a['readings'])}: answered "
                             "only when every reading gives the same house")
                continue
            lines.append(
                f"  ambiguous: clue {a['clue']} (\"{a['text']}\") {a['slot']} = "
                f"{' or '.join(a['readings'])}: "
                + (f"settled: {a['true'][0]}" if a["settled"] else
                   "unsettled" + (f" (true in some solution: {' and '.join(a['true'])})"
                                  if a["true"] else "")))
        return "\n".join(lines)


def check(record: Record) -> Verdict:
    """Well-formed is given (it was read); are the givens (Zebra: clues) consistent, and
    does the puzzle have 0, 1 or many solutions? Where the kind has a question: does every
    solution give it the same answer? Ambiguous mentions are listed with whether the
    puzzle's solutions settle them (one reading true in every solution)."""
    why = clash(record.puzzle)
    kind = kind_of(record.puzzle)
    if why is not None:
        ambiguous = kind.ambiguities(record.puzzle) if kind.ambiguities else []
        return Verdict(record, "none", why, {}, ambiguous=tuple(ambiguous))
    counted = count(record.puzzle)
    answer, answers = None, ()
    if counted.solution is not None and kind.verdicts is not None:
        found = kind.verdicts(record.puzzle, counted.solution)
        answer, answers = found.get("answer_verdict"), tuple(found.get("answers", ()))
    ambiguous = kind.ambiguities(record.puzzle) if kind.ambiguities else []
    return Verdict(record, counted.verdict, WHY_NOT_UNIQUE[counted.verdict],
                   {"conflicts": counted.conflicts, "decisions": counted.decisions},
                   answer, answers, tuple(ambiguous))


@dataclass(frozen=True)
class Judged:
    """One puzzle and the answer proposed for it."""

    record: Record  # the puzzle
    answer: Record  # the entry of the answer file paired with it
    error: str | None  # why the answer is wrong; None when it solves the puzzle

    def as_dict(self) -> dict:
        return {"source": self.record.source, "answer": self.answer.source,
                "verified": self.error is None, "error": self.error}

    def line(self) -> str:
        return f"{self.record.source}: {'ok' if self.error is None else self.error}"


def judge_answers(puzzles: PuzzleFile, answers: PuzzleFile) -> list[Judged]:
    """Pair the answers a file proposes (`proposed_answers`) with the puzzles in order and
    verify each; InputError (on the answer file) when the counts differ."""
    proposed = proposed_answers(answers)
    records = held_records(puzzles)
    if len(proposed) != len(records):
        raise InputError(answers.path, None, f"{plural(len(proposed), 'answer')} for "
                         f"{plural(len(records), 'puzzle')} in {puzzles.path}")
    judged = []
    for record, (answer_record, answer) in zip(records, proposed):
        kind, answer_kind = record.puzzle.kind, answer_record.puzzle.kind
        why: str | None
        if answer is None:
            why = "no solution given"
        elif answer_kind != kind:
            why = f"the answer is for a {answer_kind} puzzle, this is a {kind} puzzle"
        else:
            why = record.puzzle.explain(answer)
        judged.append(Judged(record, answer_record, why))
    return judged
