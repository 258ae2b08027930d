"""Tiny random transformers checkpoints with their own character-level tokenizers, built
offline (no hub): plain directories as a researcher would have them on disk, no card."""

from __future__ import annotations

import string
from pathlib import Path

import torch

CHARS = sorted(set(string.printable) - set("\r\x0b\x0c\t"))  # one token per character
SPECIALS = {  # per family: the tokenizer's special tokens, in id order
    "bert": {"pad_token": "[PAD]", "unk_token": "[UNK]", "cls_token": "[CLS]",
             "sep_token": "[SEP]", "mask_token": "[MASK]"},
    "roberta": {"bos_token": "<s>", "pad_token": "<pad>", "eos_token": "</s>",
                "unk_token": "<unk>", "cls_token": "<s>", "sep_token": "</s>",
                "mask_token": "<mask>"},
    "causal": {"bos_token": "<bos>", "eos_token": "<eos>", "pad_token": "<pad>",
               "unk_token": "<unk>"},
}
FAMILY = {"bert": "bert", "roberta": "roberta", "distilbert": "bert", "modernbert": "bert",
          "gpt2": "causal", "llama": "causal"}
ARCHS = tuple(FAMILY)
HIDDEN, LAYERS, HEADS, POSITIONS = 32, 2, 2, 2048


def char_tokenizer(family: str, without: str = ""):
    """A PreTrainedTokenizerFast over a WordLevel model: every printable character one token
    (less the characters in `without`), then the family's special tokens."""
    from tokenizers import Regex, Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast
    specials = SPECIALS[family]
    vocab: dict[str, int] = {}
    for token in specials.values():
        vocab.setdefault(token, len(vocab))
    for c in CHARS:
        if c not in without:
            vocab.setdefault(c, len(vocab))
    core = Tokenizer(models.WordLevel(vocab, unk_token=specials["unk_token"]))
    core.pre_tokenizer = pre_tokenizers.Split(Regex(r"[\s\S]"), behavior="isolated")
    return PreTrainedTokenizerFast(tokenizer_object=core, **specials)


def build(arch: str, out: Path, without: str = "", seed: int = 0) -> Path:
    """A random tiny `arch` model and its tokenizer saved to `out`: config.json, weights,
    tokenizer files; no glauber.json."""
    import transformers
    tok = char_tokenizer(FAMILY[arch], without)
    v = len(tok)
    small = dict(vocab_size=v, hidden_size=HIDDEN, num_hidden_layers=LAYERS,
                 num_attention_heads=HEADS, intermediate_size=2 * HIDDEN,
                 pad_token_id=tok.pad_token_id)
    torch.manual_seed(seed)
    if arch == "bert":
        model = transformers.BertForMaskedLM(transformers.BertConfig(
            **small, max_position_embeddings=POSITIONS, type_vocab_size=2))
    elif arch == "roberta":
        model = transformers.RobertaForMaskedLM(transformers.RobertaConfig(
            **small, max_position_embeddings=POSITIONS + 2, type_vocab_size=1,
            bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id))
    elif arch == "distilbert":
        model = transformers.DistilBertForMaskedLM(transformers.DistilBertConfig(
            vocab_size=v, dim=HIDDEN, n_layers=LAYERS, n_heads=HEADS, hidden_dim=2 * HIDDEN,
            max_position_embeddings=POSITIONS, pad_token_id=tok.pad_token_id))
    elif arch == "modernbert":
        model = transformers.ModernBertForMaskedLM(transformers.ModernBertConfig(
            **small, max_position_embeddings=POSITIONS, cls_token_id=tok.cls_token_id,
            sep_token_id=tok.sep_token_id, bos_token_id=tok.cls_token_id,
            eos_token_id=tok.sep_token_id))
    elif arch == "gpt2":
        model = transformers.GPT2LMHeadModel(transformers.GPT2Config(
            vocab_size=v, n_embd=HIDDEN, n_layer=LAYERS, n_head=HEADS, n_positions=POSITIONS,
            bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
            pad_token_id=tok.pad_token_id))
    elif arch == "llama":
        model = transformers.LlamaForCausalLM(transformers.LlamaConfig(
            **small, num_key_value_heads=HEADS, max_position_embeddings=POSITIONS,
            bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id))
    else:
        raise ValueError(arch)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out
