"""Sudoku language models: the token vocabulary, training on generated grids, loading, and
the LM energy term for a batch of encoded puzzles.

Vocabulary of an n x n board (the project's own, so the models are tiny): value v-1 is
token v-1, then MASK = n, BOS = n + 1. A masked LM reads the grid (81 tokens) with token
type 1 on givens; a causal LM reads BOS, the puzzle (givens, MASK elsewhere), then the
grid, and its energy is -log p(grid | puzzle).

Training data are symmetry-augmented solved grids (`puzzles.generate`), so an unlimited
stream costs nothing. Chains visit corrupted grids, not clean ones (DESIGN.md: a model
trained on clean grids is confidently wrong on them), so each example shows some cells
corrupted with random values and asks for the truth there too.
"""

from __future__ import annotations

import json
import math
import random
import time
from pathlib import Path

import torch

from encoders.encoded import Encoded
from puzzles.errors import ConfigError
from puzzles.sudoku.generate import canonical_grid, random_symmetry
from solver.lm import CausalLMEnergy, LMVocabulary, MaskedLMEnergy

ARCHS = ("mlm", "causal")
MODELS = Path(__file__).parent / "models"  # default models shipped in the package
CARD = "glauber.json"  # what a project model is: kind, board, arch, how it was trained


def default_model_dir(kind: str, n: int) -> Path:
    return MODELS / f"{kind}-{n}x{n}-mlm"


def vocabulary(n: int) -> LMVocabulary:
    return LMVocabulary(values=tuple(range(n)), mask=n, bos=n + 1)


def new_model(arch: str, n: int, hidden: int = 128, layers: int = 4, heads: int = 4):
    """A small transformer over the project's vocabulary (about 0.8 M parameters)."""
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


def training_batch(box, size: int, rng: random.Random):
    """(truth LongTensor[B, N] value indices, givens BoolTensor[B, N], shown LongTensor[B, N]
    tokens: givens and most other cells true, some corrupted, some MASK, and loss mask
    BoolTensor[B, N]: the cells to predict — masked and corrupted ones)."""
    grid = canonical_grid(box)
    n = grid.n
    truth = torch.tensor([[v - 1 for v in random_symmetry(box, rng).apply(grid).cells]
                          for _ in range(size)])
    u = torch.rand(truth.shape, generator=torch.Generator().manual_seed(rng.getrandbits(62)))
    given_rate = torch.tensor([[rng.uniform(0.3, 0.7)] for _ in range(size)])
    corrupt_rate = torch.tensor([[rng.uniform(0.0, 0.2)] for _ in range(size)])
    mask_rate = torch.tensor([[rng.uniform(0.1, 0.5)] for _ in range(size)])
    givens = u < given_rate
    rest = (u - given_rate) / (1 - given_rate)  # uniform on [0, 1) again for non-givens
    masked = ~givens & (rest < mask_rate)
    corrupted = ~givens & ~masked & (rest < mask_rate + corrupt_rate)
    noise = torch.tensor([[rng.randrange(n) for _ in range(n * n)] for _ in range(size)])
    shown = torch.where(corrupted, noise, truth).masked_fill(masked, n)
    return truth, givens, shown, masked | corrupted


def _model_inputs(arch: str, n: int, truth, givens, shown):
    """input_ids, token_type_ids (or None) and label positions for one training batch."""
    if arch == "mlm":
        return shown, givens.long(), None
    bos = torch.full((len(truth), 1), n + 1)
    puzzle = truth.masked_fill(~givens, n)
    return torch.cat([bos, puzzle, truth], 1), None, 1 + n * n


