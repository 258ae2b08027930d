"""Bring your own model: tiny random local transformers checkpoints (BERT, RoBERTa,
DistilBERT, ModernBERT, GPT-2, Llama) with their own character-level tokenizers and no
glauber card load, read the board through their tokenizer, give the model's own
conditionals, and solve. Everything is built offline in the test."""

import json
import os
from pathlib import Path

import pytest
import torch

os.environ["HF_HUB_OFFLINE"] = "1"
transformers = pytest.importorskip("transformers")
pytest.importorskip("tokenizers")

from click.testing import CliRunner  # noqa: E402

from cli import cli  # noqa: E402
from encoders import lm, lm_text  # noqa: E402
from encoders.sudoku import SudokuEncoder  # noqa: E402
from encoders.zebra import ZebraEncoder  # noqa: E402
from lm_checkpoints import ARCHS, build  # noqa: E402
from puzzles.errors import ConfigError  # noqa: E402
from puzzles.sudoku.model import Sudoku  # noqa: E402

EXAMPLES = Path(__file__).parent.parent / "examples"
PUZZLE = "1...3.....2...4."  # a 4x4 board, 2x2 boxes
MASKED = ("bert", "roberta", "distilbert", "modernbert")
CAUSAL = ("gpt2", "llama")


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory):
    root = tmp_path_factory.mktemp("checkpoints")
    return {arch: build(arch, root / arch) for arch in ARCHS}


def encoded(puzzle=PUZZLE):
    return SudokuEncoder("none").encode(Sudoku.parse(puzzle))


@pytest.mark.parametrize("arch", ARCHS)
def test_any_local_checkpoint_loads_without_a_card(checkpoints, arch):
    assert not (checkpoints[arch] / "glauber.json").exists()
    model, card = lm.load(checkpoints[arch])
    assert card["arch"] == ("causal" if arch in CAUSAL else "mlm")
    assert card["vocabulary"] == lm_text.TEXT and card["attention"] == "graph"
    assert card.types == (arch == "bert")  # RoBERTa has one token type, DistilBERT none


def model_logp(model, ids, positions, values, attention, types=None):
    """The model's own softmax over the value tokens at `positions`: [len(positions), V]."""
    extra = {} if types is None else {"token_type_ids": types}
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=attention, **extra).logits[0]
    return torch.log_softmax(out[positions][:, values], -1)


@pytest.mark.parametrize("arch", MASKED)
def test_masked_conditionals_are_the_models_own_softmax_on_a_4x4_board(checkpoints, arch):
    model, card = lm.load(checkpoints[arch])
    tok = card.tokenizer
    enc = encoded()
    energy = lm.lm_energy(model, card, [enc])
    x = torch.tensor([[0, 1, 2, 3, 2, 3, 0, 1, 1, 0, 3, 2, 3, 2, 1, 0]])
    sites = torch.tensor([[1, 6, 11]])
    got = energy.logits(x, None, sites)[0]
    # the serialisation by hand: [CLS] the cells' symbols, the mask token at the sites [SEP]
    cells = [str(v + 1) for v in x[0].tolist()]
    for s in sites[0].tolist():
        cells[s] = tok.mask_token
    ids = tok.convert_tokens_to_ids([tok.cls_token, *cells, tok.sep_token])
    values = tok.convert_tokens_to_ids(["1", "2", "3", "4"])
    types = None
    if arch == "bert":  # givens have token type 1
        types = torch.tensor([[0] + [int(c != ".") for c in PUZZLE] + [0]])
    want = model_logp(model, torch.tensor([ids]), sites[0] + 1, values, energy.attention, types)
    assert torch.allclose(got, want, atol=1e-5)
    assert torch.allclose(got.exp().sum(-1), torch.ones(3))


