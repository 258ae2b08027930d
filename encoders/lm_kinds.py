"""The language-model side of each puzzle kind, looked up by kind name: a kind's `KindLM`
(the LM term of a model with the project's vocabulary for it, the kind through a model's
own tokenizer, its shipped model's directory, what its cards and messages say) is named
by `puzzles.kinds.Kind.lm` as a "module:attr" string and imported on first use, so the
generic LM code (`encoders.lm`, `encoders.lm_text`) never names a kind.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from puzzles.kinds import KINDS


@dataclass(frozen=True)
class KindLM:
    """One puzzle kind's language-model entry points. A board's `structure` is its
    encoding's `meta["structure"]` (a Sudoku's box, a Zebra puzzle)."""

    default_model: Callable[[object], str]  # structure -> the shipped model's directory
    # name under encoders/models
    train_hint: Callable[[object], tuple[str, str]]  # structure -> (the board in words,
    # the `glauber train` arguments that make a model for it)
    words: str  # what a model card's README says of the project's vocabulary for it
    foreign: Callable[[str], str]  # another kind's name -> why a model of this kind does
    # not read its puzzles
    energy: Callable  # (model, card, encs, device, refresh) -> the LM term of a model with
    # the project's vocabulary, for encoded puzzles of one structure
    text_layout: Callable  # (card: lm_text.Card, encs) -> (lm_text.Layout, value token
    # ids, near BoolTensor[N, N]: the sites' graph): the puzzles through the model's tokenizer
    text_energy: Callable  # (model, card, vocab, layout, common keyword arguments,
    # refresh) -> the LM term through the model's own tokenizer


def lm_kind(kind: str) -> KindLM:
    """The language-model entry of a puzzle kind (imports its module, hence torch)."""
    module, _, attr = KINDS[kind].lm.partition(":")
    return getattr(importlib.import_module(module), attr)
