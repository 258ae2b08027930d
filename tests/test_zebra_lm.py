"""The Zebra LM's tokens and attention: round trips, the factor-graph mask, relabelled
training examples that still solve their puzzles, and the LM energy's inputs."""

import os

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encoders import lm
from encoders.lm_config import ZebraTrainConfig
from encoders.zebra import ZebraEncoder
from encoders.zebra_lm import ROLES, ZebraVocabulary, detokenise, read_clues, token_graph, tokenise
from puzzles.zebra.generate import ZebraGenerator
from puzzles.zebra.model import Clue, ZebraPuzzle, ZebraSolution, either, verify
from puzzles.zebra.strategies import mixed_puzzles, zebra_puzzles

os.environ["HF_HUB_OFFLINE"] = "1"
VOCAB = ZebraVocabulary()


def hard_puzzles(count=6):
    """Generated puzzles worded like published sets: ambiguous mentions, houses by number."""
    return [ZebraGenerator(h, m, seed=h * 10 + m, hard=True).generate().puzzle
            for h, m in [(3, 4), (4, 4), (5, 5), (6, 6), (8, 8), (2, 3)][:count]]


def test_every_token_id_reads_back_as_its_role_and_value():
    seen = set()
    for role in range(len(ROLES)):
        for alternative in (False, True):
            for value in range(VOCAB.houses):
                t = VOCAB.entity_id(role, alternative, value)
                assert VOCAB.read(t) == (role, alternative, value)
                seen.add(t)
            t = VOCAB.house_id(role, alternative)
            assert VOCAB.read(t) == (role, alternative, None)
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
    assert any(value is None for _, _, value in reads)  # a house by number
    assert any(alternative for _, alternative, _ in reads)  # an ambiguous mention


def test_a_clue_constant_on_a_house_reading_is_read_as_its_other_readings():
    p = ZebraPuzzle(3, (("pet", ("cat", "dog", "fish")),), (
        Clue("at", either([("pet", "cat"), 2]), position=3),  # house 2 is not house 3
        Clue("at", either([("pet", "dog"), 1]), position=1),  # always true: says nothing
    ))
    assert read_clues(p) == (Clue("at", ("pet", "cat"), position=3),)


def test_sequence_positions_are_houses_and_types_are_attributes():
    p = hard_puzzles(1)[0]
    t = tokenise(p)
    c, h, m = t.clue_tokens, p.houses, len(p.attributes)
    assert t.types[c:].tolist() == [a for a in range(m) for _ in range(h)]
    assert t.positions[c:].tolist() == list(range(h)) * m
    for i, clue_id in enumerate(t.clue_ids.tolist()):
        _, _, value = VOCAB.read(clue_id)
        assert (t.types[i] == VOCAB.no_attribute) == (value is None)


def test_oversized_puzzles_are_refused():
    p = ZebraGenerator(3, 3, seed=0).generate().puzzle
    with pytest.raises(ValueError, match="up to 2 houses"):
        tokenise(p, ZebraVocabulary(houses=2))


@pytest.mark.parametrize("puzzle", hard_puzzles(4))
def test_a_cell_never_attends_outside_its_factors(puzzle):
    t = tokenise(puzzle)
    reads = lm.graph_attention(token_graph(t)) == 0
    c, h, m = t.clue_tokens, puzzle.houses, len(puzzle.attributes)
    clue_rows = {}
    for i, k in enumerate(t.clue_of.tolist()):
        if t.types[i] < m:
            clue_rows.setdefault(k, set()).add(int(t.types[i]))
    for q in range(c, c + h * m):
        row, house = divmod(q - c, h)
        for k in reads[q].nonzero().squeeze(1).tolist():
            if k >= c:  # a cell: same attribute row or same house
                assert (k - c) // h == row or (k - c) % h == house
            else:  # a clue token: an entity of this cell's attribute
                assert int(t.types[k]) == row
    for q in range(c):  # a clue token reads its own clue and the rows that clue names
        for k in reads[q].nonzero().squeeze(1).tolist():
            if k < c:
                assert t.clue_of[k] == t.clue_of[q]
            else:
                assert (k - c) // h in clue_rows.get(int(t.clue_of[q]), set())


