"""Sudoku language models: the token vocabulary, the structure-aware attention mask, model
cards, loading, and the LM energy term for a batch of encoded puzzles.

Vocabulary of an n x n board (the project's own, so the models are tiny): value v-1 is
token v-1, then MASK = n, BOS = n + 1. A masked LM reads the grid (n*n tokens) with token
type 1 on givens; a causal LM reads BOS, the puzzle (givens, MASK elsewhere), then the
grid, and its energy is -log p(grid | puzzle).

Structure: a model sees the constraint graph, not only positions. Its attention mask
comes from the encoder's site graph (`Encoded.graph`: for Sudoku a cell's 20 peers), so
a cell attends to itself and its peers only. Without it a BERT of this size sat at
chance for hundreds of steps (an early measurement: 11% after 200 steps); with it, it
learns in seconds. The card
(`glauber.json`) says `"attention": "graph"`, and loading rebuilds the mask from the
board, so a model directory stays a standard transformers directory.

Any other local transformers masked or causal LM with its tokenizer (no card, or a card
without the glauber vocabulary) is read through its own tokenizer: `encoders.lm_text`
and docs/models.md.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import networkx as nx
import torch

from encoders.encoded import Encoded
from encoders.lm_config import ARCHS, ATTENTION
from puzzles.errors import ConfigError
from solver.lm import CausalLMEnergy, LMVocabulary, MaskedLMEnergy
from solver.moves import hard_mask

MODELS = Path(__file__).parent / "models"  # default models shipped in the package
CARD = "glauber.json"  # what a project model is: kind, board, arch, mask, how it was trained


def default_model_dir(kind: str, box: tuple[int, int] | None = None) -> Path:
    """Where the shipped model lives: one per Sudoku box shape, one for every Zebra size."""
    if kind == "zebra":
        return MODELS / "zebra-mlm"
    n = box[0] * box[1]
    return MODELS / f"{kind}-{n}x{n}-box{box[0]}x{box[1]}-mlm"


def peer_table(groups: torch.Tensor, n: int) -> torch.Tensor:
    """LongTensor[N, D]: each of n sites' peers in the all-different groups LongTensor[G, K]
    (the values it must not repeat), padded with N (for `MaskedLMEnergy.unmask`)."""
    near = torch.zeros(n, n, dtype=torch.bool)
    near[groups[:, :, None], groups[:, None, :]] = True
    near.fill_diagonal_(False)
    width = max(1, int(near.sum(1).max()) if n else 1)
    # the peers first (in site order), then padding
    order = torch.where(near, torch.arange(n), n + torch.arange(n)).sort(1).values[:, :width]
    return order.masked_fill(order >= n, n)


def vocabulary(n: int) -> LMVocabulary:
    return LMVocabulary(values=tuple(range(n)), mask=n, bos=n + 1)


def graph_attention(graph: nx.Graph, arch: str = "mlm") -> torch.Tensor:
    """Additive attention mask FloatTensor[L, L] (0 allowed, -inf not) from a site graph of
    N nodes (a DiGraph: i attends to j only along an edge i -> j).

    mlm (L = N): site i attends to itself and its neighbours.
    causal (L = 1 + 2N: BOS, prompt sites, grid sites): the logits at position t predict
    token t + 1, so row t reads, among positions <= t (causal, hence exact conditionals),
    BOS, itself, and the prompt and grid sites that are token t + 1's site or its
    neighbours.
    """
    n = graph.number_of_nodes()
    near = torch.eye(n, dtype=torch.bool)
    edges = torch.tensor(list(graph.edges), dtype=torch.long).view(-1, 2)
    near[edges[:, 0], edges[:, 1]] = True
    if not graph.is_directed():
        near[edges[:, 1], edges[:, 0]] = True
    if arch == "mlm":
        allowed = near
    elif arch == "causal":
        length = 1 + 2 * n
        site = torch.cat([torch.tensor([-1]), torch.arange(n), torch.arange(n)])  # site of each token
        nxt = torch.cat([site[1:], torch.tensor([-1])])  # site each row predicts (-1: none)
        allowed = torch.zeros(length, length, dtype=torch.bool)
        rows = (nxt >= 0).nonzero().squeeze(1)
        keys = (site >= 0).nonzero().squeeze(1)
        allowed[rows[:, None], keys] = near[nxt[rows]][:, site[keys]]
        allowed[:, 0] = True  # BOS
        allowed |= torch.eye(length, dtype=torch.bool)
        allowed &= torch.ones(length, length, dtype=torch.bool).tril()
    else:
        raise ValueError(f"arch must be one of {ARCHS}")
    return hard_mask(allowed)


def new_model(arch: str, n: int, hidden: int = 128, layers: int = 4, heads: int = 4):
    """A small transformer over the project's vocabulary (about 0.56 M parameters)."""
    import transformers  # noqa: PLC0415 (heavy import, only where models are built)
    if arch == "mlm":
        return transformers.BertForMaskedLM(transformers.BertConfig(
            vocab_size=n + 2, hidden_size=hidden, num_hidden_layers=layers,
            num_attention_heads=heads, intermediate_size=2 * hidden,
            max_position_embeddings=n * n, type_vocab_size=2, pad_token_id=n))
    if arch == "causal":
        return transformers.GPT2LMHeadModel(transformers.GPT2Config(
            vocab_size=n + 2, n_positions=2 * n * n + 1, n_embd=hidden, n_layer=layers,
            n_head=heads, bos_token_id=n + 1, eos_token_id=n + 1, pad_token_id=n))
    raise ValueError(f"arch must be one of {ARCHS}")