def train_sudoku(arch: str, out: str | Path, steps: int, box=(3, 3), batch: int = 64,
                 lr: float = 1e-3, seed: int = 0, device="cpu", progress=None) -> dict:
    """Train a Sudoku LM and save it as a transformers directory with a model card
    (`glauber.json` and README.md). Returns the card."""
    torch.manual_seed(seed)
    if torch.device(device).type == "cpu":
        torch.set_flush_denormal(True)  # a plateau of denormals slowed CPU training ~10x
    rng = random.Random(seed)
    n = box[0] * box[1]
    model = new_model(arch, n).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    warmup = max(1, steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps)))
    start = time.perf_counter()
    model.train()
    for _ in range(steps):
        truth, givens, shown, target = training_batch(box, batch, rng)
        ids, types, offset = _model_inputs(arch, n, truth, givens, shown)
        ids = ids.to(device)
        if arch == "mlm":
            logits = model(input_ids=ids, token_type_ids=types.to(device)).logits
            loss = torch.nn.functional.cross_entropy(logits[target.to(device)], truth.to(device)[target.to(device)])
        else:
            logits = model(input_ids=ids).logits[:, offset - 1:-1]
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                                     truth.to(device).reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if progress:
            progress(1, loss.item())
    seconds = time.perf_counter() - start
    model.eval()
    card = {"kind": "sudoku", "box": list(box), "arch": arch, "vocabulary": "glauber", "steps": steps,
            "batch": batch, "lr": lr, "seed": seed, "train_seconds": round(seconds, 1),
            "device": str(device), "parameters": sum(p.numel() for p in model.parameters()),
            "data": "symmetry-augmented solved grids; 30-70% givens; 10-50% of the rest "
                    "masked, 0-20% corrupted; loss on masked and corrupted cells"
                    if arch == "mlm" else "symmetry-augmented solved grids given 30-70% of "
                    "their cells as the prompt; loss on every grid token",
            "heldout": evaluate(model, arch, box, device=device)}
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    (out / CARD).write_text(json.dumps(card, indent=2) + "\n")
    (out / "README.md").write_text(_card_text(card))
    return card


@torch.no_grad()
def evaluate(model, arch: str, box, size: int = 256, device="cpu") -> dict:
    """Held-out accuracy on fresh grids: predicting masked and corrupted cells."""
    truth, givens, shown, target = training_batch(box, size, random.Random(10 ** 9))
    n = box[0] * box[1]
    ids, types, offset = _model_inputs(arch, n, truth, givens, shown)
    if arch == "mlm":
        pred = model(input_ids=ids.to(device), token_type_ids=types.to(device)).logits[..., :n].argmax(-1).cpu()
        return {"target_cell_accuracy": round(float((pred == truth)[target].float().mean()), 4)}
    logits = model(input_ids=ids.to(device)).logits[:, offset - 1:-1, :n].cpu()
    return {"next_cell_accuracy_teacher_forced": round(float((logits.argmax(-1) == truth).float().mean()), 4)}


def _card_text(card: dict) -> str:
    lines = [f"# glauber {card['kind']} {card['arch']} model", "",
             "A small transformer over the glauber Sudoku vocabulary (value v is token v-1, "
             "MASK = n, BOS = n+1), trained by `glauber train`.", ""]
    lines += [f"- {k}: {v}" for k, v in card.items()]
    return "\n".join(lines) + "\n"


def load(model_dir: str | Path, device="cpu"):
    """(model, card) from a local directory; never touches the network."""
    import transformers  # noqa: PLC0415
    path = Path(model_dir)
    card_file = path / CARD
    if not card_file.exists():
        raise ConfigError(f"{path}: not a glauber model directory (no {CARD}); train one with "
                         "`glauber train sudoku --out DIR`")
    card = json.loads(card_file.read_text())
    cls = transformers.BertForMaskedLM if card["arch"] == "mlm" else transformers.GPT2LMHeadModel
    model = cls.from_pretrained(path, local_files_only=True).to(device).eval()
    return model, card


def lm_energy(model, card: dict, encs: list[Encoded], device="cpu"):
    """The LM term for a batch of encoded Sudoku puzzles (token types or prompts from
    their givens)."""
    n = int(math.isqrt(encs[0].sites))
    if card.get("kind") != "sudoku" or card["box"][0] * card["box"][1] != n:
        raise ConfigError(f"model is for {card.get('kind')} {card.get('box')}, not {n}x{n} Sudoku")
    vocab = vocabulary(n)
    if card["arch"] == "mlm":
        types = torch.stack([e.clamp.long() for e in encs])
        return MaskedLMEnergy(model, LMVocabulary(vocab.values, vocab.mask), token_types=types, device=device)
    prompts = torch.stack([e.tokens for e in encs])  # givens, MASK (= n) elsewhere
    return CausalLMEnergy(model, vocab, prompts=prompts, device=device)
