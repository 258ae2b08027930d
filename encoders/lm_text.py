"""Any local transformers language model as a puzzle energy, read through its own tokenizer
(`--model DIR` on a plain transformers directory: config, weights, tokenizer files).

Loading: the Auto classes pick the model (`AutoModelForMaskedLM` or
`AutoModelForCausalLM`, from the config's architectures) and `AutoTokenizer` its
tokenizer, with `local_files_only`: nothing is fetched. A `glauber.json` card beside it,
where present, adds settings (`arch`, `attention`, `kind`, `box`).

Serialisation (the model's own tokens; `docs/models.md`), each kind's own
(`KindLM.text_layout`: `encoders.sudoku_lm`, `encoders.zebra_lm`):

- Sudoku, masked LM: [CLS] then one token per cell, the cell's symbol (`1`-`9`, `A`-`P`)
  or the mask token where blank, then [SEP] (where the tokenizer has them). Givens get
  token type 1 where the model embeds token types (BERT); RoBERTa (one type) and
  DistilBERT or ModernBERT (none) get no types.
- Sudoku, causal LM: [BOS] the puzzle as a prompt (its symbols, `.` for a blank), then the
  grid, one token per cell; E(x) = -log p(grid | puzzle).
- Zebra: the clue text (`puzzles.zebra.wording.to_text`), then one line per entity,
  `attribute value: H` with H its house number (`1`..`9`), as the project's own Zebra
  model reads entities, so every value is one digit token. A masked LM sees unknown
  houses as its mask token; a causal LM reads the lines in order.

The energy reads the logits of the value tokens at each site's position. A symbol that
is not one token of the tokenizer is an error naming it. The constraint graph becomes a
4-D additive attention mask where the architecture honours one (probed on loading: with
the mask a token must not see a token it may not read); elsewhere plain attention, said
once on stderr.
"""

from __future__ import annotations

import inspect
import sys
from dataclasses import dataclass
from pathlib import Path

import torch

from encoders.encoded import Encoded
from encoders.lm_kinds import lm_kind
from puzzles.errors import ConfigError
from solver.lm import LMVocabulary
from solver.moves import hard_mask

TEXT = "tokenizer"  # a card's vocabulary for models read through their own tokenizer
BLANK = "."  # a blank cell in a causal model's prompt (the puzzle files' own blank)
TOKENS_PER_PASS = 2 ** 17  # tokens per forward pass (long Zebra text: fewer sequences)
_SAID: set[str] = set()  # models whose plain attention was already said on stderr


class Card(dict):
    """A model's settings (its glauber.json where present, filled in on loading) with what
    loading found: the tokenizer and whether the model embeds token types."""

    tokenizer = None
    types = False


@dataclass(frozen=True)
class Layout:
    """Sequences of one structure: template LongTensor[P, L] (the sites' places hold
    placeholders), slots LongTensor[N] (each site's position), labels LongTensor[L] (the
    site each token belongs to, -1 for text every token may read), types LongTensor[P, L]
    or None."""

    template: torch.Tensor
    slots: torch.Tensor
    labels: torch.Tensor
    types: torch.Tensor | None = None


