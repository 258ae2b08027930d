"""Zebra language models: the token sequence of a puzzle and its structure-aware attention.

A Zebra instance is one sequence: its clue tokens, then the attribute x house grid in the
encoder's site order (site m*H + h: house h of attribute m). Values are tokens by their
index within their attribute (the slot), never by their words, so one model serves every
theme and wording. Each token carries the three ids a BERT embeds and sums:

- input id: a cell's value index (MASK for a blank); a clue token's role (clue kind and
  entity slot, and whether the mention is one of several readings) and, for an entity,
  its value index; a mention of a house by number (`the person in the 2nd house`) has a
  role token of its own;
- token type: the attribute a cell or an entity belongs to (`NO_ATTRIBUTE` for house
  mentions and padding);
- position: a cell's house; a clue token's house number (the k of `at`/`not_at`, the
  house a mention names), `NO_POSITION` where the clue has none.

An ambiguous mention (`Either`) becomes one token per reading, all of the slot's
"either" role. Attention follows the factor graph (`token_graph`, a networkx DiGraph
whose edge q -> k lets q read k): a cell reads its attribute row, its house column and
the clue tokens that name its attribute; a clue token reads its own clue's tokens and
every cell in the attribute rows its clue names.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import networkx as nx
import torch

from encoders.encoded import Encoded
from encoders.lm import graph_attention
from puzzles.errors import ConfigError
from puzzles.zebra.model import CLUE_KINDS, RELATIONS, Clue, ZebraPuzzle, either, options_of
from solver.lm import LMVocabulary, MaskedLMEnergy

ROLES = tuple((kind, slot) for kind in CLUE_KINDS for slot in range(RELATIONS[kind].arity))
"""(clue kind, entity slot) of every clue token, in table order."""


@dataclass(frozen=True)
class ZebraVocabulary:
    """Token ids for puzzles of at most `houses` houses and `attributes` attributes.

    ids: values 0..H-1, MASK, PAD, then per (role, either) one id per value (entity
    tokens), then per (role, either) one id (house mentions)."""

    houses: int = 8
    attributes: int = 8

    @property
    def mask(self) -> int:
        return self.houses

    @property
    def pad(self) -> int:
        return self.houses + 1

    @property
    def no_position(self) -> int:
        return self.houses

    @property
    def no_attribute(self) -> int:
        return self.attributes

    @property
    def _houses_base(self) -> int:
        return self.houses + 2 + 2 * len(ROLES) * self.houses

    @property
    def size(self) -> int:
        return self._houses_base + 2 * len(ROLES)

    def entity_id(self, role: int, alternative: bool, value: int) -> int:
        return self.houses + 2 + (2 * role + alternative) * self.houses + value

    def house_id(self, role: int, alternative: bool) -> int:
        return self._houses_base + 2 * role + alternative

    def read(self, token: int) -> tuple[int, bool, int | None]:
        """(role, alternative, value or None for a house mention) of a clue token id."""
        if token >= self._houses_base:
            role, alternative = divmod(token - self._houses_base, 2)
            return role, bool(alternative), None
        code, value = divmod(token - self.houses - 2, self.houses)
        role, alternative = divmod(code, 2)
        return role, bool(alternative), value

    def check(self, puzzle: ZebraPuzzle) -> None:
        """ValueError when the puzzle is larger than this vocabulary reads."""
        if puzzle.houses > self.houses or len(puzzle.attributes) > self.attributes:
            raise ValueError(f"the model reads Zebra puzzles of up to {self.houses} houses and "
                             f"{self.attributes} attributes, not {puzzle.houses} x "
                             f"{len(puzzle.attributes)}")


@dataclass(frozen=True)
class ZebraTokens:
    """One puzzle as model inputs. C clue tokens, then N = M*H cells.

    clue_ids LongTensor[C]; types, positions LongTensor[C + N]; clue_of LongTensor[C] (the
    clue each clue token belongs to); values LongTensor[C]: an entity token's value index
    (-1 for house mentions), so relabelling values can rewrite ids (`entity_base`)."""

    houses: int
    attributes: int
    clue_ids: torch.Tensor
    types: torch.Tensor
    positions: torch.Tensor
    clue_of: torch.Tensor
    values: torch.Tensor

    @property
    def clue_tokens(self) -> int:
        return len(self.clue_ids)

    @property
    def entity_base(self) -> torch.Tensor:
        """LongTensor[C]: clue_ids less the value index (value 0's id for entity tokens)."""
        return self.clue_ids - self.values.clamp(min=0)


def read_clues(puzzle: ZebraPuzzle) -> tuple[Clue, ...]:
    """The clues as a model reads them. A clue with a house number (`at`, `not_at`) whose
    one mention reads as a house number is a constant on that reading: a true reading
    makes the clue always hold (dropped: it says nothing), a false one is dropped from the
    mention (and a clue left with no reading is always false: a clash the penalty energy
    reports, not the model's business)."""
    kept = []
    for clue in puzzle.clues:
        if clue.position is None:
            kept.append(clue)
            continue
        options = [r for r in options_of(clue.a)
                   if not isinstance(r, int) or clue.relation.test([r], clue.position, puzzle.houses)]
        if options and not any(isinstance(r, int) for r in options):
            kept.append(replace(clue, a=either(options)))
    return tuple(kept)


def tokenise(puzzle: ZebraPuzzle, vocab: ZebraVocabulary = ZebraVocabulary()) -> ZebraTokens:
    """The clue tokens of the puzzle's `read_clues` and the types and positions of its
    whole sequence."""
    vocab.check(puzzle)
    row = {name: m for m, (name, _) in enumerate(puzzle.attributes)}
    index = {(name, v): i for name, values in puzzle.attributes for i, v in enumerate(values)}
    ids, types, positions, clue_of, values = [], [], [], [], []
    for c, clue in enumerate(read_clues(puzzle)):
        k = clue.position
        for slot, mention in enumerate(clue.entities):
            role = ROLES.index((clue.kind, slot))
            options = options_of(mention)
            alternative = len(options) > 1
            for ref in options:
                if isinstance(ref, int):  # only in clues without a house number k
                    ids.append(vocab.house_id(role, alternative))
                    types.append(vocab.no_attribute)
                    positions.append(ref - 1)
                    values.append(-1)
                else:
                    ids.append(vocab.entity_id(role, alternative, index[ref]))
                    types.append(row[ref[0]])
                    positions.append(vocab.no_position if k is None else k - 1)
                    values.append(index[ref])
                clue_of.append(c)
    h, m = puzzle.houses, len(puzzle.attributes)
    types += [a for a in range(m) for _ in range(h)]
    positions += list(range(h)) * m
    long = lambda xs: torch.tensor(xs, dtype=torch.long)  # noqa: E731
    return ZebraTokens(h, m, long(ids), long(types), long(positions), long(clue_of), long(values))


def detokenise(tokens: ZebraTokens, puzzle: ZebraPuzzle,
               vocab: ZebraVocabulary = ZebraVocabulary()) -> tuple[Clue, ...]:
    """The clues that `tokens` spell, named with `puzzle`'s attributes: `read_clues(puzzle)`
    when `tokens` is `tokenise(puzzle)` (clue numbers and sentences aside)."""
    names = [name for name, _ in puzzle.attributes]
    slots: dict[int, dict[int, list]] = {}
    kinds: dict[int, str] = {}
    ks: dict[int, int | None] = {}
    c_count = tokens.clue_tokens
    for t in range(c_count):
        c = int(tokens.clue_of[t])
        role, _, value = vocab.read(int(tokens.clue_ids[t]))
        kind, slot = ROLES[role]
        kinds[c] = kind
        position = int(tokens.positions[t])
        if value is None:
            ref = position + 1
            ks.setdefault(c, None)
        else:
            name = names[int(tokens.types[t])]
            ref = (name, dict(puzzle.attributes)[name][value])
            ks[c] = None if position == vocab.no_position else position + 1
        slots.setdefault(c, {}).setdefault(slot, []).append(ref)
    return tuple(Clue(kinds[c], *(either(slots[c][s]) for s in sorted(slots[c])), position=ks[c])
                 for c in sorted(kinds))


def token_graph(tokens: ZebraTokens) -> nx.DiGraph:
    """Who reads whom: nodes are sequence positions (clue tokens, then cells); an edge
    q -> k lets q attend to k. Every node reads itself."""
    c_count, h, m = tokens.clue_tokens, tokens.houses, tokens.attributes
    cell = lambda a, house: c_count + a * h + house  # noqa: E731
    g = nx.DiGraph()
    g.add_nodes_from(range(c_count + h * m))
    g.add_edges_from((q, q) for q in range(c_count + h * m))
    for a in range(m):
        for house in range(h):
            q = cell(a, house)
            g.add_edges_from((q, cell(a, other)) for other in range(h))  # its attribute row
            g.add_edges_from((q, cell(b, house)) for b in range(m))  # its house column
    members: dict[int, list[int]] = {}
    for t, c in enumerate(tokens.clue_of.tolist()):
        members.setdefault(c, []).append(t)
    for tokens_of_clue in members.values():
        rows = {int(tokens.types[t]) for t in tokens_of_clue} & set(range(m))  # not houses
        for t in tokens_of_clue:
            g.add_edges_from((t, u) for u in tokens_of_clue)
            g.add_edges_from((t, cell(a, house)) for a in rows for house in range(h))
            a = int(tokens.types[t])
            if a in rows:  # an entity token: the cells of its attribute read it
                g.add_edges_from((cell(a, house), t) for house in range(h))
    return g


def vocabulary_of(card: dict) -> ZebraVocabulary:
    return ZebraVocabulary(card.get("max_houses", 8), card.get("max_attributes", 8))


def energy(model, card: dict, encs: list[Encoded], device="cpu", refresh: int = 1) -> MaskedLMEnergy:
    """The masked-LM term for encoded Zebra puzzles of one structure (the same puzzle):
    its clue tokens as the prompt, types and positions over the whole sequence, the
    attention mask from its token graph."""
    puzzle = encs[0].meta.get("structure") if encs[0].meta.get("kind") == "zebra" else None
    if card.get("kind") != "zebra" or puzzle is None:
        raise ConfigError(f"model is for {card.get('kind')}, not Zebra"
                          if puzzle is not None else "a Zebra model reads Zebra puzzles only")
    vocab = vocabulary_of(card)
    try:
        tokens = tokenise(puzzle, vocab)
    except ValueError as e:
        raise ConfigError(str(e)) from None
    attention = graph_attention(token_graph(tokens)) if card.get("attention") == "graph" else None
    return MaskedLMEnergy(model, LMVocabulary(tuple(range(puzzle.houses)), vocab.mask),
                          token_types=tokens.types.expand(len(encs), -1),
                          prompts=tokens.clue_ids.expand(len(encs), -1), device=device,
                          attention=attention, refresh=refresh,
                          positions=tokens.positions.expand(len(encs), -1))
