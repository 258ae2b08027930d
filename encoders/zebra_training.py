"""Training the Zebra masked LM on generated puzzles: the data, the loop, the held-out
figures that go on the model card.

Data: each step picks a size (houses x attributes, uniform within the configured ranges),
adds `fresh` newly generated unique puzzles of that size to the size's pool (so the data
never runs out), and draws the batch from the pool with the attributes' type ids mapped
to random distinct labels (values need no relabelling: their indices are not in the
tokens). Each example masks a uniform share of the entities (up to all of them:
unmasking starts from nothing) and corrupts some of the rest, mostly by permuting their
houses within their attribute (swap chains keep rows permutations, so those are the
states they visit), otherwise with random houses; the loss asks for the truth at both.
"""

from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass

import torch

from encoders import lm, lm_text, zebra_lm
from encoders.attention import graph_attention
from encoders.lm_config import ZebraTrainConfig
from encoders.lm_training import optimise, run_facts, share, shuffle_within
from encoders.zebra import ZebraEncoder
from encoders.zebra_lm import ZebraTokens, ZebraVocabulary
from puzzles.errors import ConfigError
from puzzles.zebra.generate import ZebraGenerator
from puzzles.zebra.model import ZebraPuzzle, ZebraSolution, verify
from solver.moves import hard_mask

CORRUPTED = (0.0, 0.4)  # share of the unmasked entities corrupted, uniform per example
ROW_SHUFFLE = 0.7  # share of examples whose corruption permutes within attribute rows
POOL = 256  # puzzles kept per size (the oldest leave as fresh ones come)
HELD_OUT_TEXT = 16  # held-out puzzles of a fine-tuned checkpoint (long text sequences)


@dataclass(frozen=True)
class Example:
    """One generated puzzle as training data: tokens, who-reads-whom BoolTensor[L, L],
    the solution's house of each entity LongTensor[N]."""

    tokens: ZebraTokens
    reads: torch.Tensor
    truth: torch.Tensor


@dataclass(frozen=True)
class Batch:
    """Model inputs of one size, clue tokens padded to the longest: ids, types, positions
    LongTensor[B, L]; attention FloatTensor[B, 1, L, L]; truth, target LongTensor /
    BoolTensor[B, N] (the entities, the last N positions); masked BoolTensor[B, N]."""

    ids: torch.Tensor
    types: torch.Tensor
    positions: torch.Tensor
    attention: torch.Tensor
    truth: torch.Tensor
    target: torch.Tensor
    masked: torch.Tensor
    houses: int


def solution_houses(puzzle: ZebraPuzzle, solution: ZebraSolution) -> torch.Tensor:
    """LongTensor[N]: the house (0-based) of each entity m*H + v in `solution`."""
    held = dict(solution.assignment)
    return torch.tensor([held[name].index(v) for name, values in puzzle.attributes
                         for v in values], dtype=torch.long)


def example(puzzle: ZebraPuzzle, solution: ZebraSolution, vocab: ZebraVocabulary) -> Example:
    tokens = zebra_lm.tokenise(puzzle, vocab)
    reads = graph_attention(zebra_lm.token_graph(tokens)) == 0
    return Example(tokens, reads, solution_houses(puzzle, solution))


class PuzzleSource:
    """Fresh generated unique puzzles over the configured range of sizes, a `hard_share`
    of them worded like published sets; deterministic for a seed (`rng` is shared with
    the stream that draws from it)."""

    def __init__(self, cfg: ZebraTrainConfig, seed: int):
        self.cfg, self.rng = cfg, random.Random(seed)
        self.sizes = [(h, m) for h in range(cfg.houses[0], cfg.houses[1] + 1)
                      for m in range(cfg.attributes[0], cfg.attributes[1] + 1)]
        self._makers: dict[tuple, ZebraGenerator] = {}

    def generate(self, size: tuple[int, int]):
        hard = self.rng.random() < self.cfg.hard_share
        if (size, hard) not in self._makers:
            self._makers[size, hard] = ZebraGenerator(*size, seed=self.rng.randrange(2 ** 31),
                                                      hard=hard)
        return self._makers[size, hard].generate()