def load(path: Path, card: dict, device="cpu"):
    """(model, Card) from a local transformers directory; never touches the network."""
    import transformers  # noqa: PLC0415 (heavy: only when a model is loaded)
    if not (path / "config.json").exists():
        raise ConfigError(f"{path}: not a model directory (no config.json and no glauber.json): "
                          "pass a local transformers directory with a masked or causal LM and its "
                          "tokenizer, or train one with `glauber train sudoku --out DIR`")
    try:
        config = transformers.AutoConfig.from_pretrained(path, local_files_only=True)
    except (OSError, ValueError, KeyError) as e:
        raise ConfigError(f"{path}: cannot read config.json: {e}") from None
    arch = card.get("arch") or arch_of(config)
    if card.get("arch") not in (None, "mlm", "causal") or card.get("attention") not in (None, "graph", "full"):
        raise ConfigError(f"{path / 'glauber.json'}: arch must be mlm or causal and attention graph "
                          f"or full, not {card.get('arch')!r} and {card.get('attention')!r}")
    if arch is None:
        raise ConfigError(f"{path}: {config.model_type} is neither a masked nor a causal LM "
                          f"(architectures {config.architectures})")
    auto = transformers.AutoModelForMaskedLM if arch == "mlm" else transformers.AutoModelForCausalLM
    try:
        model = auto.from_pretrained(path, local_files_only=True)
    except (OSError, ValueError, KeyError) as e:
        raise ConfigError(f"{path}: cannot load it as a {'masked' if arch == 'mlm' else 'causal'} "
                          f"LM: {e}") from None
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ConfigError(f"{path}: no tokenizer could be loaded ({e}); the directory needs the "
                          "model's tokenizer files (tokenizer.json and tokenizer_config.json)") from None
    out = Card({"arch": arch, "attention": "graph", **card, "vocabulary": TEXT,
                "model_type": config.model_type})
    out.tokenizer = tokenizer
    out.types = ("token_type_ids" in inspect.signature(model.forward).parameters
                 and getattr(config, "type_vocab_size", 0) >= 2)
    model = model.to(device).eval()
    if out["attention"] == "graph" and not takes_mask(model, arch, tokenizer, device):
        out["attention"] = "full"
        if str(path) not in _SAID:
            _SAID.add(str(path))
            print(f"{path}: {config.model_type} does not take a 4-D attention mask; plain "
                  "attention (the constraint graph is not used)", file=sys.stderr)
    return model, out


def arch_of(config) -> str | None:
    """mlm or causal from a config's architectures (else its model type's Auto tables)."""
    for name in config.architectures or ():
        if name.endswith("ForMaskedLM"):
            return "mlm"
        if name.endswith(("ForCausalLM", "LMHeadModel")):
            return "causal"
    from transformers.models.auto import modeling_auto  # noqa: PLC0415 (heavy, as above)
    if config.model_type in modeling_auto.MODEL_FOR_MASKED_LM_MAPPING_NAMES:
        return "mlm"
    if config.model_type in modeling_auto.MODEL_FOR_CAUSAL_LM_MAPPING_NAMES:
        return "causal"
    return None


@torch.inference_mode()
def takes_mask(model, arch: str, tokenizer, device="cpu") -> bool:
    """Whether the model honours a 4-D additive attention mask: with each token reading
    only itself, a token's output must not change when another token it may not read
    does (and must without the mask, or the probe says nothing)."""
    special = set(tokenizer.all_special_ids)
    plain = [t for t in range(min(len(tokenizer), 64)) if t not in special][:5]
    if len(plain) < 5:
        return False
    a = torch.tensor([plain[:4]], device=device)
    b = a.clone()
    changed, read = (3, 0) if arch == "mlm" else (0, 3)  # causal: a later token reads an earlier one
    b[0, changed] = plain[4]
    eye = hard_mask(torch.eye(4, dtype=torch.bool), device)[None, None]
    try:
        masked = [model(input_ids=t, attention_mask=eye).logits[0, read].float() for t in (a, b)]
        full = [model(input_ids=t).logits[0, read].float() for t in (a, b)]
    except Exception:  # noqa: BLE001 (any refusal of the mask means: plain attention)
        return False
    honoured = torch.allclose(masked[0], masked[1], atol=1e-5)
    return honoured and not torch.allclose(full[0], full[1], atol=1e-5)


def symbol_id(tokenizer, symbol: str) -> int:
    """The token id of one symbol; ConfigError naming it when it is not one token."""
    unk = tokenizer.unk_token_id
    tid = tokenizer.convert_tokens_to_ids(symbol)
    if isinstance(tid, int) and tid != unk:
        return tid
    ids = tokenizer(symbol, add_special_tokens=False)["input_ids"]
    if len(ids) == 1 and ids[0] != unk:
        return ids[0]
    raise ConfigError(f"the model's tokenizer has no single token for the symbol {symbol!r} "
                      f"(it reads it as {len(ids)} token{'s' if len(ids) != 1 else ''}"
                      f"{', unknown' if unk in ids else ''}); every cell value must be one token")


