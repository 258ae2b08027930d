"""Sudoku language models: the project's vocabulary, the small transformer `glauber train
sudoku` makes, the LM term for a batch of encoded puzzles, and Sudoku through a model's
own tokenizer; `LM` is Sudoku's entry in the language-model registry (`encoders.lm_kinds`).

Vocabulary of an n x n board (the project's own, so the models are tiny): value v-1 is
token v-1, then MASK = n, BOS = n + 1. A masked LM reads the grid (n*n tokens) with token
type 1 on givens; a causal LM reads BOS, the puzzle (givens, MASK elsewhere), then the
grid, and its energy is -log p(grid | puzzle).

Structure: a model sees the constraint graph, not only positions. Its attention mask
comes from the encoder's site graph (`Encoded.graph`: for Sudoku a cell's 20 peers), so
a cell attends to itself and its peers only (`encoders.attention`). The card
(`glauber.json`) says `"attention": "graph"`, and loading rebuilds the mask from the
board, so a model directory stays a standard transformers directory.

Through a model's own tokenizer (`encoders.lm_text`): a masked LM reads [CLS], one token
per cell (its symbol, the mask token where blank), [SEP]; a causal LM reads [BOS], the
puzzle as a prompt (`.` for a blank), then the grid.
"""

from __future__ import annotations

import torch

from encoders.attention import graph_attention
from encoders.encoded import Encoded
from encoders.lm_config import ARCHS
from encoders.lm_kinds import KindLM
from encoders.lm_text import BLANK, Card, Layout, placeholder, specials, symbol_id
from puzzles.errors import ConfigError
from puzzles.sudoku.model import SYMBOLS
from solver.lm import CausalLMEnergy, LMVocabulary, MaskedLMEnergy


def vocabulary(n: int) -> LMVocabulary:
    return LMVocabulary(values=tuple(range(n)), mask=n, bos=n + 1)


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


def attention_for(card: dict, enc: Encoded) -> torch.Tensor | None:
    """The attention mask a model's card asks for, built from this board's graph."""
    return graph_attention(enc.graph(), card["arch"]) if card.get("attention") == "graph" else None


def energy(model, card: dict, encs: list[Encoded], device="cpu", refresh: int = 1):
    """The LM term for encoded Sudoku puzzles of one board: token types (masked LM) or
    prompts (causal LM) from their givens, the attention mask from their shared graph;
    refresh: sweeps between a masked LM's forward passes."""
    board = encs[0].meta["structure"]
    n = encs[0].values
    if card.get("kind") != encs[0].meta["kind"] or tuple(card["box"]) != tuple(board):
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


def sudoku_layout(card: Card, encs: list[Encoded]) -> tuple[Layout, list[int]]:
    """(layout, value token ids) of Sudoku puzzles of one board through the model's tokenizer."""
    tok, arch = card.tokenizer, card["arch"]
    n, cells = encs[0].values, encs[0].sites
    values = [symbol_id(tok, SYMBOLS[v]) for v in range(n)]
    blank = placeholder(card)
    before, after = specials(tok, arch)
    p = len(encs)
    lead = torch.tensor(before, dtype=torch.long).expand(p, -1)
    grid = torch.full((p, cells), blank)
    site = torch.arange(cells)
    if arch == "mlm":
        template = torch.cat([lead, grid, torch.tensor(after, dtype=torch.long).expand(p, -1)], 1)
        slots = len(before) + site
        labels = torch.cat([torch.full((len(before),), -1), site, torch.full((len(after),), -1)])
    else:
        ids = torch.tensor(values + [symbol_id(tok, BLANK)])
        prompt = torch.stack([ids[e.tokens.masked_fill(~e.clamp, n)] for e in encs])
        template = torch.cat([lead, prompt, grid], 1)
        slots = len(before) + cells + site
        labels = torch.cat([torch.full((len(before),), -1), site, site])
    types = None
    if arch == "mlm" and card.types:
        types = torch.zeros_like(template)
        types[:, slots] = torch.stack([e.clamp.long() for e in encs])
    return Layout(template, slots, labels, types), values


def text_layout(card: Card, encs: list[Encoded]) -> tuple[Layout, list[int], torch.Tensor]:
    """(layout, value token ids, peers BoolTensor[N, N]) of Sudoku puzzles of one board."""
    board = encs[0].meta["structure"]
    if card.get("box") is not None and tuple(card["box"]) != tuple(board):
        raise ConfigError(f"model is for sudoku with box {card['box'][0]}x{card['box'][1]}, "
                          f"not {encs[0].values}x{encs[0].values} Sudoku with box "
                          f"{board[0]}x{board[1]}")
    layout, values = sudoku_layout(card, encs)
    graph = encs[0].graph()
    near = torch.zeros(encs[0].sites, encs[0].sites, dtype=torch.bool)
    if graph.number_of_edges():
        edges = torch.tensor(list(graph.edges), dtype=torch.long)
        near[edges[:, 0], edges[:, 1]] = True
        near[edges[:, 1], edges[:, 0]] = True
    return layout, values, near


def text_energy(model, card: Card, vocab: LMVocabulary, layout: Layout, common: dict,
                refresh: int = 1):
    """The LM term through the model's own tokenizer (givens typed where it embeds types)."""
    if card["arch"] == "mlm":
        return MaskedLMEnergy(model, vocab, token_types=layout.types, refresh=refresh, **common)
    return CausalLMEnergy(model, vocab, **common)


def default_model(box: tuple[int, int]) -> str:
    """The shipped model's directory: one per box shape."""
    n = box[0] * box[1]
    return f"sudoku-{n}x{n}-box{box[0]}x{box[1]}-mlm"


def train_hint(box: tuple[int, int]) -> tuple[str, str]:
    n = box[0] * box[1]
    return f"{n}x{n} Sudoku with {box[0]}x{box[1]} boxes", f"sudoku --box {box[0]}x{box[1]}"


LM = KindLM(default_model=default_model, train_hint=train_hint,
            words="the glauber Sudoku vocabulary (value v is token v-1, MASK = n, BOS = n+1)",
            foreign=lambda kind: f"model is for sudoku, not {kind.capitalize()}",
            energy=energy, text_layout=text_layout, text_energy=text_energy)