class ZebraStream:
    """Batches of training examples over a range of sizes, deterministic for a seed."""

    def __init__(self, cfg: ZebraTrainConfig, seed: int, vocab: ZebraVocabulary = ZebraVocabulary()):
        self.cfg, self.vocab = cfg, vocab
        self.source = PuzzleSource(cfg, seed)
        self.rng, self.sizes = self.source.rng, self.source.sizes
        self.generator = torch.Generator().manual_seed(seed)
        self.pools: dict[tuple[int, int], list[Example]] = {}

    def add(self, size: tuple[int, int], count: int) -> None:
        """`count` newly generated puzzles of `size` into its pool."""
        pool = self.pools.setdefault(size, [])
        for _ in range(count):
            made = self.source.generate(size)
            pool.append(example(made.puzzle, made.solution, self.vocab))
        del pool[:-POOL]

    def batch(self, count: int, size: tuple[int, int] | None = None) -> Batch:
        """count examples of one size (random when None), after adding fresh puzzles."""
        size = size or self.rng.choice(self.sizes)
        self.add(size, self.cfg.fresh if size in self.pools else max(self.cfg.fresh, 8))
        pool = self.pools[size]
        picked = [pool[i] for i in torch.randint(len(pool), (count,), generator=self.generator)]
        return self._assemble(picked, *size)

    def _rand(self, *shape) -> torch.Tensor:
        return torch.rand(shape, generator=self.generator)

    def _assemble(self, picked: list[Example], h: int, m: int) -> Batch:
        vocab, n, b = self.vocab, h * m, len(picked)
        width = max(e.tokens.clue_tokens for e in picked)
        length = width + n
        ids = torch.full((b, length), vocab.pad)
        types = torch.full((b, length), vocab.no_attribute)
        positions = torch.full((b, length), vocab.no_position)
        reads = torch.eye(length, dtype=torch.bool).repeat(b, 1, 1)  # padding reads itself
        labels = self._rand(b, vocab.attributes).argsort(-1)[:, :m]  # attribute type ids
        truth = torch.stack([e.truth for e in picked])
        for k, e in enumerate(picked):
            t, c = e.tokens, e.tokens.clue_tokens
            where = torch.cat([torch.arange(c), torch.arange(width, length)])
            ids[k, :c] = t.clue_ids
            real = t.types < m
            types[k, where] = torch.where(real, labels[k, t.types.clamp(max=m - 1)], t.types)
            positions[k, where] = t.positions
            reads[k, where[:, None], where[None, :]] = e.reads
        shown, target, masked = self._corrupt(truth, h, m)
        ids[:, width:] = shown
        attention = torch.zeros(b, 1, length, length).masked_fill(~reads[:, None], float("-inf"))
        return Batch(ids, types, positions, attention, truth, target, masked, h)

    def _corrupt(self, truth: torch.Tensor, h: int, m: int):
        """(shown LongTensor[B, N] houses with MASK on masked entities, target, masked
        BoolTensor[B, N])."""
        b, n = truth.shape
        u = self._rand(b, n)
        mask_rate = self._rand(b, 1)
        masked = u < mask_rate
        rest = (u - mask_rate) / (1 - mask_rate).clamp(min=1e-6)
        lo, hi = CORRUPTED
        corrupted = ~masked & (rest < lo + (hi - lo) * self._rand(b, 1))
        shuffled = shuffle_within(truth.view(b, m, h), corrupted.view(b, m, h), self.generator).view(b, n)
        noise = torch.randint(h, (b, n), generator=self.generator)
        within = self._rand(b, 1) < ROW_SHUFFLE
        shown = torch.where(corrupted, torch.where(within, shuffled, noise), truth)
        return shown.masked_fill(masked, self.vocab.mask), masked | corrupted, masked


