"""Training Sudoku language models on generated grids: the data, the loop, the held-out
figures that go on the model card.

Data: a pool of random solved grids from the SAT generator, each batch drawn from it
through fresh random symmetries (relabelling, row and column permutations within bands
and stacks, band and stack orders, transposition), so the stream is unlimited and
diverse. Every example shows the givens (token type 1), masks some cells and corrupts
others, and the loss asks for the truth at the masked and corrupted cells.

Corruption imitates the states that chains visit, not only random noise: block moves keep
every box a permutation, so most corrupted examples permute the values of the corrupted
cells within their box (rows and columns then clash, boxes never do); the rest get random
values. A model trained on clean grids alone is confidently wrong on chain states (an
early measurement: 56% right with 30% of the context corrupted, with high confidence).
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, replace

import torch

from encoders import lm, lm_text, sudoku_lm
from encoders.attention import graph_attention
from encoders.encoded import stack_fillings
from encoders.lm_config import Curriculum, TrainConfig
from encoders.sudoku import SudokuEncoder
from puzzles.sudoku.generate import SudokuGenerator
from puzzles.errors import ConfigError
from puzzles.sudoku.model import Sudoku, geometry
from solver.config import SamplerConfig
from solver.energy import PenaltyEnergy
from solver.glauber import GlauberSampler


class GridStream:
    """Batches of training examples for one box shape, deterministic for a seed."""

    def __init__(self, box: tuple[int, int], seed: int, curriculum: Curriculum = Curriculum()):
        self.box, self.curriculum = tuple(box), curriculum
        self.n = box[0] * box[1]
        with SudokuGenerator(self.box, seed) as gen:
            self.pool = torch.tensor([[v - 1 for v in gen.solved_grid().cells]
                                      for _ in range(curriculum.pool)])
        self.boxes = torch.tensor(geometry(self.box).units[2 * self.n:])  # [n, n] cell ids
        self.box_of = torch.empty(self.n * self.n, dtype=torch.long)  # [N]: box of each cell
        self.box_of[self.boxes.reshape(-1)] = torch.arange(self.n).repeat_interleave(self.n)
        self.generator = torch.Generator().manual_seed(seed)

    def _rand(self, *shape) -> torch.Tensor:
        return torch.rand(shape, generator=self.generator)

    def _order(self, *shape) -> torch.Tensor:
        """Random permutations of the last axis: LongTensor[*shape]."""
        return self._rand(*shape).argsort(-1)

    def grids(self, size: int) -> torch.Tensor:
        """size solved grids LongTensor[size, n*n] (values 0..n-1), random symmetries of
        pool grids."""
        g = self.pool[torch.randint(len(self.pool), (size,), generator=self.generator)]
        return self.transform([g], [True])[0]

    def transform(self, tensors: list[torch.Tensor], relabel: list[bool]) -> list[torch.Tensor]:
        """One random symmetry per row applied alike to every [B, N] tensor of `tensors`:
        cells moved (row and column permutations within bands and stacks, band and stack
        orders, transposition for square boxes), values relabelled where `relabel[k]`."""
        br, bc = self.box
        n = self.n
        size = tensors[0].shape[0]
        values = self._order(size, n)
        rows = (self._order(size, n // br)[:, :, None] * br + self._order(size, n // br, br)).view(size, n)
        cols = (self._order(size, n // bc)[:, :, None] * bc + self._order(size, n // bc, bc)).view(size, n)
        flip = self._rand(size, 1, 1) < 0.5 if br == bc else None
        out = []
        for t, relabelled in zip(tensors, relabel):
            g = (values.gather(1, t) if relabelled else t).view(size, n, n)
            g = g.gather(1, rows[:, :, None].expand(-1, -1, n)).gather(2, cols[:, None, :].expand(-1, n, -1))
            if flip is not None:
                g = torch.where(flip, g.transpose(1, 2), g)
            out.append(g.reshape(size, n * n))
        return out

    def _uniform(self, size: int, bounds: tuple[float, float]) -> torch.Tensor:
        lo, hi = bounds
        return lo + (hi - lo) * self._rand(size, 1)

    def batch(self, size: int):
        """(truth LongTensor[B, N], givens BoolTensor[B, N], shown LongTensor[B, N] tokens
        (MASK = n on masked cells), target BoolTensor[B, N]: masked and corrupted cells)."""
        c, n = self.curriculum, self.n
        truth = self.grids(size)
        u = self._rand(*truth.shape)
        given_rate = self._uniform(size, c.givens)
        givens = u < given_rate
        rest = (u - given_rate) / (1 - given_rate)  # uniform on [0, 1) again for non-givens
        mask_rate = self._uniform(size, c.masked)
        masked = ~givens & (rest < mask_rate)
        corrupted = ~givens & ~masked & (rest < mask_rate + self._uniform(size, c.corrupted))
        shuffled = self._box_shuffle(truth, corrupted)
        noise = torch.randint(n, truth.shape, generator=self.generator)
        within = self._rand(size, 1) < c.box_shuffle
        shown = torch.where(corrupted, torch.where(within, shuffled, noise), truth)
        return truth, givens, shown.masked_fill(masked, n), masked | corrupted

    def _box_shuffle(self, truth: torch.Tensor, chosen: torch.Tensor) -> torch.Tensor:
        """truth with the values of the `chosen` cells of every box randomly permuted among
        those cells (the others unchanged): LongTensor[B, N]."""
        size, n = truth.shape[0], self.n
        cells = self.boxes.reshape(-1)
        out = shuffle_within(truth[:, cells].view(size, n, n), chosen[:, cells].view(size, n, n),
                             self.generator)
        return truth.clone().index_copy_(1, cells, out.view(size, -1))


def shuffle_within(values: torch.Tensor, pick: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """values LongTensor[B, G, K] with the picked entries (BoolTensor[B, G, K]) of each group
    randomly permuted among themselves, the others unchanged."""
    k = values.shape[-1]
    position = torch.arange(k, dtype=torch.float)
    # picked entries first in both orders; the unpicked tail keeps its order in both
    ordered = torch.where(pick, position, position + k).argsort(-1)
    shuffled = torch.where(pick, torch.rand(values.shape, generator=generator), position + 2).argsort(-1)
    return values.scatter(2, ordered, values.gather(2, shuffled))


class ChainContexts:
    """Examples from the states penalty chains visit (early measurements: the states
    chains visit are the data that matters; docs/language-models.md). Generated unique puzzles run block-move chains at fixed
    temperatures from random starts; every recorded state is a context with the puzzle's
    givens, 0 to 3 whole boxes masked (as a block move masks them), and the truth asked
    at the masked cells and the open cells the chain has wrong. `stream` supplies the
    random symmetries, so the recorded puzzles are seen in ever new forms."""

    def __init__(self, stream: GridStream, seed: int, puzzles: int = 96, chains: int = 8,
                 betas: tuple[float, ...] = (1.0, 2.0, 4.0), sweeps: tuple[int, ...] = (2, 10, 40)):
        self.stream, n = stream, stream.n
        encoder = SudokuEncoder("full")
        with SudokuGenerator(stream.box, seed) as gen:
            made = [gen.generate() for _ in range(puzzles)]  # minimal: the hardest givens
        members = [(g, encoder.encode(g.puzzle)) for g in made]
        members = [(g, e, e.block_fillings()) for g, e in members if not e.clamp.all()]
        members = [m for m in members if m[2] is not None]
        first = members[0][1]
        sampler = GlauberSampler(PenaltyEnergy.from_encoded(first), [], SamplerConfig(chains=chains),
                                 "cpu", first.perm_groups, first.perm_group_classes(),
                                 stack_fillings([f for _, _, f in members]))
        allowed = torch.stack([e.allowed for _, e, _ in members])
        generator = torch.Generator().manual_seed(seed)
        states = torch.stack([sampler.sample(allowed, generator, k, beta).states
                              for beta in betas for k in sweeps], 1)  # [P, R, C, N]
        per = states.shape[1] * states.shape[2]
        self.states = states.reshape(-1, n * n)
        self.truth = torch.tensor([[v - 1 for v in g.solution.cells] for g, _, _ in members]
                                  ).repeat_interleave(per, 0)
        self.givens = torch.stack([e.clamp for _, e, _ in members]).repeat_interleave(per, 0)
        self.puzzles = len(members)

    def batch(self, size: int):
        """As `GridStream.batch`: (truth, givens, shown, target), each [size, N]."""
        stream, n = self.stream, self.stream.n
        pick = torch.randint(len(self.states), (size,), generator=stream.generator)
        truth, state, givens = stream.transform(
            [self.truth[pick], self.states[pick], self.givens[pick].long()], [True, True, False])
        givens = givens.bool()
        boxes = stream._rand(size, n).argsort(-1) < torch.randint(4, (size, 1), generator=stream.generator)
        masked = ~givens & boxes[:, stream.box_of]
        return truth, givens, state.masked_fill(masked, n), masked | (~givens & (state != truth))


def _inputs(cfg: TrainConfig, n: int, truth, givens, shown):
    """(input_ids, token_type_ids or None, first predicted position) for one batch."""
    if cfg.arch == "mlm":
        return shown, givens.long(), None
    bos = torch.full((len(truth), 1), n + 1)
    puzzle = truth.masked_fill(~givens, n)
    return torch.cat([bos, puzzle, truth], 1), None, 1 + n * n


def _loss_and_hits(model, cfg: TrainConfig, n: int, batch, attention, device):
    """Cross-entropy over the predicted cells and a BoolTensor of correct predictions."""
    truth, givens, shown, target = (t.to(device) for t in batch)
    ids, types, offset = _inputs(cfg, n, truth, givens, shown)
    extra = {} if attention is None else {"attention_mask": attention}
    if cfg.arch == "mlm":
        logits = model(input_ids=ids, token_type_ids=types, **extra).logits[..., :n][target]
        want = truth[target]
    else:
        logits = model(input_ids=ids, **extra).logits[:, offset - 1:-1, :n].reshape(-1, n)
        want = truth.reshape(-1)
    return torch.nn.functional.cross_entropy(logits, want), logits.argmax(-1) == want


class TextBatches:
    """Training examples through a checkpoint's own tokenizer (`encoders.lm_text`): the
    same truth, givens, shown and target cells as the project's models read, written as
    the checkpoint reads a board (masked LM: the cells, the mask token where masked, token
    type 1 on givens where it has types; causal LM: the puzzle as the prompt, then the
    solution)."""

    def __init__(self, card, box: tuple[int, int], device):
        n = box[0] * box[1]
        blank = SudokuEncoder("none").encode(Sudoku(box, (0,) * (n * n)))
        layout, values = sudoku_lm.sudoku_layout(card, [blank])
        self.card, self.n, self.device = card, n, device
        self.template, self.slots = layout.template.to(device), layout.slots.to(device)
        self.values = torch.tensor(values, device=device)
        self.table = torch.tensor(values + [lm_text.placeholder(card)], device=device)  # n: hidden
        graph = blank.graph()
        near = torch.zeros(n * n, n * n, dtype=torch.bool)
        edges = torch.tensor(list(graph.edges), dtype=torch.long)
        near[edges[:, 0], edges[:, 1]] = near[edges[:, 1], edges[:, 0]] = True
        self.attention = (lm_text.attention(layout, near, card["arch"])[None, None].to(device)
                          if card.get("attention") == "graph" else None)

    def loss_and_hits(self, model, batch):
        truth, givens, shown, target = (t.to(self.device) for t in batch)
        ids = self.template.expand(len(truth), -1).clone()
        extra = {} if self.attention is None else {"attention_mask": self.attention}
        if self.card["arch"] == "mlm":
            ids[:, self.slots] = self.table[shown]
            if self.card.types:
                types = torch.zeros_like(ids)
                types[:, self.slots] = givens.long()
                extra["token_type_ids"] = types
            logits = model(input_ids=ids, **extra).logits[:, self.slots][..., self.values][target]
            want = truth[target]
        else:
            prompt = self.slots - self.n * self.n  # the puzzle's cells, before the grid
            ids[:, prompt] = self.table[truth.masked_fill(~givens, self.n)]
            ids[:, self.slots] = self.values[truth]
            logits = model(input_ids=ids, **extra).logits[:, self.slots - 1][..., self.values]
            logits, want = logits.reshape(-1, self.n), truth.reshape(-1)
        return torch.nn.functional.cross_entropy(logits, want), logits.argmax(-1) == want


def train(cfg: TrainConfig, out, device="cpu", progress=None) -> dict:
    """Train a Sudoku LM and save it (`encoders.lm.save`); with cfg.init_from, fine-tune
    that checkpoint (`fine_tune`). progress(k, loss) after each step. Returns the card."""
    if cfg.init_from:
        return fine_tune(cfg, out, device, progress)
    torch.manual_seed(cfg.seed)
    n = cfg.box[0] * cfg.box[1]
    start = time.perf_counter()
    stream = GridStream(cfg.box, cfg.seed)
    contexts = ChainContexts(stream, cfg.seed) if cfg.chain_share else None
    from_chains = round(cfg.batch * cfg.chain_share)
    heldout = GridStream(cfg.box, cfg.seed + 10 ** 6).batch(512)  # other grids, other draws
    model = sudoku_lm.new_model(cfg.arch, n, cfg.hidden, cfg.layers, cfg.heads).to(device)
    graph = SudokuEncoder().encode(Sudoku(cfg.box, (0,) * (n * n))).graph()
    attention = (graph_attention(graph, cfg.arch)[None, None].to(device)
                 if cfg.attention == "graph" else None)

    def step_loss():
        batch = stream.batch(cfg.batch - from_chains)
        if contexts is not None and from_chains:
            batch = [torch.cat(pair) for pair in zip(batch, contexts.batch(from_chains))]
        return _loss_and_hits(model, cfg, n, batch, attention, device)[0]

    optimise(model, cfg.steps, cfg.lr, step_loss, progress)
    seconds = time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        _, hits = _loss_and_hits(model, cfg, n, heldout, attention, device)
    hits = hits.cpu()
    figures = {"examples": len(heldout[0])}
    if cfg.arch == "mlm":
        masked = (heldout[2] == n)[heldout[3]]  # among the target cells
        figures.update(target_cell_accuracy=share(hits), masked_cell_accuracy=share(hits[masked]),
                       corrupted_cell_accuracy=share(hits[~masked]))
    else:
        figures["next_cell_accuracy_teacher_forced"] = share(hits)
    if contexts is not None:  # other puzzles, other chains
        held = ChainContexts(GridStream(cfg.box, cfg.seed + 10 ** 6), cfg.seed + 10 ** 6, puzzles=24)
        with torch.no_grad():
            _, chain_hits = _loss_and_hits(model, cfg, n, held.batch(512), attention, device)
        figures["chain_state_accuracy"] = share(chain_hits.cpu())
    card = {"kind": "sudoku", "vocabulary": "glauber", **asdict(cfg),
            "box": list(cfg.box), **run_facts(model, seconds, device),
            "data": f"{stream.curriculum.pool} SAT-generated solved grids under random "
                    f"symmetries; {asdict(stream.curriculum)}; loss on "
                    + ("masked and corrupted cells" if cfg.arch == "mlm" else "every grid token "
                       "given the givens as the prompt")
                    + (f"; {cfg.chain_share:.0%} of each batch from states of penalty block-move "
                       f"chains on {contexts.puzzles} generated minimal "
                       "puzzles (masked boxes and the cells the chains had wrong)"
                       if contexts is not None else ""),
            "heldout": figures}
    lm.save(model, card, out)
    return card


def fine_tune(cfg: TrainConfig, out, device="cpu", progress=None) -> dict:
    """Fine-tune a local checkpoint (`encoders.lm.load`: any masked or causal LM with its
    tokenizer, or a project model) on generated grids, the paper's recipe: a pretrained
    LM made into a puzzle energy. Saves the model (and its tokenizer) with a card that
    `--model` reads. Returns the card."""
    torch.manual_seed(cfg.seed)
    n = cfg.box[0] * cfg.box[1]
    start = time.perf_counter()
    model, base = lm.load(cfg.init_from, device)
    if getattr(base, "tokenizer", None) is None:  # a project model: its own vocabulary
        if base.get("kind") != "sudoku" or tuple(base["box"]) != tuple(cfg.box):
            raise ConfigError(f"{cfg.init_from}: a model for {base.get('kind')} with box "
                              f"{base.get('box')}, not Sudoku with box {cfg.box[0]}x{cfg.box[1]}")
        cfg = replace(cfg, arch=base["arch"], attention=base.get("attention", "full"))
        graph = SudokuEncoder().encode(Sudoku(cfg.box, (0,) * (n * n))).graph()
        attention = (graph_attention(graph, cfg.arch)[None, None].to(device)
                     if cfg.attention == "graph" else None)
        loss_and_hits = lambda b: _loss_and_hits(model, cfg, n, b, attention, device)  # noqa: E731
    else:
        cfg = replace(cfg, arch=base["arch"], attention=base["attention"])
        batches = TextBatches(base, cfg.box, device)
        loss_and_hits = lambda b: batches.loss_and_hits(model, b)  # noqa: E731
    stream = GridStream(cfg.box, cfg.seed)
    heldout = GridStream(cfg.box, cfg.seed + 10 ** 6).batch(512)
    optimise(model, cfg.steps, cfg.lr, lambda: loss_and_hits(stream.batch(cfg.batch))[0], progress)
    seconds = time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        _, hits = loss_and_hits(heldout)
    hits = hits.cpu()
    figures = {"examples": len(heldout[0])}
    if cfg.arch == "mlm":
        masked = (heldout[2] == n)[heldout[3]]
        figures.update(target_cell_accuracy=share(hits), masked_cell_accuracy=share(hits[masked]),
                       corrupted_cell_accuracy=share(hits[~masked]))
    else:
        figures["next_cell_accuracy_teacher_forced"] = share(hits)
    card = {key: value for key, value in base.items() if key not in ("heldout", "data")}
    card.update({"kind": "sudoku", **asdict(cfg), "box": list(cfg.box),
                 "init_from": str(cfg.init_from), **run_facts(model, seconds, device),
                 "data": f"{stream.curriculum.pool} SAT-generated solved grids under random "
                         f"symmetries; {asdict(stream.curriculum)}; fine-tuned from "
                         f"{cfg.init_from}", "heldout": figures})
    for key in ("hidden", "layers", "heads", "chain_share"):  # the checkpoint's, not ours
        card.pop(key, None)
    lm.save(model, card, out)
    if getattr(base, "tokenizer", None) is not None:
        base.tokenizer.save_pretrained(out)
    return card


def run_facts(model, seconds: float, device) -> dict:
    """What every model card records of its training run."""
    return {"train_seconds": round(seconds, 1), "device": str(device),
            "torch_threads": torch.get_num_threads(),
            "parameters": sum(p.numel() for p in model.parameters())}


def optimise(model, steps: int, lr: float, step_loss, progress=None) -> None:
    """AdamW with linear warm-up and cosine decay, gradients clipped at 1: `steps` times
    step_loss() -> scalar loss tensor; progress(1, loss) after each step."""
    if next(model.parameters()).device.type == "cpu":
        torch.set_flush_denormal(True)  # a plateau of denormals slowed CPU training ~10x
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    warmup = max(1, steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (
        1 + math.cos(math.pi * min(s, steps) / steps)))
    model.train()
    for _ in range(steps):
        loss = step_loss()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if progress:
            progress(1, loss.item())


def share(hits: torch.Tensor) -> float:
    """The share of True in a BoolTensor, rounded for a model card (0 when empty)."""
    return round(float(hits.float().mean()), 4) if hits.numel() else 0.0