def save(model, card: dict, out: str | Path) -> None:
    """A standard transformers directory plus the card (glauber.json and README.md)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    (out / CARD).write_text(json.dumps(card, indent=2) + "\n")
    (out / "README.md").write_text(_card_text(card))
    normal_permissions(out)  # safetensors writes its file 0600


def normal_permissions(directory: str | Path) -> None:
    """Give the files of a directory the project wrote the permissions of any new file
    (0666 less the umask: 0644 usually); some writers (safetensors) leave them 0600."""
    umask = os.umask(0)
    os.umask(umask)
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            os.chmod(path, 0o666 & ~umask)


def _card_text(card: dict) -> str:
    if card.get("vocabulary") == "tokenizer":
        lines = [f"# glauber {card['kind']} {card['arch']} model ({card.get('model_type', '?')})", "",
                 f"Fine-tuned by `glauber train {card['kind']} --init-from` from "
                 f"{card.get('init_from')}; read through its own tokenizer (docs/models.md). "
                 f"Attention: {card.get('attention', 'full')}.", ""]
        return "\n".join(lines + [f"- {k}: {v}" for k, v in card.items()]) + "\n"
    words = ("the glauber Zebra vocabulary (clue tokens by role, then one token per entity "
             "holding its house; `encoders/zebra_lm.py`)"
             if card["kind"] == "zebra" else
             "the glauber Sudoku vocabulary (value v is token v-1, MASK = n, BOS = n+1)")
    lines = [f"# glauber {card['kind']} {card['arch']} model", "",
             f"A small transformer over {words}, trained by `glauber train`. Attention follows "
             f"the constraint graph ({card.get('attention', 'full')}): the mask is rebuilt from "
             "the puzzle on loading.", ""]
    lines += [f"- {k}: {v}" for k, v in card.items()]
    return "\n".join(lines) + "\n"


def load(model_dir: str | Path, device="cpu"):
    """(model, card) from a local directory; never touches the network. A project model
    (a card with the glauber vocabulary) or any transformers masked or causal LM with its
    tokenizer, with or without a card (`encoders.lm_text`)."""
    import transformers  # noqa: PLC0415
    transformers.utils.logging.disable_progress_bar()  # loading a few MB needs no bar
    path = Path(model_dir)
    card_file = path / CARD
    try:
        card = json.loads(card_file.read_text()) if card_file.exists() else {}
    except (OSError, ValueError) as e:
        raise ConfigError(f"{card_file}: not a readable card ({e})") from None
    if not str(card.get("vocabulary", "")).startswith("glauber"):
        from encoders import lm_text  # noqa: PLC0415
        return lm_text.load(path, card, device)
    if card.get("arch") not in ARCHS or card.get("attention", "full") not in ATTENTION:
        raise ConfigError(f"{card_file}: unknown arch {card.get('arch')!r} or attention "
                          f"{card.get('attention')!r}")
    cls = transformers.BertForMaskedLM if card["arch"] == "mlm" else transformers.GPT2LMHeadModel
    model = cls.from_pretrained(path, local_files_only=True).to(device).eval()
    return model, card


def attention_for(card: dict, enc: Encoded) -> torch.Tensor | None:
    """The attention mask a model's card asks for, built from this board's graph."""
    return graph_attention(enc.graph(), card["arch"]) if card.get("attention") == "graph" else None


def lm_energy(model, card: dict, encs: list[Encoded], device="cpu", refresh: int = 1):
    """The LM term for a batch of encoded puzzles of one structure (Sudoku: token types or
    prompts from their givens, the attention mask from their shared graph; Zebra:
    `zebra_lm.energy`); refresh: sweeps between a masked LM's forward passes."""
    if getattr(card, "tokenizer", None) is not None:  # through the model's own tokenizer
        from encoders import lm_text  # noqa: PLC0415
        return lm_text.energy(model, card, encs, device, refresh)
    if encs[0].meta.get("kind") == "zebra" or card.get("kind") == "zebra":
        from encoders import zebra_lm  # noqa: PLC0415
        return zebra_lm.energy(model, card, encs, device, refresh)
    board = encs[0].meta.get("structure") if encs[0].meta.get("kind") == "sudoku" else None
    n = encs[0].values
    if card.get("kind") != "sudoku" or board is None or tuple(card["box"]) != tuple(board):
        raise ConfigError(f"model is for {card.get('kind')} with box {_box(card.get('box'))}, "
                          f"not {n}x{n} Sudoku with box {_box(board)}")
    vocab = vocabulary(n)
    attention = attention_for(card, encs[0])
    if card["arch"] == "mlm":
        types = torch.stack([e.clamp.long() for e in encs])
        return MaskedLMEnergy(model, LMVocabulary(vocab.values, vocab.mask), token_types=types,
                              device=device, attention=attention, refresh=refresh)
    prompts = torch.stack([e.tokens for e in encs])  # givens, MASK (= n) elsewhere
    return CausalLMEnergy(model, vocab, prompts=prompts, device=device, attention=attention)


def _box(box) -> str:
    return "?" if box is None else f"{box[0]}x{box[1]}"
