"""Language models, whatever the puzzle kind: where the shipped models live, model cards,
saving and loading, peers for unmasking, and the LM energy term for a batch of encoded
puzzles. Each kind's vocabulary, serialisation and shipped model are its own
(`encoders.lm_kinds`: `encoders.sudoku_lm`, `encoders.zebra_lm`).

A project model is a standard transformers directory plus a card (`glauber.json`: kind,
board, arch, attention, how it was trained); its attention mask follows the constraint
graph and is rebuilt from the puzzle on loading (`encoders.attention`).

Any other local transformers masked or causal LM with its tokenizer (no card, or a card
without the glauber vocabulary) is read through its own tokenizer: `encoders.lm_text`
and docs/models.md.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import torch

from encoders import lm_text
from encoders.encoded import Encoded
from encoders.lm_config import ARCHS, ATTENTION
from encoders.lm_kinds import lm_kind
from puzzles.errors import ConfigError
from puzzles.kinds import KINDS

MODELS = Path(__file__).parent / "models"  # default models shipped in the package
CARD = "glauber.json"  # what a project model is: kind, board, arch, mask, how it was trained


def default_model_dir(kind: str, structure=None) -> Path:
    """Where the shipped model for a board lives (`KindLM.default_model`: one per Sudoku
    box shape, one for every Zebra size); structure: the board's `meta["structure"]`."""
    return MODELS / lm_kind(kind).default_model(structure)


def missing_model(kind: str, structure=None) -> str:
    """What to say when a board has no shipped model: how to train one."""
    board, how = lm_kind(kind).train_hint(structure)
    return (f"no default LM for {board}; train one with `glauber train {how} --out DIR` and "
            "pass {model} DIR")


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
    words = lm_kind(card["kind"]).words
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
    import transformers  # noqa: PLC0415 (heavy: only when a model is loaded)
    transformers.utils.logging.disable_progress_bar()  # loading a few MB needs no bar
    path = Path(model_dir)
    card_file = path / CARD
    try:
        card = json.loads(card_file.read_text()) if card_file.exists() else {}
    except (OSError, ValueError) as e:
        raise ConfigError(f"{card_file}: not a readable card ({e})") from None
    if not str(card.get("vocabulary", "")).startswith("glauber"):
        return lm_text.load(path, card, device)
    if card.get("arch") not in ARCHS or card.get("attention", "full") not in ATTENTION:
        raise ConfigError(f"{card_file}: unknown arch {card.get('arch')!r} or attention "
                          f"{card.get('attention')!r}")
    cls = transformers.BertForMaskedLM if card["arch"] == "mlm" else transformers.GPT2LMHeadModel
    model = cls.from_pretrained(path, local_files_only=True).to(device).eval()
    return model, card


def lm_energy(model, card: dict, encs: list[Encoded], device="cpu", refresh: int = 1):
    """The LM term for a batch of encoded puzzles of one structure: through the model's own
    tokenizer (`encoders.lm_text`), else the kind's (`KindLM.energy`); refresh: sweeps
    between a masked LM's forward passes."""
    if getattr(card, "tokenizer", None) is not None:  # through the model's own tokenizer
        return lm_text.energy(model, card, encs, device, refresh)
    kind, made_for = encs[0].meta["kind"], card.get("kind")
    if made_for != kind and made_for in KINDS:  # a model of another kind
        raise ConfigError(lm_kind(made_for).foreign(kind))
    return lm_kind(kind).energy(model, card, encs, device, refresh)