def text_ids(tokenizer, text: str) -> list[int]:
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def specials(tokenizer, arch: str) -> tuple[list[int], list[int]]:
    """(ids before, ids after) a sequence: [CLS] ... [SEP] for a masked LM, [BOS] ... for a
    causal one, where the tokenizer has them."""
    first = (tokenizer.cls_token_id if tokenizer.cls_token_id is not None else tokenizer.bos_token_id)
    if arch == "causal":
        return ([] if tokenizer.bos_token_id is None else [tokenizer.bos_token_id]), []
    last = tokenizer.sep_token_id if tokenizer.sep_token_id is not None else tokenizer.eos_token_id
    return [t for t in [first] if t is not None], [t for t in [last] if t is not None]


def placeholder(card: Card) -> int:
    """The token of a site not shown: the mask token (masked LM) or `BLANK` (causal)."""
    tokenizer = card.tokenizer
    if card["arch"] == "mlm":
        if tokenizer.mask_token_id is None:
            raise ConfigError("the masked LM's tokenizer has no mask token")
        return tokenizer.mask_token_id
    return symbol_id(tokenizer, BLANK)


def attention(layout: Layout, near: torch.Tensor, arch: str) -> torch.Tensor:
    """Additive attention FloatTensor[L, L] from the sites' graph near BoolTensor[N, N]:
    a masked LM's token of site s reads the shared text and the tokens of s and its
    neighbours; a causal LM's row predicting a site's token reads, among earlier
    positions, the same; shared text reads everything (allowed by the causal order)."""
    site = layout.labels
    length = len(site)
    rows = site if arch == "mlm" else torch.cat([site[1:], torch.tensor([-1])])
    near = near | torch.eye(len(near), dtype=torch.bool)
    reads = near[rows.clamp(min=0)[:, None], site.clamp(min=0)[None, :]] | (site < 0)[None, :]
    allowed = torch.where((rows < 0)[:, None], True, reads) | torch.eye(length, dtype=torch.bool)
    if arch == "causal":
        allowed &= torch.ones(length, length, dtype=torch.bool).tril()
    return hard_mask(allowed)


def limit_of(model) -> int | None:
    """The longest sequence the model's positions allow (None: no fixed limit)."""
    config = model.config
    longest = getattr(config, "max_position_embeddings", None) or getattr(config, "n_positions", None)
    if longest is None or getattr(config, "rope_theta", None) is not None \
            or getattr(config, "rope_parameters", None) is not None:
        return None
    if config.model_type in ("roberta", "xlm-roberta", "camembert"):  # positions start after pad
        longest -= (config.pad_token_id or 0) + 1
    return longest


def energy(model, card: Card, encs: list[Encoded], device="cpu", refresh: int = 1):
    """The LM term through the model's own tokenizer for encoded puzzles of one structure
    (each kind's layout and term: `encoders.lm_kinds.KindLM`)."""
    kind = encs[0].meta.get("kind")
    if card.get("kind") not in (None, kind):
        raise ConfigError(f"model is for {card['kind']}, not {kind}")
    entry = lm_kind(kind)
    layout, values, near = entry.text_layout(card, encs)
    longest = limit_of(model)
    if longest is not None and layout.template.shape[1] > longest:
        raise ConfigError(f"the puzzle is {layout.template.shape[1]} tokens through the model's "
                          f"tokenizer; the model reads at most {longest}")
    mask = attention(layout, near, card["arch"]) if card.get("attention") == "graph" else None
    vocab = LMVocabulary(tuple(values), placeholder(card))
    # sequences per forward pass: a budget of tokens, not of sequences (Zebra text is long)
    batch = max(1, TOKENS_PER_PASS // layout.template.shape[1])
    common = dict(device=device, attention=mask, template=layout.template, slots=layout.slots,
                  batch=batch)
    return entry.text_energy(model, card, vocab, layout, common, refresh)