@pytest.mark.parametrize("puzzle", hard_puzzles(4))
def test_every_penalty_factor_is_read_by_one_clue_token(puzzle):
    """The mask covers the encoder's factor graph: both sites of every pair factor are
    read by some token of the clue behind it, and each cell reads its row (the
    all-different group)."""
    t = tokenise(puzzle)
    reads = lm.graph_attention(token_graph(t)) == 0
    c = t.clue_tokens
    enc = ZebraEncoder("none").encode(puzzle)
    cells = reads[:c, c:]  # [C, N]: cells each clue token reads
    for i, j in (enc.pair_sites.tolist() if enc.pair_sites is not None else []):
        assert (cells[:, i] & cells[:, j]).any()
    for group in enc.groups.tolist():
        assert reads[c + torch.tensor(group)][:, c + torch.tensor(group)].all()


def _rebuild(batch, k: int):
    """The puzzle and solution a batch example spells, by reading its relabelled tokens
    back: generic attribute and value names, rows found by the cells' type labels."""
    h = batch.houses
    n = batch.truth.shape[1]
    m = n // h
    types, ids = batch.types[k], batch.ids[k]
    width = ids.shape[0] - n
    row_of_label = {int(types[width + a * h]): a for a in range(m)}
    names = [(f"a{a}", tuple(f"v{v}" for v in range(h))) for a in range(m)]
    slots: dict[tuple, list] = {}
    for i in range(width):
        if ids[i] == VOCAB.pad:
            continue
        role, _, value = VOCAB.read(int(ids[i]))
        assert value is not None  # generated plainly: entities only
        kind, slot = ROLES[role]
        pos = int(batch.positions[k, i])
        slots.setdefault(("clue", i - slot), []).append(
            (kind, slot, (f"a{row_of_label[int(types[i])]}", f"v{value}"), pos))
    clues = []
    for parts in slots.values():
        kind, pos = parts[0][0], parts[0][3]
        clues.append(Clue(kind, *[e for _, _, e, _ in sorted(parts, key=lambda p: p[1])],
                          position=None if pos == VOCAB.no_position else pos + 1))
    truth = batch.truth[k].view(m, h)
    solution = ZebraSolution(h, tuple((f"a{a}", tuple(f"v{int(v)}" for v in truth[a])) for a in range(m)))
    return ZebraPuzzle(h, tuple(names), tuple(clues)), solution


def test_relabelled_training_examples_still_solve_their_puzzles():
    from encoders.zebra_training import ZebraStream
    stream = ZebraStream(ZebraTrainConfig(hard_share=0.0), seed=3)
    batch = stream.batch(12, (4, 3))
    for k in range(12):
        puzzle, solution = _rebuild(batch, k)
        assert verify(puzzle, solution)
    # the relabelling changed something: value orders and attribute labels vary
    assert len({tuple(batch.types[k, -12:].tolist()) for k in range(12)}) > 1
    # masked cells show MASK; the loss asks for every masked or wrong cell, not for all
    shown = batch.ids[:, -12:]
    assert (shown[batch.masked] == VOCAB.mask).all()
    assert batch.target[batch.masked | (shown != batch.truth)].all()
    assert not batch.target.all()


def test_batches_are_deterministic_for_a_seed():
    from encoders.zebra_training import ZebraStream
    a = ZebraStream(ZebraTrainConfig(), seed=5).batch(8)
    b = ZebraStream(ZebraTrainConfig(), seed=5).batch(8)
    assert all(torch.equal(getattr(a, f), getattr(b, f))
               for f in ("ids", "types", "positions", "attention", "truth", "target"))
