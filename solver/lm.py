"""Language-model energies and their weighted sum with the penalty energy.

Both LM energies read a chain's state as a token sequence: site i holds value x_i, written
as token `vocab.values[x_i]`; a blank/masked site is `vocab.mask`. Conditioning (which
sites are givens) goes in as token type ids, one row per problem (`LMVocabulary`).
Structure goes in as an additive attention mask `attention` FloatTensor[L, L] (0 where
token q may attend to token k, -inf elsewhere) shared by every sequence: the puzzle's
constraint graph, so a cell reads only its peers (`encoders.attention.graph_attention`).

- `MaskedLMEnergy` (pseudo-Gibbs): the conditional of a set of sites is the MLM's
  prediction with exactly those sites masked, from one forward pass per block; an
  approximation to a joint energy, exact only if the model's conditionals are consistent.
  Swap moves read its denoising conditionals (every site predicted with the state shown)
  from one pass per sweep.
- `CausalLMEnergy`: E(x) = -log p(x) under a causal LM. The conditional of a site is
  exact: every allowed value is scored, batched, and only the suffix from that site on
  is recomputed (the prefix's key/value cache is shared across the candidates).

Both are `solver.interfaces.Energy` terms; `solver.weighted.WeightedSum` adds them to
the penalty.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import torch

from solver.interfaces import BaseEnergy, exchange_delta
from solver.moves import gumbel_sample


@dataclass(frozen=True)
class LMVocabulary:
    """How states become model inputs."""

    values: tuple[int, ...]  # token id of each value index 0..V-1
    mask: int  # token id of a masked / blank site
    bos: int | None = None  # token prepended to every sequence (causal LMs need one)


class MaskedLMEnergy(BaseEnergy):
    """Conditional logits from an `AutoModelForMaskedLM`-style model (pseudo-Gibbs).

    Per-problem conditioning (the sampler tells which problem each chain belongs to via
    `owner`): token_types LongTensor[P, N] (e.g. 1 on givens; or [P, L] over the whole
    sequence, prompt included), prompts LongTensor[P, L - N] (token ids written before the
    sites, e.g. the puzzle itself) and positions LongTensor[P, L] (position ids, when the
    model's positions are not the sequence order, e.g. the house numbers of Zebra clues).

    refresh k > 1 amortises forward passes: the conditionals of a set of sites updated
    together in every chain (a colour class, a class of boxes) are computed once and
    reused for the next k - 1 requests, i.e. refreshed every k sweeps. The chain then
    follows a slightly stale LM term; the penalty term is always exact.
    """

    def __init__(self, model, vocab: LMVocabulary, token_types: torch.Tensor | None = None,
                 prompts: torch.Tensor | None = None, device="cpu", batch: int = 4096,
                 attention: torch.Tensor | None = None, refresh: int = 1,
                 positions: torch.Tensor | None = None, template: torch.Tensor | None = None,
                 slots: torch.Tensor | None = None):
        self.model, self.vocab, self.device, self.batch = model.eval(), vocab, torch.device(device), batch
        self.values = torch.tensor(vocab.values, device=self.device)
        # [1, 1, L, L]: transformers passes a prepared 4-D float mask through unchanged
        self.attention = None if attention is None else attention.to(self.device)[None, None]
        self.token_types = None if token_types is None else token_types.to(self.device)
        self.positions = None if positions is None else positions.to(self.device)
        self.prompts = None if prompts is None else prompts.to(self.device)
        self.shift = (vocab.bos is not None) + (0 if prompts is None else prompts.shape[1])
        # a text layout: whole sequences LongTensor[P, L] with the sites at `slots`
        # LongTensor[N] (written over the template); bos and prompts are then unused
        self.template = None if template is None else template.to(self.device)
        self.slots = None if slots is None else slots.to(self.device)
        self.owner: torch.Tensor | None = None  # LongTensor[B]: problem of each chain (`bind`)
        self.refresh = refresh
        self._memo: dict[tuple, list] = {}  # site set -> [uses, FloatTensor[B, S, V]]
        self._denoised: list | None = None  # [sweep computed, FloatTensor[B, N, V]]
        self._sweeps = 0  # sweeps seen (`tick`)

    def _owner(self, b: int) -> torch.Tensor:
        return self.owner if self.owner is not None and len(self.owner) == b else \
            torch.zeros(b, dtype=torch.long, device=self.device)

    def inputs(self, x: torch.Tensor, masked: torch.Tensor | None = None,
               owner: torch.Tensor | None = None) -> torch.Tensor:
        """input_ids LongTensor[B, shift + N]: [bos] [prompt] value tokens, with `masked`
        sites (LongTensor[B, S] indices or BoolTensor[B, N]) replaced by the mask token;
        owner: problem per chain."""
        ids = self.site_ids(x, masked)
        if self.template is not None and self.slots is not None:
            return self.template[self._owner(len(x)) if owner is None else owner].index_copy(
                1, self.slots, ids)
        if self.prompts is not None:
            ids = torch.cat([self.prompts[self._owner(len(x)) if owner is None else owner], ids], 1)
        if self.vocab.bos is not None:
            ids = torch.cat([torch.full_like(ids[:, :1], self.vocab.bos), ids], 1)
        return ids

    def site_ids(self, x: torch.Tensor, masked: torch.Tensor | None = None) -> torch.Tensor:
        """The sites' tokens LongTensor[B, N]: each value's token, MASK at `masked` sites."""
        ids = self.values[x]
        if masked is not None and masked.dtype == torch.bool:
            return ids.masked_fill(masked, self.vocab.mask)
        return ids if masked is None else ids.scatter(1, masked, self.vocab.mask)

    def site_logp(self, x: torch.Tensor, masked: torch.Tensor | None = None,
                  owner: torch.Tensor | None = None) -> torch.Tensor:
        """log p(x_s = v) for every site from one pass with `masked` sites masked:
        FloatTensor[B, N, V], normalised per site here (a subclass may read them off
        another normalisation, e.g. `encoders.zebra_lm.ZebraLMEnergy`)."""
        out = self._read(self._forward(self.inputs(x, masked, owner), owner))
        return torch.log_softmax(out[..., self.values], -1)

    def _read(self, out: torch.Tensor) -> torch.Tensor:
        """The sites' rows of a sequence output [B, L, ...] -> [B, N, ...]."""
        return out[:, self.slots] if self.slots is not None else out[:, self.shift:]

    def _mask(self, length: int, start: int = 0) -> torch.Tensor | None:
        """The attention rows of positions start..length-1 (keys 0..length-1)."""
        return None if self.attention is None else self.attention[..., start:length, :length]

    @torch.inference_mode()
    def _forward(self, ids: torch.Tensor, owner: torch.Tensor | None = None, **kwargs) -> torch.Tensor:
        """Model logits FloatTensor[B, L, vocab], in slices of `batch` sequences (bf16
        autocast on CUDA, where it doubles the rate; fp32 on the CPU)."""
        owner = self._owner(len(ids)) if owner is None else owner
        out = []
        for k in range(0, len(ids), self.batch):
            extra = dict(kwargs)
            if self.token_types is not None:
                types = self.token_types[owner[k:k + self.batch]]
                pad = ids.shape[1] - types.shape[1]
                extra["token_type_ids"] = torch.cat([torch.zeros_like(types[:, :pad]), types], 1)
            if self.positions is not None:
                extra["position_ids"] = self.positions[owner[k:k + self.batch]]
            if self.attention is not None and "attention_mask" not in extra:
                extra["attention_mask"] = self._mask(ids.shape[1])
            with torch.autocast("cuda", torch.bfloat16, enabled=self.device.type == "cuda"):
                out.append(self.model(input_ids=ids[k:k + self.batch], **extra).logits.float())
        return torch.cat(out)

    def prepare(self, x):
        """No cache; chains start afresh, so reused conditionals are dropped."""
        self.forget()
        return None

    def bind(self, owner: torch.Tensor) -> None:
        self.owner = owner

    def at_age(self, age: torch.Tensor) -> None:
        self.tick()

    def select(self, cache, keep):
        self.reorder(keep)
        return cache

    def prior(self, x: torch.Tensor, open_sites: torch.Tensor) -> torch.Tensor:
        """The model's reading of the puzzle with its open sites masked (`site_logp`)."""
        return self.site_logp(x, open_sites)

    def logits(self, x, cache, sites):
        """log p(x_s = v | unmasked rest) for each site: FloatTensor[B, S, V] (reused for
        `refresh` requests when every chain asks for the same sites)."""
        if self.refresh <= 1 or not bool((sites == sites[:1]).all()):
            return self._conditionals(x, sites)
        key = tuple(sites[0].tolist())
        hit = self._memo.get(key)
        if hit is None or hit[0] >= self.refresh or hit[1].shape[0] != len(x):
            hit = self._memo[key] = [0, self._conditionals(x, sites)]
        hit[0] += 1
        return hit[1]

    def reorder(self, keep: torch.Tensor) -> None:
        """Chains were filtered or permuted (keep: LongTensor of chain indices): keep the
        reused conditionals with their chains."""
        for hit in [*self._memo.values(), *([self._denoised] if self._denoised else [])]:
            hit[1] = hit[1][keep]

    def forget(self) -> None:
        """Drop reused conditionals (chains restarted from new states)."""
        self._memo.clear()
        self._denoised = None

    def _conditionals(self, x, sites):
        logp = self.site_logp(x, sites)
        # renormalised over values per site: a no-op here, needed where site_logp is not
        return torch.log_softmax(logp.gather(1, sites.unsqueeze(-1).expand(-1, -1, logp.shape[-1])), -1)

    @torch.inference_mode()
    def unmask(self, mask: torch.Tensor, owner: torch.Tensor, neighbours: torch.Tensor,
               generator: torch.Generator, per_pass: int = 4,
               temperature: float = 1.0) -> torch.Tensor:
        """States drawn by iterative unmasking, as a masked-diffusion model decodes: from
        the sites with one allowed value, each pass fills, in every chain, the `per_pass`
        most confident open sites, each with a draw from the model's conditional at
        `temperature` among the allowed values no filled neighbour holds (any allowed
        value where none is left). Filling every cell above a confidence threshold at
        once saved a quarter of the time but started chains worse (top1465, median 69
        sweeps to a solution against 12). mask FloatTensor[P, N, V] (0 / -inf), owner
        LongTensor[B], neighbours LongTensor[N, D] (site ids, padded with N) ->
        LongTensor[B, N]."""
        allowed = mask[owner] == 0  # [B, N, V]
        b, n, v = allowed.shape
        filled = allowed.sum(-1) == 1
        x = allowed.float().argmax(-1)
        pad = torch.full((b, 1), v, device=x.device)
        while not filled.all():
            logp = self.site_logp(x, ~filled, owner)
            held = torch.cat([x.masked_fill(~filled, v), pad], 1)[:, neighbours]  # [B, N, D]
            taken = torch.zeros(b, n, v + 1, device=x.device).scatter_(2, held, 1.0)[..., :v] > 0
            ok = allowed & ~taken
            scores = logp.masked_fill(~torch.where(ok.any(-1, keepdim=True), ok, allowed), float("-inf"))
            best = scores.max(-1).values.masked_fill(filled, float("-inf"))
            chosen = torch.zeros_like(filled).scatter_(1, best.topk(min(per_pass, n), -1).indices, True)
            chosen &= best > float("-inf")  # chains with fewer open sites than per_pass
            x = torch.where(chosen, gumbel_sample(scores / temperature, generator), x)
            filled |= chosen
        return x

    def tick(self) -> None:
        """A sweep begins (`WeightedSum.at_age`): reused conditionals age by one sweep."""
        self._sweeps += 1

    def _denoising(self, x: torch.Tensor) -> torch.Tensor:
        """log p(x_s = v | the whole state shown) for every site, FloatTensor[B, N, V], from
        one unmasked pass, reused for `refresh` sweeps."""
        hit = self._denoised
        if hit is None or self._sweeps - hit[0] >= self.refresh or hit[1].shape[0] != len(x):
            hit = self._denoised = [self._sweeps, self.site_logp(x)]
        return hit[1]

    def swap_delta(self, x, cache, i, j):
        """dE of exchanging x_i and x_j (i, j LongTensor[B, S]), read off the model's
        denoising conditionals: every site predicted with the whole state shown (the
        model learned to correct corrupted cells), so one pass serves all of a sweep's
        proposals, and `refresh` sweeps. Masking each proposed pair instead took a pass
        per proposal round: a sweep of 8x8 Zebra cost 4 s, some 400 penalty sweeps."""
        lg = self._denoising(x)
        v = lg.shape[-1]
        return exchange_delta(lg.gather(1, i[..., None].expand(-1, -1, v)),
                         lg.gather(1, j[..., None].expand(-1, -1, v)), x.gather(1, i), x.gather(1, j))

class CausalLMEnergy(MaskedLMEnergy):
    """E(x) = -log p(sites | bos, prompt) under an `AutoModelForCausalLM`-style model: the
    sum, over the sites' positions, of the log-probability of each site's token given
    everything before it (tokens of a text layout between sites are read, not scored).

    The exact conditional of site s over values v is softmax_v(log p(x with x_s = v));
    tokens before s do not depend on v, so their key/value cache is computed once per
    chain and shared by the V candidate suffixes. The cache is used only through the
    public forward arguments (`cache=` or, in older transformers, `past_key_values=`) and
    the cache object's own `batch_repeat_interleave`; where a model or version offers
    neither, the candidates are scored whole (same numbers, more compute).
    """

    def __init__(self, model, vocab: LMVocabulary, prompts: torch.Tensor | None = None,
                 device="cpu", batch: int = 4096, attention: torch.Tensor | None = None,
                 template: torch.Tensor | None = None, slots: torch.Tensor | None = None):
        if vocab.bos is None and prompts is None and template is None:
            raise ValueError("a causal LM energy needs a bos token or a prompt")
        super().__init__(model, vocab, None, prompts, device, batch, attention,
                         template=template, slots=slots)
        self.cache_arg = _cache_argument(model)  # None: score candidates whole

    @torch.inference_mode()
    def _site_scores(self, ids: torch.Tensor, slots: torch.Tensor,
                     owner: torch.Tensor | None = None) -> torch.Tensor:
        """log p of each site's token given what precedes it: FloatTensor[B, N]."""
        logp = torch.log_softmax(self._forward(ids, owner)[:, slots - 1], -1)
        return logp.gather(-1, ids[:, slots].unsqueeze(-1)).squeeze(-1)

    @torch.inference_mode()
    def sequence_logp(self, x: torch.Tensor, owner: torch.Tensor | None = None) -> torch.Tensor:
        """log p of the sites' tokens given bos and prompt: FloatTensor[B]."""
        ids = self.inputs(x, owner=owner)
        return self._site_scores(ids, self._slots_of(ids), owner).sum(1)

    @torch.inference_mode()
    def _teacher(self, ids: torch.Tensor, owner: torch.Tensor | None = None) -> torch.Tensor:
        """log p(site token = value v | everything before it) at every site, over the value
        tokens: FloatTensor[B, N, V]."""
        slots = self._slots_of(ids)
        out = self._forward(ids, owner)[:, slots - 1]
        return torch.log_softmax(out[..., self.values], -1)

    def _slots_of(self, ids: torch.Tensor) -> torch.Tensor:
        return self.slots if self.slots is not None else \
            torch.arange(self.shift, ids.shape[1], device=ids.device)

    @torch.inference_mode()
    def site_logp(self, x: torch.Tensor, masked: torch.Tensor | None = None,
                  owner: torch.Tensor | None = None) -> torch.Tensor:
        """A causal LM's reading of a partial state, FloatTensor[B, N, V]: the `masked`
        sites are first filled in sequence order by the model's own greedy choice given
        the prompt and the sites before them; then each site's conditional given the
        prompt and the sites before it (one pass per masked site, one more at the end).
        With nothing masked: one teacher-forced pass. This is the prior the constructive
        search reads (`encoders.construction.term_prior`)."""
        owner = self._owner(len(x)) if owner is None else owner
        ids = self.inputs(x, masked, owner)
        slots = self._slots_of(ids)
        blank = ids[:, slots] == self.vocab.mask  # [B, N]
        for k in range(len(slots)):
            if blank[:, k].any():
                best = self.values[self._teacher(ids, owner)[:, k].argmax(-1)]
                ids[:, slots[k]] = torch.where(blank[:, k], best, ids[:, slots[k]])
        return self._teacher(ids, owner)

    @torch.inference_mode()
    def _site_logits(self, x: torch.Tensor, owner: torch.Tensor, site: int) -> torch.Tensor:
        """log p(x with x_site = v) + const for every chain and value: FloatTensor[B, V]."""
        ids = self.inputs(x, owner=owner)
        slots = self._slots_of(ids)
        col = int(slots[site])
        if self.cache_arg is not None:
            try:
                return self._cached_site_logits(ids, slots, col)
            except (AttributeError, TypeError, ValueError, RuntimeError, NotImplementedError):
                self.cache_arg = None  # this model or version: score the candidates whole
        return self._whole_site_logits(ids, slots, col)

    def _whole_site_logits(self, ids, slots, col):
        b, v = len(ids), len(self.values)
        variants = ids.repeat_interleave(v, 0)
        variants[:, col] = self.values.repeat(b)
        later = slots[slots >= col]
        return self._site_scores(variants, later).sum(1).view(b, v)

    def _cached_site_logits(self, ids, slots, col):
        b, length = ids.shape
        v = len(self.values)
        past = self.model(input_ids=ids[:, :col], use_cache=True, attention_mask=self._mask(col))
        first = torch.log_softmax(past.logits[:, -1].float(), -1)[:, self.values]  # p(v | prefix)
        later = slots[slots > col] - col  # the other sites' places in the suffix
        if len(later) == 0:
            return first
        suffix = ids[:, col:].repeat_interleave(v, 0)
        suffix[:, 0] = self.values.repeat(b)
        cache = _repeat_cache(_output_cache(past), v)
        out = self.model(input_ids=suffix, attention_mask=self._mask(length, col),
                         **{self.cache_arg: cache}).logits.float()
        logp = torch.log_softmax(out[:, later - 1], -1).gather(-1, suffix[:, later].unsqueeze(-1))
        return first + logp.squeeze(-1).sum(1).view(b, v)

    def logits(self, x, cache, sites):
        """Exact conditionals, one batched scoring per distinct site: FloatTensor[B, S, V]."""
        out = torch.empty(*sites.shape, len(self.values), device=x.device)
        for k in range(sites.shape[1]):
            column = sites[:, k]
            owner = self._owner(len(x))
            for site in column.unique().tolist():  # chains may be updating different sites
                rows = (column == site).nonzero().squeeze(1)
                out[rows, k] = torch.log_softmax(self._site_logits(x[rows], owner[rows], site), -1)
        return out

    def swap_delta(self, x, cache, i, j):
        """Exact dE of exchanging x_i and x_j: both sites' exact conditionals."""
        b, s = i.shape
        lg = self.logits(x, cache, torch.stack([i, j], -1).view(b, 2 * s)).view(b, s, 2, -1)
        return exchange_delta(lg[:, :, 0], lg[:, :, 1], x.gather(1, i), x.gather(1, j))

    def energy(self, x, cache):
        return -self.sequence_logp(x)


def _cache_argument(model) -> str | None:
    """The forward argument that takes a key/value cache ('cache' in transformers 5,
    'past_key_values' before), or None."""
    try:
        names = inspect.signature(model.forward).parameters
    except (TypeError, ValueError):
        return None
    return next((a for a in ("cache", "past_key_values") if a in names), None)


def _output_cache(out):
    """The key/value cache of a forward output, under either version's name."""
    for name in ("cache", "past_key_values"):
        cache = out.get(name) if hasattr(out, "get") else getattr(out, name, None)
        if cache is not None:
            return cache
    raise AttributeError("the model returned no key/value cache")


def _repeat_cache(cache, v: int):
    """Every cached sequence repeated v times in place of one (batch b -> b * v)."""
    if hasattr(cache, "batch_repeat_interleave"):
        cache.batch_repeat_interleave(v)
        return cache
    if isinstance(cache, (tuple, list)):  # the legacy layout: per layer (key, value)
        return tuple(tuple(t.repeat_interleave(v, 0) for t in layer) for layer in cache)
    raise AttributeError(f"cannot repeat a {type(cache).__name__}")