@pytest.mark.parametrize("arch", CAUSAL)
def test_causal_conditionals_are_exact_and_read_the_puzzle_as_a_prompt(checkpoints, arch):
    model, card = lm.load(checkpoints[arch])
    tok = card.tokenizer
    energy = lm.lm_energy(model, card, [encoded()])
    x = torch.tensor([[0, 1, 2, 3, 2, 3, 0, 1, 1, 0, 3, 2, 3, 2, 1, 0]] * 2)
    x[1, 5] = 1
    values = tok.convert_tokens_to_ids(["1", "2", "3", "4"])

    def logp(grid):  # log p(grid | <bos> puzzle) from the model by hand
        ids = torch.tensor([tok.convert_tokens_to_ids([tok.bos_token, *PUZZLE, *(str(v + 1) for v in grid)])])
        with torch.no_grad():
            out = torch.log_softmax(model(input_ids=ids, attention_mask=energy.attention).logits[0], -1)
        return sum(float(out[16 + s, ids[0, 17 + s]]) for s in range(16))

    cached = energy.cache_arg
    assert cached in ("cache", "past_key_values")  # this version's public name
    for site in (0, 7, 15):
        got = energy.logits(x, None, torch.full((2, 1), site))[:, 0]
        for b in range(2):
            joint = []
            for v in range(4):
                grid = x[b].tolist()
                grid[site] = v
                joint.append(logp(grid))
            assert torch.allclose(got[b], torch.log_softmax(torch.tensor(joint), -1), atol=1e-4)
        energy.cache_arg = None  # the same numbers without the key/value cache
        assert torch.allclose(energy.logits(x, None, torch.full((2, 1), site))[:, 0], got, atol=1e-5)
        energy.cache_arg = cached
    # the prior the constructive search reads: the first open cell given the puzzle alone
    ids = torch.tensor([tok.convert_tokens_to_ids([tok.bos_token, *PUZZLE])])
    first = model_logp(model, ids, torch.tensor([16]), values, energy.attention[..., :17, :17])[0]
    open_sites = torch.tensor([[c == "." for c in PUZZLE]])
    prior = energy.site_logp(x[:1], open_sites)
    assert torch.allclose(prior[0, 0], first, atol=1e-5) and prior.shape == (1, 16, 4)


def test_graph_mask_lets_a_cell_read_its_peers_and_the_special_tokens():
    card = lm_text.Card(arch="mlm")
    card.tokenizer = transformers.PreTrainedTokenizerFast  # placeholder: not read below
    enc = encoded()
    layout = lm_text.Layout(torch.zeros(1, 18, dtype=torch.long), torch.arange(1, 17),
                            torch.cat([torch.tensor([-1]), torch.arange(16), torch.tensor([-1])]))
    graph = enc.graph()
    near = torch.zeros(16, 16, dtype=torch.bool)
    for a, b in graph.edges:
        near[a, b] = near[b, a] = True
    allowed = lm_text.attention(layout, near, "mlm") == 0
    assert allowed[0].all() and allowed[-1].all() and allowed[:, 0].all() and allowed[:, -1].all()
    for s in range(16):
        assert allowed[1 + s, 1:17].tolist() == [bool(near[s, t]) or s == t for t in range(16)]


def test_a_symbol_that_is_not_one_token_is_named(tmp_path):
    path = build("bert", tmp_path / "no-three", without="3")
    model, card = lm.load(path)
    with pytest.raises(ConfigError, match="no single token for the symbol '3'"):
        lm.lm_energy(model, card, [encoded()])
    puzzles = tmp_path / "p.txt"
    puzzles.write_text(PUZZLE + "\n")
    result = CliRunner().invoke(cli, ["solve", str(puzzles), "--energy", "lm", "--model", str(path)])
    assert result.exit_code == 2 and "'3'" in result.stderr


def test_plain_attention_is_said_once(checkpoints, monkeypatch, capsys):
    monkeypatch.setattr(lm_text, "takes_mask", lambda *a: False)
    monkeypatch.setattr(lm_text, "_SAID", set())
    for _ in range(2):
        model, card = lm.load(checkpoints["distilbert"])
        assert card["attention"] == "full"
        assert lm.lm_energy(model, card, [encoded()]).attention is None
    assert capsys.readouterr().err.count("plain attention") == 1


def test_a_card_adds_settings_to_a_plain_checkpoint(checkpoints, tmp_path):
    import shutil
    path = tmp_path / "carded"
    shutil.copytree(checkpoints["roberta"], path)
    (path / "glauber.json").write_text(json.dumps({"attention": "full", "kind": "sudoku", "box": [2, 2]}))
    model, card = lm.load(path)
    assert card["attention"] == "full" and card["arch"] == "mlm"
    assert lm.lm_energy(model, card, [encoded()]).attention is None
    six = SudokuEncoder("none").encode(Sudoku.parse("." * 36))
    with pytest.raises(ConfigError, match="box 2x2"):
        lm.lm_energy(model, card, [six])


