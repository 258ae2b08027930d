"""Zebra language models: the token sequence of a puzzle, its structure-aware attention,
and the LM energy that reads chain states through it; a puzzle through a model's own
tokenizer (`zebra_layout`, `encoders.lm_text`); `LM` is Zebra's entry in the
language-model registry (`encoders.lm_kinds`).

A Zebra instance is one sequence: its clue tokens, then one token per entity (attribute
m, value index v, at position m*H + v) holding the entity's house. Clues speak of where
entities live, so the model reads them as such: a clue token finds its entities' houses
in one hop, and an entity reads what its clues say of it in the next (a grid of cells
holding values would first have to search each row for an entity). Values are known by
their index within their attribute, never by their words, and a value's index appears
nowhere in the tokens: an entity is who it is by the clues wired to it, so one model
serves every theme and wording. Each token carries the three ids a BERT embeds and sums:

- input id: an entity's house (0..H-1; MASK when unknown); a clue token's role (clue
  kind, entity slot, and whether the mention is one of several readings), or the role of
  a house named by number (`the person in the 2nd house`);
- token type: the attribute of the entity (`NO_ATTRIBUTE` for house mentions, padding);
- position: a clue token's house number (the k of `at`/`not_at`, the house a mention
  names), `NO_POSITION` elsewhere.

An ambiguous mention (`Either`) becomes one token per reading. Attention follows the
factor graph (`token_graph`, a networkx DiGraph whose edge q -> k lets q read k): an
entity reads the other entities of its attribute (all-different) and the clue tokens
that name it; a clue token reads its own clue's tokens and the entities its clue names.

The sampler's state holds a value per cell (attribute m, house h); `ZebraLMEnergy` shows
it as entities (the value at (m, h) is entity (m, v) at house h) and turns the model's
house predictions back into cell conditionals: log p(cell (m, h) holds v) is read as
log p(entity (m, v) lives at h).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import networkx as nx
import torch

from encoders.attention import graph_attention
from encoders.encoded import Encoded
from encoders.lm_kinds import KindLM
from encoders.lm_text import Card, Layout, placeholder, specials, symbol_id, text_ids
from puzzles.errors import BeyondModel, ConfigError
from puzzles.zebra.clues import CLUE_KINDS, RELATIONS, Clue, either, options_of
from puzzles.zebra.model import ZebraPuzzle
from puzzles.zebra.wording import to_text
from solver.lm import CausalLMEnergy, LMVocabulary, MaskedLMEnergy

ROLES = tuple((kind, slot) for kind in CLUE_KINDS for slot in range(RELATIONS[kind].arity))
"""(clue kind, entity slot) of every clue token, in table order."""


@dataclass(frozen=True)
class ZebraVocabulary:
    """Token ids for puzzles of at most `houses` houses and `attributes` attributes: houses
    0..H-1, MASK, PAD, then per (role, either) an entity-mention id, then per (role,
    either) a house-mention id."""

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
    def size(self) -> int:
        return self.houses + 2 + 4 * len(ROLES)

    def mention_id(self, role: int, alternative: bool, house: bool) -> int:
        return self.houses + 2 + 2 * len(ROLES) * house + 2 * role + alternative

    def read(self, token: int) -> tuple[int, bool, bool]:
        """(role, alternative, names a house) of a clue token id."""
        house, code = divmod(token - self.houses - 2, 2 * len(ROLES))
        role, alternative = divmod(code, 2)
        return role, bool(alternative), bool(house)

    def check(self, puzzle: ZebraPuzzle) -> None:
        """ValueError when the puzzle is larger than this vocabulary reads."""
        if puzzle.houses > self.houses or len(puzzle.attributes) > self.attributes:
            raise ValueError(f"the model reads Zebra puzzles of up to {self.houses} houses and "
                             f"{self.attributes} attributes, not {puzzle.houses} x "
                             f"{len(puzzle.attributes)}")


@dataclass(frozen=True)
class ZebraTokens:
    """One puzzle as model inputs: C clue tokens, then N = M*H entity tokens.

    clue_ids LongTensor[C]; types, positions LongTensor[C + N]; clue_of LongTensor[C]
    (the clue each clue token belongs to); entity_of LongTensor[C] (the entity m*H + v
    a clue token names, -1 for a house mention)."""

    houses: int
    attributes: int
    clue_ids: torch.Tensor
    types: torch.Tensor
    positions: torch.Tensor
    clue_of: torch.Tensor
    entity_of: torch.Tensor

    @property
    def clue_tokens(self) -> int:
        return len(self.clue_ids)


def read_clues(puzzle: ZebraPuzzle) -> tuple[Clue, ...]:
    """The clues as a model reads them. A clue with a house number (`at`, `not_at`) whose
    one mention reads as a house number is a constant on that reading: a true reading
    makes the clue always hold (dropped: it says nothing), a false one is dropped from the
    mention (a clue left with no reading can never hold: the solver refuses such puzzles
    before sampling, `harness.solving`). Other clues are kept as written; a
    reading that names houses only gives tokens that read no entity."""
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
    h = puzzle.houses
    row = {name: m for m, (name, _) in enumerate(puzzle.attributes)}
    index = {(name, v): row[name] * h + i for name, values in puzzle.attributes
             for i, v in enumerate(values)}
    ids, types, positions, clue_of, entity_of = [], [], [], [], []
    for c, clue in enumerate(read_clues(puzzle)):
        k = clue.position
        for slot, mention in enumerate(clue.entities):
            role = ROLES.index((clue.kind, slot))
            options = options_of(mention)
            for ref in options:
                house = isinstance(ref, int)  # only in clues without a house number k
                ids.append(vocab.mention_id(role, len(options) > 1, house))
                types.append(vocab.no_attribute if house else row[ref[0]])
                positions.append(ref - 1 if house else vocab.no_position if k is None else k - 1)
                entity_of.append(-1 if house else index[ref])
                clue_of.append(c)
    m = len(puzzle.attributes)
    types += [a for a in range(m) for _ in range(h)]
    positions += [vocab.no_position] * (m * h)
    long = lambda xs: torch.tensor(xs, dtype=torch.long)  # noqa: E731
    return ZebraTokens(h, m, long(ids), long(types), long(positions), long(clue_of), long(entity_of))


def detokenise(tokens: ZebraTokens, puzzle: ZebraPuzzle,
               vocab: ZebraVocabulary = ZebraVocabulary()) -> tuple[Clue, ...]:
    """The clues that `tokens` spell, named with `puzzle`'s attributes: `read_clues(puzzle)`
    when `tokens` is `tokenise(puzzle)` (clue numbers and sentences aside)."""
    h = tokens.houses
    slots: dict[int, dict[int, list]] = {}
    kinds: dict[int, str] = {}
    ks: dict[int, int | None] = {}
    for t in range(tokens.clue_tokens):
        c = int(tokens.clue_of[t])
        role, _, house = vocab.read(int(tokens.clue_ids[t]))
        kinds[c], slot = ROLES[role]
        position = int(tokens.positions[t])
        if house:
            ref = position + 1
            ks.setdefault(c, None)
        else:
            m, v = divmod(int(tokens.entity_of[t]), h)
            name, values = puzzle.attributes[m]
            ref = (name, values[v])
            ks[c] = None if position == vocab.no_position else position + 1
        slots.setdefault(c, {}).setdefault(slot, []).append(ref)
    return tuple(Clue(kinds[c], *(either(slots[c][s]) for s in sorted(slots[c])), position=ks[c])
                 for c in sorted(kinds))


def token_graph(tokens: ZebraTokens) -> nx.DiGraph:
    """Who reads whom: nodes are sequence positions (clue tokens, then entities); an edge
    q -> k lets q attend to k. Every node reads itself."""
    c_count, h, m = tokens.clue_tokens, tokens.houses, tokens.attributes
    g = nx.DiGraph()
    g.add_nodes_from(range(c_count + h * m))
    g.add_edges_from((q, q) for q in range(c_count + h * m))
    for a in range(m):  # an attribute's entities: all in different houses
        row = range(c_count + a * h, c_count + (a + 1) * h)
        g.add_edges_from((q, k) for q in row for k in row)
    members: dict[int, list[int]] = {}
    for t, c in enumerate(tokens.clue_of.tolist()):
        members.setdefault(c, []).append(t)
    for group in members.values():
        named = [c_count + int(tokens.entity_of[t]) for t in group if tokens.entity_of[t] >= 0]
        for t in group:
            g.add_edges_from((t, u) for u in group + named)
            if tokens.entity_of[t] >= 0:  # the entity reads what this mention says of it
                g.add_edge(c_count + int(tokens.entity_of[t]), t)
    return g


def vocabulary_of(card: dict) -> ZebraVocabulary:
    return ZebraVocabulary(card.get("max_houses", 8), card.get("max_attributes", 8))


class ZebraLMEnergy(MaskedLMEnergy):
    """A masked LM over entity tokens, driven by states of cells (site m*H + h holds a
    value index v). Entity (m, v) is shown at the house of the cell holding v in row m
    (MASK when no unmasked cell holds it; where a row repeats a value, one of its houses),
    and log p(cell (m, h) holds v) is log p(entity (m, v) at h): normalised over houses
    per entity, so a swap's dE is exact for the model's entity conditionals."""

    def __init__(self, model, vocab: LMVocabulary, houses: int, **kwargs):
        super().__init__(model, vocab, **kwargs)
        self.houses = houses

    def site_ids(self, x, masked=None):
        return entity_ids(x, masked, self.houses, self.values, self.vocab.mask)

    def site_logp(self, x, masked=None, owner=None):
        out = self._read(self._forward(self.inputs(x, masked, owner), owner))
        return cells_from_entities(torch.log_softmax(out[..., self.values], -1))


class ZebraCausalEnergy(CausalLMEnergy):
    """A causal LM over entity lines (each entity's house token in its line, the clues
    before them as the prompt), driven by states of cells like `ZebraLMEnergy`. E(x) =
    -log p(the houses' tokens | the text before each). A cell's conditional over values
    moves an entity (two, where the row stays a permutation), so conditionals and swaps
    are scored whole: one batched pass over the candidate states."""

    def __init__(self, model, vocab: LMVocabulary, houses: int, **kwargs):
        super().__init__(model, vocab, **kwargs)
        self.houses = houses
        self.cache_arg = None  # candidates differ at several positions: no shared prefix

    def site_ids(self, x, masked=None):
        return entity_ids(x, masked, self.houses, self.values, self.vocab.mask)

    def site_logp(self, x, masked=None, owner=None):
        return cells_from_entities(super().site_logp(x, masked, owner))

    def logits(self, x, cache, sites):
        b, v = len(x), self.houses
        owner = self._owner(b).repeat_interleave(v)
        out = []
        for k in range(sites.shape[1]):
            variants = x.repeat_interleave(v, 0)
            variants.scatter_(1, sites[:, k].repeat_interleave(v)[:, None],
                              torch.arange(v, device=x.device).repeat(b)[:, None])
            out.append(torch.log_softmax(self.sequence_logp(variants, owner).view(b, v), -1))
        return torch.stack(out, 1)

    def swap_delta(self, x, cache, i, j):
        b, s = i.shape
        owner = self._owner(b)
        swapped = x.repeat_interleave(s, 0)
        a, c = x.gather(1, i).reshape(-1, 1), x.gather(1, j).reshape(-1, 1)
        swapped.scatter_(1, i.reshape(-1, 1), c).scatter_(1, j.reshape(-1, 1), a)
        after = self.sequence_logp(swapped, owner.repeat_interleave(s)).view(b, s)
        return -(after - self.sequence_logp(x, owner)[:, None])


def entity_ids(x: torch.Tensor, masked: torch.Tensor | None, houses: int, values: torch.Tensor,
               mask: int) -> torch.Tensor:
    """The entity view of cell states x LongTensor[B, N] (cell m*H + h holds value index
    v): LongTensor[B, N], entity m*H + v's token is `values[h]`, `mask` where no unmasked
    cell (masked: LongTensor[B, S] indices or BoolTensor[B, N]) holds it."""
    b, n = x.shape
    h = houses
    cell = torch.arange(n, device=x.device)
    entity = cell // h * h + x  # [B, N]: the entity each cell holds
    if masked is not None and masked.dtype != torch.bool:
        masked = torch.zeros_like(x, dtype=torch.bool).scatter(1, masked, True)
    if masked is not None:
        entity = entity.masked_fill(masked, n)  # hidden: written to a dropped column
    ids = torch.full((b, n + 1), mask, device=x.device)
    return ids.scatter(1, entity, values[cell % h].expand(b, -1))[:, :n]


def cells_from_entities(logp: torch.Tensor) -> torch.Tensor:
    """[B, entity m*H + v, house h] -> [B, cell m*H + h, value v]."""
    b, n, h = logp.shape
    return logp.view(b, n // h, h, h).transpose(2, 3).reshape(b, n, h)


def energy(model, card: dict, encs: list[Encoded], device="cpu", refresh: int = 1) -> ZebraLMEnergy:
    """The masked-LM term for encoded Zebra puzzles of one structure (the same puzzle):
    its clue tokens as the prompt, types and positions over the whole sequence, the
    attention mask from its token graph."""
    puzzle = encs[0].meta["structure"]
    if card.get("kind") != encs[0].meta["kind"]:
        raise ConfigError(f"model is for {card.get('kind')}, not Zebra")
    vocab = vocabulary_of(card)
    try:
        tokens = tokenise(puzzle, vocab)
    except ValueError as e:
        raise BeyondModel(f"{e} (use {{energy}} penalty, or a model from `glauber train zebra "
                          f"--houses 2-{puzzle.houses} --attributes "
                          f"2-{len(puzzle.attributes)}`)") from None
    attention = graph_attention(token_graph(tokens)) if card.get("attention") == "graph" else None
    p = len(encs)
    return ZebraLMEnergy(model, LMVocabulary(tuple(range(puzzle.houses)), vocab.mask), puzzle.houses,
                         token_types=tokens.types.expand(p, -1), prompts=tokens.clue_ids.expand(p, -1),
                         device=device, attention=attention, refresh=refresh,
                         positions=tokens.positions.expand(p, -1))


def zebra_layout(card: Card, puzzle: ZebraPuzzle) -> tuple[Layout, list[int]]:
    """(layout, house token ids) of one Zebra puzzle: the clue text, then one line per
    entity m*H + v: `attribute value: ` and its house's token."""
    tok, arch = card.tokenizer, card["arch"]
    h = puzzle.houses
    values = [symbol_id(tok, str(k + 1)) for k in range(h)]
    blank = placeholder(card)
    before, after = specials(tok, arch)
    ids = before + text_ids(tok, to_text(puzzle).rstrip("\n") + "\n")
    labels = [-1] * len(ids)
    slots = []
    for m, (name, names) in enumerate(puzzle.attributes):
        for v, value in enumerate(names):
            line = text_ids(tok, f"{name} {value}: ")
            ids += line
            slots.append(len(ids))
            ids += [blank] + text_ids(tok, "\n")
            labels += [m * h + v] * (len(ids) - len(labels))
    ids += after
    labels += [-1] * len(after)
    return Layout(torch.tensor([ids]), torch.tensor(slots), torch.tensor(labels)), values


def text_layout(card: Card, encs: list[Encoded]) -> tuple[Layout, list[int], torch.Tensor]:
    """(layout, house token ids, near BoolTensor[N, N]: an attribute's entities, which
    are all different) of copies of one Zebra puzzle through the model's tokenizer."""
    puzzle = encs[0].meta["structure"]
    layout, values = zebra_layout(card, puzzle)
    layout = Layout(layout.template.expand(len(encs), -1), layout.slots, layout.labels)
    row = torch.arange(encs[0].sites) // puzzle.houses
    return layout, values, row[:, None] == row[None, :]


def text_energy(model, card: Card, vocab: LMVocabulary, layout: Layout, common: dict,
                refresh: int = 1):
    """The LM term through the model's own tokenizer: cells shown as entities' houses."""
    houses = len(vocab.values)
    if card["arch"] == "mlm":
        return ZebraLMEnergy(model, vocab, houses, refresh=refresh, **common)
    return ZebraCausalEnergy(model, vocab, houses, **common)


LM = KindLM(default_model=lambda puzzle: "zebra-mlm", train_hint=lambda puzzle: ("Zebra", "zebra"),
            words="the glauber Zebra vocabulary (clue tokens by role, then one token per entity "
                  "holding its house; `encoders/zebra_lm.py`)",
            foreign=lambda kind: "a Zebra model reads Zebra puzzles only",
            energy=energy, text_layout=text_layout, text_energy=text_energy)
