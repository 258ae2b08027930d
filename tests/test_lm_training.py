"""Training data and the training loop of the Sudoku LMs: valid grids, corruption that
looks like chain states, deterministic by seed, and a brief run far above chance."""

import json
import os

import pytest
import torch

os.environ["HF_HUB_OFFLINE"] = "1"
pytest.importorskip("transformers")

from encoders import lm, sudoku_lm  # noqa: E402
from encoders.lm_config import TrainConfig  # noqa: E402
from encoders.lm_training import GridStream, train  # noqa: E402
from puzzles.sudoku.model import geometry  # noqa: E402


def units_hold(grids: torch.Tensor, units) -> torch.Tensor:
    """BoolTensor[B, U]: unit u of grid b holds every value once."""
    n = len(units[0])
    return torch.stack([(grids[:, list(u)].sort(1).values == torch.arange(n)).all(1) for u in units], 1)


@pytest.mark.parametrize("box", [(2, 2), (2, 3), (3, 3)])
def test_stream_grids_are_solved_and_varied(box):
    stream = GridStream(box, seed=1)
    grids = stream.grids(64)
    assert units_hold(grids, geometry(box).units).all()
    assert len({tuple(g) for g in grids.tolist()}) > 48


def test_box_corruption_keeps_boxes_and_moves_only_corrupted_cells():
    box = (3, 3)
    stream = GridStream(box, seed=2)
    truth = stream.grids(32)
    chosen = torch.rand(truth.shape, generator=torch.Generator().manual_seed(0)) < 0.4
    shown = stream._box_shuffle(truth, chosen)
    units = geometry(box).units
    assert units_hold(shown, units[18:]).all()  # every box is still a permutation
    assert torch.equal(shown[~chosen], truth[~chosen])
    assert (shown[chosen] != truth[chosen]).float().mean() > 0.3  # and it does move values
    assert not units_hold(shown, units[:18]).all()  # rows and columns clash, as in chains


def test_batches_are_deterministic_and_targets_are_the_hidden_cells():
    a, b = GridStream((2, 3), seed=3).batch(16), GridStream((2, 3), seed=3).batch(16)
    assert all(torch.equal(x, y) for x, y in zip(a, b))
    truth, givens, shown, target = a
    assert torch.equal(shown[givens], truth[givens]) and not target[givens].any()
    assert ((shown == 6) <= target).all() and ((shown != truth) <= target).all()  # 6: MASK


def test_a_brief_4x4_run_is_far_above_chance_and_reproducible(tmp_path):
    config = TrainConfig(box=(2, 2), steps=80, batch=32, hidden=32, layers=2, heads=2, lr=3e-3)
    card = train(config, tmp_path / "a")
    assert card["heldout"]["target_cell_accuracy"] > 0.6  # chance is 0.25
    assert json.loads((tmp_path / "a" / "glauber.json").read_text())["attention"] == "graph"
    again = train(TrainConfig(box=(2, 2), steps=3, batch=8, hidden=32, layers=2, heads=2),
                  tmp_path / "b")
    twice = train(TrainConfig(box=(2, 2), steps=3, batch=8, hidden=32, layers=2, heads=2),
                  tmp_path / "c")
    assert again["heldout"] == twice["heldout"]
    (model_b, _), (model_c, _) = lm.load(tmp_path / "b"), lm.load(tmp_path / "c")
    assert all(torch.equal(p, q) for p, q in zip(model_b.parameters(), model_c.parameters()))


def test_chain_contexts_are_block_chain_states_with_the_truth_asked_where_they_are_wrong():
    from encoders.lm_training import ChainContexts
    box = (3, 3)  # smaller minimal puzzles fall to propagation: nothing to get wrong
    contexts = ChainContexts(GridStream(box, seed=4), seed=4, puzzles=6, chains=4)
    units = geometry(box).units
    boxes = units[2 * 9:]
    assert units_hold(contexts.states, boxes).all()  # block moves keep every box a permutation
    assert torch.equal(contexts.states[contexts.givens], contexts.truth[contexts.givens])
    assert (contexts.states != contexts.truth).any()  # chains at beta 1 are not all solved
    truth, givens, shown, target = contexts.batch(64)
    assert units_hold(truth, units).all()
    assert torch.equal(shown[givens], truth[givens]) and not target[givens].any()
    assert ((shown != truth) <= target).all()  # masked (token 9) and wrong cells are asked
    again = ChainContexts(GridStream(box, seed=4), seed=4, puzzles=6, chains=4)
    assert torch.equal(again.states, contexts.states)


def test_a_model_saved_from_python_gets_normal_permissions(tmp_path):
    umask = os.umask(0o022)  # safetensors alone writes its file 0600
    try:
        lm.save(sudoku_lm.new_model("mlm", 4, hidden=8, layers=1, heads=1),
                {"kind": "sudoku", "arch": "mlm"}, tmp_path / "m")
    finally:
        os.umask(umask)
    modes = {p.name: oct(p.stat().st_mode & 0o777) for p in (tmp_path / "m").iterdir()}
    assert modes["model.safetensors"] == oct(0o644) and set(modes.values()) == {oct(0o644)}
