"""The Zebra LM's tokens and attention: round trips, the factor-graph mask, relabelled
training examples that still solve their puzzles, and the LM energy's inputs."""

import os

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encoders.attention import graph_attention
from encoders.lm_config import ZebraTrainConfig
from encoders.zebra import ZebraEncoder
from encoders.zebra_lm import ROLES, ZebraVocabulary, detokenise, read_clues, token_graph, tokenise
from puzzles.zebra.generate import ZebraGenerator
from puzzles.zebra.clues import Clue, either
from puzzles.zebra.model import ZebraPuzzle, ZebraSolution, verify
from puzzles.zebra.strategies import mixed_puzzles, zebra_puzzles

os.environ["HF_HUB_OFFLINE"] = "1"
VOCAB = ZebraVocabulary()


def hard_puzzles(count=6):
    """Generated puzzles worded like published sets: ambiguous mentions, houses by number."""
    return [ZebraGenerator(h, m, seed=h * 10 + m, hard=True).generate().puzzle
            for h, m in [(3, 4), (4, 4), (5, 5), (6, 6), (8, 8), (2, 3)][:count]]


def test_every_token_id_reads_back_as_its_role():
    seen = set()
    for role in range(len(ROLES)):
        for alternative in (False, True):
            for house in (False, True):
                t = VOCAB.mention_id(role, alternative, house)
                assert VOCAB.read(t) == (role, alternative, house)
                seen.add(t)
    assert len(seen) == VOCAB.size - VOCAB.houses - 2  # distinct, and nothing else
    assert min(seen) == VOCAB.pad + 1 and max(seen) == VOCAB.size - 1


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(zebra_puzzles(houses=st.integers(2, 5), attributes=st.integers(1, 4)))
def test_plain_puzzles_round_trip_exactly(puzzle):
    assert detokenise(tokenise(puzzle), puzzle) == puzzle.clues


@settings(max_examples=60, deadline=None)
@given(mixed_puzzles(houses=st.integers(2, 5), attributes=st.integers(1, 4), max_clues=6))
def test_houses_and_ambiguous_mentions_round_trip(puzzle):
    clues = read_clues(puzzle)
    assert detokenise(tokenise(puzzle), puzzle) == clues
    dropped = [c for c in puzzle.clues if c not in clues]
    assert all(c.position is not None for c in dropped)  # only constants of at / not_at go


def test_generated_hard_puzzles_round_trip_and_use_every_kind_of_mention():
    tokens = [tokenise(p) for p in hard_puzzles()]
    for p, t in zip(hard_puzzles(), tokens):
        assert detokenise(t, p) == p.clues
    reads = [VOCAB.read(int(i)) for t in tokens for i in t.clue_ids]
    assert any(house for _, _, house in reads)  # a house by number
    assert any(alternative for _, alternative, _ in reads)  # an ambiguous mention


def test_a_clue_constant_on_a_house_reading_is_read_as_its_other_readings():
    p = ZebraPuzzle(3, (("pet", ("cat", "dog", "fish")),), (
        Clue("at", either([("pet", "cat"), 2]), position=3),  # house 2 is not house 3
        Clue("at", either([("pet", "dog"), 1]), position=1),  # always true: says nothing
    ))
    assert read_clues(p) == (Clue("at", ("pet", "cat"), position=3),)


def test_entities_are_typed_by_attribute_and_clue_tokens_name_them():
    p = hard_puzzles(1)[0]
    t = tokenise(p)
    c, h, m = t.clue_tokens, p.houses, len(p.attributes)
    assert t.types[c:].tolist() == [a for a in range(m) for _ in range(h)]
    assert (t.positions[c:] == VOCAB.no_position).all()  # an entity's house is its input
    for i, clue_id in enumerate(t.clue_ids.tolist()):
        _, _, house = VOCAB.read(clue_id)
        assert house == (t.entity_of[i] < 0) == (t.types[i] == VOCAB.no_attribute)
        if not house:
            assert t.types[i] == t.entity_of[i] // h  # typed by the attribute it names