def new_model(cfg: ZebraTrainConfig, vocab: ZebraVocabulary):
    """A BERT over the Zebra vocabulary: ids are houses and clue roles, positions the
    clues' house numbers, token types attributes."""
    import transformers  # noqa: PLC0415 (heavy import, only where models are built)
    return transformers.BertForMaskedLM(transformers.BertConfig(
        vocab_size=vocab.size, hidden_size=cfg.hidden, num_hidden_layers=cfg.layers,
        num_attention_heads=cfg.heads, intermediate_size=2 * cfg.hidden,
        max_position_embeddings=vocab.houses + 1, type_vocab_size=vocab.attributes + 1,
        pad_token_id=vocab.pad,
        # no dropout: the data never repeats, and dropping attention weights of 200-token
        # sequences took a third of a CPU step
        hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0))


def _loss_and_hits(model, batch: Batch, device):
    """Cross-entropy over the target entities' houses and a BoolTensor of correct
    predictions."""
    n = batch.truth.shape[1]
    out = model(input_ids=batch.ids.to(device), token_type_ids=batch.types.to(device),
                position_ids=batch.positions.to(device),
                attention_mask=batch.attention.to(device)).logits
    target = batch.target.to(device)
    logits = out[:, -n:, :batch.houses][target]
    want = batch.truth.to(device)[target]
    return torch.nn.functional.cross_entropy(logits, want), logits.argmax(-1) == want


def unmasking_solves(model, card: dict, puzzles: list[ZebraPuzzle], device="cpu",
                     propagate: str = "none") -> float:
    """Share of `puzzles` the model alone solves by iterative unmasking (one cell per
    pass, the most confident first, nearly greedy) from an empty grid, or from the hard
    mask `propagate` leaves, checked by the verifier."""
    solved = 0
    generator = torch.Generator(device=device).manual_seed(0)
    encoder = ZebraEncoder(propagate)
    for puzzle in puzzles:
        enc = encoder.encode(puzzle)
        energy = lm.lm_energy(model, card, [enc], device)
        mask = hard_mask(enc.allowed[None], device)
        x = energy.unmask(mask, torch.zeros(1, dtype=torch.long, device=device),
                          lm.peer_table(enc.groups, enc.sites).to(device), generator, per_pass=1, temperature=0.01)
        solved += verify(puzzle, encoder.decode(puzzle, x[0].cpu()))
    return round(solved / max(1, len(puzzles)), 4)