@pytest.mark.parametrize("arch", ["roberta", "llama"])
def test_zebra_serialisation_reads_entity_lines(checkpoints, arch):
    from puzzles.formats import read_file, iter_records
    model, card = lm.load(checkpoints[arch])
    record = next(iter_records(read_file(str(EXAMPLES / "zebra_4x4.txt"))))
    puzzle = record.puzzle
    enc = ZebraEncoder("none").encode(puzzle)
    energy = lm.lm_energy(model, card, [enc])
    ids = energy.inputs(torch.arange(16).remainder(4)[None])[0]
    text = "".join(card.tokenizer.convert_ids_to_tokens(ids.tolist()))  # one token a character
    assert "Clue 1:" in text or "clue" in text.lower()
    lines = text.split("\n")
    assert "name David: 1" in lines and "drink soda: 4" in lines  # entity m*H + v at house v + 1
    logp = energy.site_logp(torch.zeros(1, 16, dtype=torch.long), torch.ones(1, 16, dtype=torch.bool))
    assert logp.shape == (1, 16, 4) and torch.isfinite(logp).all()


def solve(args, chains=4, sweeps=200):
    result = CliRunner().invoke(cli, ["solve", *args, "--json", "--chains", str(chains),
                                      "--sweeps", str(sweeps)])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    return result, rows


@pytest.mark.parametrize("arch", ["bert", "roberta", "distilbert", "modernbert", "gpt2", "llama"])
@pytest.mark.parametrize("search", ["construct", "anneal"])
def test_plain_checkpoints_solve_the_4x4_sudoku_example(checkpoints, arch, search):
    result, rows = solve([str(EXAMPLES / "sudoku_4x4.txt"), "--energy", "lm+penalty", "--propagate",
                          "none", "--search", search, "--model", str(checkpoints[arch])])
    assert result.exit_code == 0, result.stderr
    assert rows and all(r["verified"] and r["search"] == search for r in rows)


@pytest.mark.parametrize("arch", ["bert", "roberta", "gpt2", "llama"])
def test_plain_checkpoints_solve_the_4x4_zebra_example(checkpoints, arch):
    result, rows = solve([str(EXAMPLES / "zebra_4x4.txt"), "--energy", "lm+penalty",
                          "--model", str(checkpoints[arch])])
    assert result.exit_code == 0, result.stderr
    assert rows and all(r["verified"] for r in rows)


@pytest.mark.parametrize("arch", ["bert", "gpt2"])
def test_zebra_anneal_moves_read_a_plain_checkpoint(checkpoints, arch):
    result, rows = solve([str(EXAMPLES / "zebra_4x4.txt"), "--energy", "lm+penalty", "--search",
                          "anneal", "--propagate", "none", "--model", str(checkpoints[arch])],
                         chains=2, sweeps=3)
    assert result.exit_code in (0, 1), result.stderr
    assert rows and all(r["verified"] == (r["solution"] is not None) for r in rows)


def train(args):
    return CliRunner().invoke(cli, ["train", *args, "--device", "cpu", "-q"])


def test_train_sudoku_init_from_a_plain_bert_writes_a_model_that_loads_and_solves(checkpoints, tmp_path):
    out = tmp_path / "bert-4x4"
    result = train(["sudoku", "--box", "2x2", "--init-from", str(checkpoints["bert"]), "--out", str(out),
                    "--steps", "2", "--batch", "8"])
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert {"config.json", "model.safetensors", "glauber.json", "tokenizer.json"} <= names
    card = json.loads((out / "glauber.json").read_text())
    assert card["init_from"] == str(checkpoints["bert"]) and card["box"] == [2, 2]
    assert card["arch"] == "mlm" and card["vocabulary"] == "tokenizer" and card["steps"] == 2
    model, loaded = lm.load(out)
    assert loaded.tokenizer is not None and loaded["kind"] == "sudoku"
    for search in ("construct", "anneal"):
        result, rows = solve([str(EXAMPLES / "sudoku_4x4.txt"), "--energy", "lm+penalty", "--propagate",
                              "none", "--search", search, "--model", str(out)])
        assert result.exit_code == 0 and all(r["verified"] for r in rows), result.stderr
    six = tmp_path / "six.txt"
    six.write_text("." * 36 + "\n")
    result = CliRunner().invoke(cli, ["solve", str(six), "--energy", "lm", "--model", str(out)])
    assert result.exit_code == 2 and "box 2x2" in result.stderr