def test_oversized_puzzles_are_refused():
    p = ZebraGenerator(3, 3, seed=0).generate().puzzle
    with pytest.raises(ValueError, match="up to 2 houses"):
        tokenise(p, ZebraVocabulary(houses=2))
    with pytest.raises(ValueError, match="not 3 x 3"):
        tokenise(p, ZebraVocabulary(attributes=2))


@pytest.mark.parametrize("puzzle", hard_puzzles(4))
def test_an_entity_never_attends_outside_its_factors(puzzle):
    t = tokenise(puzzle)
    reads = graph_attention(token_graph(t)) == 0
    c, h, m = t.clue_tokens, puzzle.houses, len(puzzle.attributes)
    named = {}
    for i, k in enumerate(t.clue_of.tolist()):
        named.setdefault(k, set()).add(int(t.entity_of[i]))
    for q in range(c, c + h * m):
        for k in reads[q].nonzero().squeeze(1).tolist():
            if k >= c:  # an entity: of the same attribute (the all-different group)
                assert (k - c) // h == (q - c) // h
            else:  # a clue token: one that names this entity
                assert t.entity_of[k] == q - c
    for q in range(c):  # a clue token reads its own clue and the entities that clue names
        for k in reads[q].nonzero().squeeze(1).tolist():
            if k < c:
                assert t.clue_of[k] == t.clue_of[q]
            else:
                assert k - c in named[int(t.clue_of[q])]


@pytest.mark.parametrize("puzzle", hard_puzzles(4))
def test_every_penalty_factor_is_read_by_one_clue_token(puzzle):
    """The mask covers the encoder's factor graph: the two entities of every penalised
    pair of literals are read together by some clue token, and each entity reads its
    attribute (the all-different group)."""
    t = tokenise(puzzle)
    reads = graph_attention(token_graph(t)) == 0
    c, h = t.clue_tokens, puzzle.houses
    enc = ZebraEncoder("none").encode(puzzle)
    entities = reads[:c, c:]  # [C, N]: entities each clue token reads
    for (i, j), table in zip(enc.pair_sites.tolist(), enc.pair_tables):
        for a, b in (table > 0).nonzero().tolist():
            e1, e2 = i // h * h + a, j // h * h + b
            assert (entities[:, e1] & entities[:, e2]).any()
    terms = enc.choice_terms.tolist() if enc.choice_terms is not None else []
    assert terms or puzzle.houses < 4  # the hard puzzles here have ambiguous clues
    for i, a, j, b, _ in terms:  # literals of one reading of an ambiguous clue
        e1, e2 = i // h * h + a, j // h * h + b
        assert (entities[:, e1] & entities[:, e2]).any()
    for group in enc.groups.tolist():  # a row of cells is an attribute: its entities
        row = c + torch.tensor(group)
        assert reads[row][:, row].all()


def _rebuild(batch, k: int):
    """The puzzle and solution a batch example spells, read back from its relabelled
    tokens: generic names, the entity a clue token names from the attention (only that
    entity reads it), checked to carry that entity's attribute label."""
    h = batch.houses
    n = batch.truth.shape[1]
    m = n // h
    types, ids = batch.types[k], batch.ids[k]
    width = ids.shape[0] - n
    reads = batch.attention[k, 0] == 0
    names = [(f"a{a}", tuple(f"v{v}" for v in range(h))) for a in range(m)]
    clues: dict[int, list] = {}
    for i in range(width):
        if ids[i] == VOCAB.pad:
            continue
        role, _, house = VOCAB.read(int(ids[i]))
        assert not house  # generated plainly: entities only
        kind, slot = ROLES[role]
        (entity,) = reads[width:, i].nonzero().squeeze(1).tolist()
        assert types[i] == types[width + entity]
        a, v = divmod(entity, h)
        pos = int(batch.positions[k, i])
        first = min(j for j in range(width) if reads[i, j])  # the clue's first token
        clues.setdefault(first, []).append((kind, slot, (f"a{a}", f"v{v}"), pos))
    built = []
    for parts in clues.values():
        kind, pos = parts[0][0], parts[0][3]
        built.append(Clue(kind, *[e for _, _, e, _ in sorted(parts, key=lambda p: p[1])],
                          position=None if pos == VOCAB.no_position else pos + 1))
    house_of = batch.truth[k].view(m, h)  # [attribute, value] -> house
    rows = [(f"a{a}", tuple(f"v{int(house_of[a].tolist().index(x))}" for x in range(h)))
            for a in range(m)]
    return ZebraPuzzle(h, tuple(names), tuple(built)), ZebraSolution(h, tuple(rows))