class TextZebraStream:
    """Training examples through a checkpoint's own tokenizer (`encoders.lm_text`): fresh
    generated puzzles as clue text and entity lines, padded to the longest of a batch.
    A masked LM sees masked entities' houses as its mask token and some corrupted (mostly
    permuted within their attribute), the loss on both; a causal LM reads the solution's
    lines, the loss on every house token."""

    def __init__(self, cfg: ZebraTrainConfig, card, seed: int, device):
        self.cfg, self.card, self.device = cfg, card, device
        self.source = PuzzleSource(cfg, seed)
        self.rng, self.sizes = self.source.rng, self.source.sizes
        self.generator = torch.Generator().manual_seed(seed)
        self.pools: dict[tuple[int, int], list] = {}
        tok = card.tokenizer
        self.pad = tok.pad_token_id if tok.pad_token_id is not None else 0

    def add(self, size: tuple[int, int], count: int) -> None:
        pool = self.pools.setdefault(size, [])
        for _ in range(count):
            made = self.source.generate(size)
            layout, values = zebra_lm.zebra_layout(self.card, made.puzzle)
            entity = torch.arange(len(layout.slots)) // made.puzzle.houses
            pool.append((layout, values, solution_houses(made.puzzle, made.solution), entity))
        del pool[:-POOL]

    def batch(self, count: int, size: tuple[int, int] | None = None):
        """(ids LongTensor[B, L], attention mask, slots LongTensor[B, N], truth, target,
        shown, value ids LongTensor[H]) of one size."""
        size = size or self.rng.choice(self.sizes)
        self.add(size, self.cfg.fresh if size in self.pools else max(self.cfg.fresh, 8))
        pool = self.pools[size]
        picked = [pool[i] for i in torch.randint(len(pool), (count,), generator=self.generator)]
        h, m = size
        length = max(p[0].template.shape[1] for p in picked)
        ids = torch.full((count, length), self.pad)
        reads = torch.eye(length, dtype=torch.bool).repeat(count, 1, 1)  # padding reads itself
        truth = torch.stack([p[2] for p in picked])
        values = torch.tensor(picked[0][1])
        mask = lm_text.placeholder(self.card)
        if self.card["arch"] == "mlm":
            shown, target = self._corrupt(truth, h, m)
        else:
            shown, target = truth, torch.ones_like(truth, dtype=torch.bool)
        table = torch.cat([values, torch.tensor([mask])])
        slots = torch.stack([p[0].slots for p in picked])
        for k, (layout, _, _, entity) in enumerate(picked):
            size_k = layout.template.shape[1]
            ids[k, :size_k] = layout.template[0]
            ids[k, layout.slots] = table[shown[k]]
            if self.card.get("attention") == "graph":
                near = entity[:, None] == entity[None, :]
                allowed = lm_text.attention(layout, near, self.card["arch"]) == 0
            else:
                allowed = torch.ones(size_k, size_k, dtype=torch.bool)
                if self.card["arch"] == "causal":
                    allowed = allowed.tril()
            reads[k, :size_k, :size_k] = allowed
        if self.card.get("attention") == "graph":
            attention = torch.zeros(count, 1, length, length).masked_fill(~reads[:, None], float("-inf"))
        else:  # plain attention: padding masked the 2-D way every model takes
            attention = (ids != self.pad) | (torch.arange(length)[None] < torch.tensor(
                [p[0].template.shape[1] for p in picked])[:, None])
            attention = attention.long()
        return ids, attention, slots, truth, target, values

    def _corrupt(self, truth: torch.Tensor, h: int, m: int):
        b, n = truth.shape
        u = torch.rand(b, n, generator=self.generator)
        rate = torch.rand(b, 1, generator=self.generator)
        masked = u < rate
        lo, hi = CORRUPTED
        rest = (u - rate) / (1 - rate).clamp(min=1e-6)
        corrupted = ~masked & (rest < lo + (hi - lo) * torch.rand(b, 1, generator=self.generator))
        shuffled = shuffle_within(truth.view(b, m, h), corrupted.view(b, m, h), self.generator).view(b, n)
        shown = torch.where(corrupted, shuffled, truth).masked_fill(masked, h)  # h: hidden
        return shown, masked | corrupted

    def loss_and_hits(self, model, batch):
        ids, attention, slots, truth, target, values = (t.to(self.device) for t in batch)
        out = model(input_ids=ids, attention_mask=attention).logits
        at = slots if self.card["arch"] == "mlm" else slots - 1
        logits = out.gather(1, at[..., None].expand(-1, -1, out.shape[-1]))[..., values][target]
        want = truth[target]
        return torch.nn.functional.cross_entropy(logits, want), logits.argmax(-1) == want


def fine_tune(cfg: ZebraTrainConfig, out, device="cpu", progress=None) -> dict:
    """Fine-tune a local checkpoint (any masked or causal LM with its tokenizer) on
    generated puzzles read through its tokenizer; saves the model, its tokenizer and a
    card that `--model` reads. Returns the card."""
    torch.manual_seed(cfg.seed)
    start = time.perf_counter()
    model, base = lm.load(cfg.init_from, device)
    if getattr(base, "tokenizer", None) is None:
        raise ConfigError(f"{cfg.init_from}: {{init_from}} for Zebra takes a checkpoint with its own "
                          "tokenizer (the project's Zebra model trains with `glauber train zebra`)")
    stream = TextZebraStream(cfg, base, cfg.seed, device)
    optimise(model, cfg.steps, cfg.lr,
             lambda: stream.loss_and_hits(model, stream.batch(cfg.batch))[0], progress)
    seconds = time.perf_counter() - start
    model.eval()
    held = TextZebraStream(cfg, base, cfg.seed + 10 ** 6, device)
    size = held.sizes[0]
    with torch.no_grad():
        _, hits = held.loss_and_hits(model, held.batch(HELD_OUT_TEXT, size))
    card = {key: value for key, value in base.items()}
    card.update({"kind": "zebra", **asdict(cfg), "init_from": str(cfg.init_from),
                 **run_facts(model, seconds, device),
                 "data": f"unique puzzles from the project's generator, {cfg.fresh} fresh per "
                         f"step, sizes {cfg.houses[0]}-{cfg.houses[1]} houses x "
                         f"{cfg.attributes[0]}-{cfg.attributes[1]} attributes, as clue text and "
                         f"entity lines through the checkpoint's tokenizer; fine-tuned from "
                         f"{cfg.init_from}",
                 "heldout": {f"{size[0]}x{size[1]}": {"examples": HELD_OUT_TEXT, "target_accuracy": share(hits.cpu())}}})
    for key in ("hidden", "layers", "heads"):  # the checkpoint's, not ours
        card.pop(key, None)
    lm.save(model, card, out)
    base.tokenizer.save_pretrained(out)
    return card