def test_train_sudoku_init_from_a_causal_lm_keeps_its_arch(checkpoints, tmp_path):
    out = tmp_path / "gpt2-4x4"
    result = train(["sudoku", "--box", "2x2", "--init-from", str(checkpoints["gpt2"]), "--out", str(out),
                    "--steps", "2", "--batch", "8"])
    assert result.exit_code == 0, result.output
    card = json.loads((out / "glauber.json").read_text())
    assert card["arch"] == "causal" and "next_cell_accuracy_teacher_forced" in card["heldout"]
    result, rows = solve([str(EXAMPLES / "sudoku_4x4.txt"), "--energy", "lm+penalty", "--propagate",
                          "none", "--search", "anneal", "--model", str(out)])
    assert result.exit_code == 0 and all(r["verified"] for r in rows), result.stderr


def test_train_zebra_init_from_a_plain_roberta_writes_a_model_that_loads_and_solves(checkpoints, tmp_path):
    out = tmp_path / "roberta-zebra"
    result = train(["zebra", "--houses", "3-3", "--attributes", "3-3", "--init-from",
                    str(checkpoints["roberta"]), "--out", str(out), "--steps", "1", "--batch", "2"])
    assert result.exit_code == 0, result.output
    card = json.loads((out / "glauber.json").read_text())
    assert card["kind"] == "zebra" and card["vocabulary"] == "tokenizer" and "3x3" in card["heldout"]
    result, rows = solve([str(EXAMPLES / "zebra_4x4.txt"), "--energy", "lm+penalty", "--model", str(out)])
    assert result.exit_code == 0 and all(r["verified"] for r in rows), result.stderr


def test_init_from_a_directory_that_is_not_a_model_is_a_usage_error(tmp_path):
    result = train(["sudoku", "--box", "2x2", "--init-from", str(tmp_path), "--out", str(tmp_path / "o"),
                    "--steps", "1"])
    assert result.exit_code == 2 and "not a model directory" in result.stderr


def test_zebra_masked_conditionals_are_the_models_own_softmax_over_houses(checkpoints):
    from puzzles.formats import iter_records, read_file
    from puzzles.zebra.wording import to_text
    model, card = lm.load(checkpoints["bert"])
    tok = card.tokenizer
    puzzle = next(iter_records(read_file(str(EXAMPLES / "zebra_4x4.txt")))).puzzle
    energy = lm.lm_energy(model, card, [ZebraEncoder("none").encode(puzzle)])
    x = torch.tensor([[1, 0, 3, 2, 0, 1, 2, 3, 2, 3, 0, 1, 3, 2, 1, 0]])  # cell m*4 + h holds v
    # by hand: the text, then `attribute value: H` per entity, H its house (1-based)
    text = to_text(puzzle).rstrip("\n") + "\n"
    houses = {}
    for cell, v in enumerate(x[0].tolist()):
        houses[cell // 4 * 4 + v] = cell % 4 + 1
    slots = []
    for m, (name, values) in enumerate(puzzle.attributes):
        for v, value in enumerate(values):
            text += f"{name} {value}: "
            slots.append(len(text) + 1)  # after [CLS]
            text += f"{houses[m * 4 + v]}\n"
    ids = tok.convert_tokens_to_ids([tok.cls_token, *text, tok.sep_token])
    digits = tok.convert_tokens_to_ids(["1", "2", "3", "4"])
    entity = model_logp(model, torch.tensor([ids]), torch.tensor(slots), digits, energy.attention)
    want = entity.view(4, 4, 4).transpose(1, 2).reshape(16, 4)  # [cell (m, h), value v]
    assert torch.allclose(energy.site_logp(x)[0], want, atol=1e-5)