def test_relabelled_training_examples_still_solve_their_puzzles():
    from encoders.zebra_training import ZebraStream
    stream = ZebraStream(ZebraTrainConfig(hard_share=0.0), seed=3)
    batch = stream.batch(12, (4, 3))
    for k in range(12):
        puzzle, solution = _rebuild(batch, k)
        assert verify(puzzle, solution)
    # the relabelling changed something: attribute labels vary
    assert len({tuple(batch.types[k, -12:].tolist()) for k in range(12)}) > 1
    # masked entities show MASK; the loss asks for every masked or misplaced one, not all
    shown = batch.ids[:, -12:]
    assert (shown[batch.masked] == VOCAB.mask).all()
    assert batch.target[batch.masked | (shown != batch.truth)].all()
    assert not batch.target.all()


@pytest.mark.parametrize("sizes", [{"houses": (2, 11)}, {"attributes": (1, 3)},
                                   {"houses": (5, 4)}])
def test_training_sizes_the_generator_cannot_serve_are_refused(sizes):
    with pytest.raises(ValueError, match="2 <= lo <= hi <= 10"):
        ZebraTrainConfig(**sizes)


def test_batches_are_deterministic_for_a_seed():
    from encoders.zebra_training import ZebraStream
    a, b, c = (ZebraStream(ZebraTrainConfig(), seed=s).batch(8, (5, 4)) for s in (5, 5, 6))
    fields = ("ids", "types", "positions", "attention", "truth", "target", "masked")
    assert all(torch.equal(getattr(a, f), getattr(b, f)) for f in fields)
    assert not torch.equal(a.truth, c.truth)


def test_the_energy_shows_cells_as_entities_and_reads_houses_back_as_cell_conditionals():
    from encoders.zebra_lm import ZebraLMEnergy
    from solver.lm import LMVocabulary
    energy = ZebraLMEnergy(torch.nn.Identity(), LMVocabulary((0, 1, 2), mask=VOCAB.mask), houses=3)
    x = torch.tensor([[2, 0, 1, 1, 2, 0]])  # two attributes, three houses: cell -> value
    # entity (0, 2) lives in house 0, (0, 0) in 1, (0, 1) in 2; (1, 1) in 0, (1, 2) in 1, ...
    assert energy.site_ids(x).tolist() == [[1, 2, 0, 2, 0, 1]]
    hidden = torch.tensor([[True, False, False, False, False, True]])
    assert energy.site_ids(x, hidden).tolist() == [[1, 2, VOCAB.mask, VOCAB.mask, 0, 1]]
    assert energy.site_ids(x, torch.tensor([[0, 5]])).tolist() == [[1, 2, VOCAB.mask, VOCAB.mask, 0, 1]]
    logits = torch.randn(1, 6, VOCAB.size)
    energy._forward = lambda ids, owner=None: logits  # the model's output per entity
    got = energy.site_logp(x)  # [1, cell, value]
    houses = torch.log_softmax(logits[0, :, :3], -1)  # [entity, house]
    for cell in range(6):
        m, h = divmod(cell, 3)
        for v in range(3):
            assert torch.isclose(got[0, cell, v], houses[m * 3 + v, h])