def train(cfg: ZebraTrainConfig, out, device="cpu", progress=None) -> dict:
    """Train the Zebra MLM and save it (`encoders.lm.save`); with cfg.init_from, fine-tune
    that checkpoint (`fine_tune`). progress(k, loss) after each step. Returns the card."""
    if cfg.init_from:
        return fine_tune(cfg, out, device, progress)
    torch.manual_seed(cfg.seed)
    vocab = ZebraVocabulary(max(8, cfg.houses[1]), max(8, cfg.attributes[1]))
    start = time.perf_counter()
    stream = ZebraStream(cfg, cfg.seed, vocab)
    model = new_model(cfg, vocab).to(device)
    optimise(model, cfg.steps, cfg.lr, lambda: _loss_and_hits(model, stream.batch(cfg.batch), device)[0],
             progress)
    seconds = time.perf_counter() - start
    model.eval()
    card = {"kind": "zebra", "arch": "mlm", "attention": "graph", "vocabulary": "glauber-zebra",
            "max_houses": vocab.houses, "max_attributes": vocab.attributes, **asdict(cfg),
            **run_facts(model, seconds, device),
            "data": f"unique puzzles from the project's generator, {cfg.fresh} fresh per step "
                    f"({cfg.hard_share:.0%} worded like published sets), sizes "
                    f"{cfg.houses[0]}-{cfg.houses[1]} houses x {cfg.attributes[0]}-"
                    f"{cfg.attributes[1]} attributes, attribute labels relabelled per "
                    f"example; up to every entity's house masked, up to {CORRUPTED[1]:.0%} of "
                    "the rest corrupted (mostly permuted within attributes); loss on masked "
                    "and corrupted entities"}
    card["heldout"] = heldout_figures(model, card, cfg, vocab, device)
    lm.save(model, card, out)
    return card


def heldout_figures(model, card, cfg: ZebraTrainConfig, vocab: ZebraVocabulary, device) -> dict:
    """Accuracy on the houses of masked and corrupted entities of other generated puzzles,
    per size, and the share of generated 5x5 puzzles the model solves alone by unmasking."""
    held = ZebraStream(cfg, cfg.seed + 10 ** 6, vocab)
    figures: dict = {"examples_per_size": 128}
    for size in [(3, 3), (5, 5), (6, 6), (8, 8)]:
        if size not in held.sizes:
            continue
        batch = held.batch(128, size)
        with torch.no_grad():
            _, hits = _loss_and_hits(model, batch, device)
        masked = batch.masked[batch.target]
        figures[f"{size[0]}x{size[1]}"] = {
            "target_accuracy": share(hits), "masked_accuracy": share(hits[masked]),
            "corrupted_accuracy": share(hits[~masked])}
    if (5, 5) in held.sizes:
        maker = ZebraGenerator(5, 5, seed=cfg.seed + 10 ** 6)
        puzzles = [maker.generate().puzzle for _ in range(50)]
        figures["unmasking_solves_5x5"] = unmasking_solves(model, card, puzzles, device)
    return figures
