"""Constructive chains: sites filled in turn from a learned field, with propagation after
every choice (an ant colony system in the manner of Lloyd & Amos's Sudoku ACS, for any
puzzle given as all-different groups and pairwise factors).

One construction visits the sites in index order from a random start site. At each open
site it draws a value from the site's field `tau[site]` restricted to the candidates left
(with probability `greedy` it takes the highest-field candidate instead), fixes it, and
propagates to a fixpoint: the value leaves the candidates of the site's group peers, pair
factors keep only the values compatible with it (forward checking), a site left with one
candidate is fixed, and so is a value with one place left in a full group (a hidden
single). A site left with no candidate stays empty: the construction ends as a partial
assignment, scored by its number of fixed sites. Every fixed set is consistent (a value
is fixed only if no fixed peer holds it and every fixed pair neighbour admits it).

Learning across constructions: after each round of `ants` constructions the best-so-far
one deposits `rho * best` on the field of its (site, value) choices, its deposit `best =
N / (N - fixed)` evaporating by `evaporation` a round; every choice also pulls its field
entry back toward tau0 by `local` (diversity within a round). The field starts at tau0
times an optional prior (a language model's conditionals).

Propagation never removes a value some solution uses: it removes only values that a fixed
site's groups or factors forbid, so a construction whose choices agree with a solution
reaches that solution (tests check this). The kernel is compiled with numba: propagation
is sequential and data-dependent, thousands of constructions a second on one CPU core.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numba
import numpy as np
import torch

from solver.config import ColonyConfig

U1 = np.uint64(1)
_SP, _FIXED, _FAILED, _GQ = 0, 1, 2, 3  # counters in `cnt`


@dataclass(frozen=True)
class Structure:
    """A puzzle's constraints as flat arrays the kernel reads (numpy, CPU).

    groups int32[G, K] all-different site groups (full[g]: K == V, so every value has a
    place: hidden singles apply); site_groups CSR (group_ptr int32[N+1], group_idx);
    pair edges CSR per site (pair_ptr int32[N+1], pair_other int32[E], pair_support
    uint64[E, V]: bit b of pair_support[e, a] says the other site may take b when this
    one takes a); the same factors between the values of full groups seen as entities
    placed at a position of their group (Zebra: an entity's house), value (g, a) has id
    g*V + a: entity edges CSR (entity_ptr int32[G*V+1], entity_other int32[E2],
    entity_support uint64[E2, K]: bit q of entity_support[e, p] says the other entity
    may stand at position q when this one stands at p). Site factors prune a site only
    once its neighbour is fixed; the entity view prunes where an entity can go as soon
    as its partner's places shrink (a clue's arc consistency)."""

    values: int
    groups: np.ndarray
    full: np.ndarray
    group_ptr: np.ndarray
    group_idx: np.ndarray
    pair_ptr: np.ndarray
    pair_other: np.ndarray
    pair_support: np.ndarray
    entity_ptr: np.ndarray
    entity_other: np.ndarray
    entity_support: np.ndarray

    @classmethod
    def from_tensors(cls, sites: int, values: int, groups: torch.Tensor,
                     pair_sites: torch.Tensor | None = None,
                     pair_tables: torch.Tensor | None = None) -> "Structure":
        """groups LongTensor[G, K]; pair_sites LongTensor[F, 2] and pair_tables
        FloatTensor[F, V, V] (penalty of (x_i, x_j); zero = compatible)."""
        if values > 64:
            raise ValueError(f"constructive chains handle up to 64 values per site, not {values}")
        g = groups.cpu().numpy().astype(np.int32).reshape(groups.shape[0], -1)
        owners: list[list[int]] = [[] for _ in range(sites)]
        for k, members in enumerate(g.tolist()):
            for s in members:
                owners[s].append(k)
        group_ptr = np.cumsum([0] + [len(o) for o in owners]).astype(np.int32)
        group_idx = np.array([k for o in owners for k in o], dtype=np.int32)
        edges: list[list[tuple[int, np.ndarray]]] = [[] for _ in range(sites)]
        if pair_sites is not None and pair_tables is not None and pair_sites.shape[0]:
            ok = (pair_tables.cpu().numpy() == 0)  # [F, V, V]
            weights = (U1 << np.arange(values, dtype=np.uint64))
            fwd = (ok * weights[None, None, :]).sum(2).astype(np.uint64)  # [F, V]: j given i
            bwd = (ok * weights[None, :, None]).sum(1).astype(np.uint64)  # i given j
            for f, (i, j) in enumerate(pair_sites.tolist()):
                edges[i].append((j, fwd[f]))
                edges[j].append((i, bwd[f]))
        pair_ptr = np.cumsum([0] + [len(e) for e in edges]).astype(np.int32)
        pair_other = np.array([j for e in edges for j, _ in e], dtype=np.int32)
        pair_support = (np.stack([s for e in edges for _, s in e]) if pair_ptr[-1]
                        else np.zeros((0, values), dtype=np.uint64))
        full = np.array([g.shape[1] == values] * g.shape[0], dtype=np.bool_)
        entities = _entity_edges(g, full, values, pair_sites, pair_tables)
        return cls(values, g, full, group_ptr, group_idx, pair_ptr, pair_other, pair_support,
                   *entities)

    @classmethod
    def from_encoded(cls, enc) -> "Structure":
        """From an `encoders.Encoded` (duck-typed: solver/ never imports encoders)."""
        return cls.from_tensors(enc.sites, enc.values, enc.groups, enc.pair_sites, enc.pair_tables)

    def propagate(self, dom0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Candidates after fixing dom0's singles and propagating, as every construction
        starts: (candidate bitmasks uint64[N], fixed values int32[N], -1 where open)."""
        dom, val, _, _, _ = _start(dom0, *self.arrays())
        return dom, val

    def arrays(self) -> tuple:
        return (self.groups, self.full, self.group_ptr, self.group_idx, self.pair_ptr,
                self.pair_other, self.pair_support, self.entity_ptr, self.entity_other,
                self.entity_support)


def _entity_edges(groups: np.ndarray, full: np.ndarray, values: int, pair_sites, pair_tables):
    """(entity_ptr, entity_other, entity_support) of `Structure` from the pair factors
    between sites of full groups: entity (g, a) at position p and entity (h, b) at q are
    incompatible when a factor bans value a at groups[g][p] with b at groups[h][q]."""
    n_ent = groups.shape[0] * values
    k = groups.shape[1]
    banned: dict[tuple[int, int], set[tuple[int, int]]] = {}
    if pair_sites is not None and pair_sites.shape[0] and full.all():
        where = {int(s): (gi, p) for gi, row in enumerate(groups.tolist()) for p, s in enumerate(row)}
        tables = pair_tables.cpu().numpy()
        for f, (i, j) in enumerate(pair_sites.tolist()):
            if i not in where or j not in where:
                continue
            (gi, p), (gj, q) = where[i], where[j]
            for a, b in zip(*np.nonzero(tables[f])):
                ea, eb = gi * values + int(a), gj * values + int(b)
                if ea != eb:
                    banned.setdefault((ea, eb), set()).add((p, q))
                    banned.setdefault((eb, ea), set()).add((q, p))
    edges: list[list[tuple[int, np.ndarray]]] = [[] for _ in range(n_ent)]
    every = (U1 << np.uint64(k)) - U1 if k < 64 else np.uint64(2**64 - 1)
    for (ea, eb), pairs in sorted(banned.items()):
        support = np.full(k, every, dtype=np.uint64)
        for p, q in pairs:
            support[p] &= ~(U1 << np.uint64(q))
        edges[ea].append((eb, support))
    ptr = np.cumsum([0] + [len(e) for e in edges]).astype(np.int32)
    other = np.array([b for e in edges for b, _ in e], dtype=np.int32)
    support = np.stack([s for e in edges for _, s in e]) if ptr[-1] else np.zeros((0, k), dtype=np.uint64)
    return ptr, other, support


def domains(allowed: torch.Tensor, unary: torch.Tensor | None = None) -> np.ndarray:
    """Candidate bitmasks uint64[N] from allowed BoolTensor[N, V] (values with a unary
    penalty removed: no solution uses them)."""
    ok = allowed.cpu().numpy().astype(bool)
    if unary is not None:
        ok = ok & (unary.cpu().numpy() == 0)
    return (ok * (U1 << np.arange(ok.shape[1], dtype=np.uint64))).sum(1).astype(np.uint64)


@numba.njit(cache=True)
def _lowest(bits):
    """Index of the lowest set bit of a nonzero uint64."""
    v = 0
    while not (bits >> np.uint64(v)) & U1:
        v += 1
    return v


@numba.njit(cache=True)
def _fix(i, w, dom, val, placed, failed, stack, cnt, group_ptr, group_idx, pair_ptr,
         pair_other, pair_support):
    """Fix site i to value w if no fixed peer or pair neighbour forbids it (else the site
    fails: it stays empty), and queue its eliminations."""
    b = U1 << np.uint64(w)
    ok = True
    for p in range(group_ptr[i], group_ptr[i + 1]):
        if placed[group_idx[p]] & b:
            ok = False
    for e in range(pair_ptr[i], pair_ptr[i + 1]):
        j = pair_other[e]
        if val[j] >= 0 and not (pair_support[e, w] >> np.uint64(val[j])) & U1:
            ok = False
    if not ok:
        dom[i] = np.uint64(0)
        failed[i] = True
        cnt[_FAILED] += 1
        return
    val[i] = w
    dom[i] = b
    cnt[_FIXED] += 1
    for p in range(group_ptr[i], group_ptr[i + 1]):
        placed[group_idx[p]] |= b
    stack[cnt[_SP]] = i
    cnt[_SP] += 1


@numba.njit(cache=True)
def _propagate(dom, val, placed, failed, stack, cnt, queue, queued, groups, full, group_ptr,
               group_idx, pair_ptr, pair_other, pair_support, entity_ptr, entity_other,
               entity_support):
    """Run the queued eliminations to a fixpoint: naked singles fixed as they appear;
    for every full group whose candidates changed, hidden singles and the entity view
    (the places left to each of its values prune their partners' places)."""
    zero = np.uint64(0)
    while True:
        while cnt[_SP] > 0:
            cnt[_SP] -= 1
            i = stack[cnt[_SP]]
            w = val[i]
            b = U1 << np.uint64(w)
            for p in range(group_ptr[i], group_ptr[i + 1]):
                if not queued[group_idx[p]]:  # its other values lost this place
                    queued[group_idx[p]] = True
                    queue[cnt[_GQ]] = group_idx[p]
                    cnt[_GQ] += 1
                for k in groups[group_idx[p]]:
                    if val[k] < 0 and not failed[k] and dom[k] & b:
                        dom[k] &= ~b
                        _changed(k, dom, val, placed, failed, stack, cnt, queue, queued,
                                 group_ptr, group_idx, pair_ptr, pair_other, pair_support)
            for e in range(pair_ptr[i], pair_ptr[i + 1]):
                k = pair_other[e]
                if val[k] < 0 and not failed[k]:
                    d = dom[k] & pair_support[e, w]
                    if d != dom[k]:
                        dom[k] = d
                        _changed(k, dom, val, placed, failed, stack, cnt, queue, queued,
                                 group_ptr, group_idx, pair_ptr, pair_other, pair_support)
        if cnt[_GQ] == 0:
            return
        cnt[_GQ] -= 1
        g = queue[cnt[_GQ]]
        queued[g] = False
        if not full[g]:
            continue
        once, twice = zero, zero
        for k in groups[g]:
            if val[k] < 0 and not failed[k]:
                twice |= once & dom[k]
                once |= dom[k]
        single = once & ~twice & ~placed[g]
        while single:
            bit = single & (~single + U1)
            single ^= bit
            for k in groups[g]:
                if val[k] < 0 and not failed[k] and dom[k] & bit:
                    _fix(k, _lowest(bit), dom, val, placed, failed, stack, cnt, group_ptr,
                         group_idx, pair_ptr, pair_other, pair_support)
                    break
        values = (entity_ptr.shape[0] - 1) // groups.shape[0]  # entity ids are g * V + a
        for a in range(values):
            ea = g * values + a
            if entity_ptr[ea] == entity_ptr[ea + 1]:
                continue
            places = _places(groups[g], dom, a)
            for e in range(entity_ptr[ea], entity_ptr[ea + 1]):
                reach = zero
                for p in range(groups.shape[1]):
                    if (places >> np.uint64(p)) & U1:
                        reach |= entity_support[e, p]
                h, b = entity_other[e] // values, entity_other[e] % values
                bb = U1 << np.uint64(b)
                for q in range(groups.shape[1]):
                    k = groups[h, q]
                    if not (reach >> np.uint64(q)) & U1 and val[k] < 0 and not failed[k] and dom[k] & bb:
                        dom[k] &= ~bb
                        _changed(k, dom, val, placed, failed, stack, cnt, queue, queued,
                                 group_ptr, group_idx, pair_ptr, pair_other, pair_support)


@numba.njit(cache=True)
def _places(row, dom, a):
    """Positions of a group (its sites `row`) where value a is still a candidate."""
    out = np.uint64(0)
    for p in range(row.shape[0]):
        if (dom[row[p]] >> np.uint64(a)) & U1:
            out |= U1 << np.uint64(p)
    return out


@numba.njit(cache=True)
def _changed(k, dom, val, placed, failed, stack, cnt, queue, queued, group_ptr, group_idx,
             pair_ptr, pair_other, pair_support):
    """Site k lost candidates: it fails if none is left, is fixed if one is, and its
    groups are queued for hidden singles."""
    d = dom[k]
    if d == np.uint64(0):
        failed[k] = True
        cnt[_FAILED] += 1
    elif not d & (d - U1):
        _fix(k, _lowest(d), dom, val, placed, failed, stack, cnt, group_ptr, group_idx,
             pair_ptr, pair_other, pair_support)
    for p in range(group_ptr[k], group_ptr[k + 1]):
        g = group_idx[p]
        if not queued[g]:
            queued[g] = True
            queue[cnt[_GQ]] = g
            cnt[_GQ] += 1


@numba.njit(cache=True)
def _start(dom0, groups, full, group_ptr, group_idx, pair_ptr, pair_other, pair_support,
           entity_ptr, entity_other, entity_support):
    """The state every construction starts from: dom0's singles fixed and propagated.
    Returns (dom, val, placed, failed, cnt)."""
    n = dom0.shape[0]
    dom = dom0.copy()
    val = np.full(n, -1, dtype=np.int32)
    placed = np.zeros(groups.shape[0], dtype=np.uint64)
    failed = np.zeros(n, dtype=np.bool_)
    stack = np.empty(n, dtype=np.int32)
    cnt = np.zeros(4, dtype=np.int64)
    queue = np.empty(groups.shape[0], dtype=np.int32)
    queued = np.zeros(groups.shape[0], dtype=np.bool_)
    for i in range(n):
        if dom[i] == np.uint64(0):
            failed[i] = True
            cnt[_FAILED] += 1
        elif val[i] < 0 and not failed[i] and not dom[i] & (dom[i] - U1):
            _fix(i, _lowest(dom[i]), dom, val, placed, failed, stack, cnt, group_ptr,
                 group_idx, pair_ptr, pair_other, pair_support)
            _propagate(dom, val, placed, failed, stack, cnt, queue, queued, groups, full,
                       group_ptr, group_idx, pair_ptr, pair_other, pair_support, entity_ptr,
                       entity_other, entity_support)
    for g in range(groups.shape[0]):
        queued[g] = True
        queue[cnt[_GQ]] = g
        cnt[_GQ] += 1
    _propagate(dom, val, placed, failed, stack, cnt, queue, queued, groups, full, group_ptr,
               group_idx, pair_ptr, pair_other, pair_support, entity_ptr, entity_other,
               entity_support)
    return dom, val, placed, failed, cnt


@numba.njit(cache=True)
def _choose(d, row, greedy, values):
    """A value among the candidate bits d: the highest-field one with probability
    `greedy`, else one drawn in proportion to the field row."""
    if np.random.random() < greedy:
        best, pick = -1.0, -1
        for v in range(values):
            if (d >> np.uint64(v)) & U1 and row[v] > best:
                best, pick = row[v], v
        return pick
    total = 0.0
    for v in range(values):
        if (d >> np.uint64(v)) & U1:
            total += row[v]
    r = np.random.random() * total
    last = -1
    for v in range(values):
        if (d >> np.uint64(v)) & U1:
            last = v
            r -= row[v]
            if r < 0.0:
                return v
    return last  # rounding: the last candidate


@numba.njit(cache=True)
def colony_rounds(dom0, groups, full, group_ptr, group_idx, pair_ptr, pair_other, pair_support,
                  entity_ptr, entity_other, entity_support, tau, tau0, best_state, best, ants,
                  greedy, rho, evaporation, local, learn, rounds, seed, left):
    """Run up to `rounds` rounds of `ants` constructions (numba's generator seeded with
    `seed`). tau float64[N, V] (the field, updated in place), best_state int32[N] (the
    best-so-far construction, -1 where empty, updated in place), best float64[2]: (its
    deposit, its fixed count), left int32[rounds, ants]: the sites each construction left
    empty (written). Returns (rounds run, constructions, complete): stops at the first
    complete construction, which is left in best_state."""
    np.random.seed(seed)
    n, values = tau.shape
    dom_s, val_s, placed_s, failed_s, cnt_s = _start(dom0, groups, full, group_ptr, group_idx,
                                                     pair_ptr, pair_other, pair_support,
                                                     entity_ptr, entity_other, entity_support)
    stack = np.empty(n, dtype=np.int32)
    queue = np.empty(groups.shape[0], dtype=np.int32)
    queued = np.zeros(groups.shape[0], dtype=np.bool_)
    round_best = np.empty(n, dtype=np.int32)
    built = 0
    for r in range(rounds):
        top = -1
        for a in range(ants):
            dom, val, placed, failed, cnt = (dom_s.copy(), val_s.copy(), placed_s.copy(),
                                             failed_s.copy(), cnt_s.copy())
            start = np.random.randint(0, n)
            for t in range(n):
                i = (start + t) % n
                if val[i] >= 0 or failed[i]:
                    continue
                w = _choose(dom[i], tau[i], greedy, values)
                _fix(i, w, dom, val, placed, failed, stack, cnt, group_ptr, group_idx,
                     pair_ptr, pair_other, pair_support)
                _propagate(dom, val, placed, failed, stack, cnt, queue, queued, groups, full,
                           group_ptr, group_idx, pair_ptr, pair_other, pair_support,
                           entity_ptr, entity_other, entity_support)
                tau[i, w] = (1.0 - local) * tau[i, w] + local * tau0[i, w]
            built += 1
            left[r, a] = n - cnt[_FIXED]
            if cnt[_FIXED] > top:
                top = cnt[_FIXED]
                round_best[:] = val
        if top == n:
            best_state[:] = round_best
            best[1] = n
            return r + 1, built, True
        deposit = n / (n - top)
        if deposit > best[0]:
            best[0] = deposit
            best[1] = top
            best_state[:] = round_best
        if learn:
            for i in range(n):
                w = best_state[i]
                if w >= 0:
                    tau[i, w] = (1.0 - rho) * tau[i, w] + rho * best[0]
        best[0] *= 1.0 - evaporation
    return rounds, built, False


class Colony:
    """Constructive chains on one puzzle: the field, the best construction so far, and
    `run(rounds, seed)` to continue. prior FloatTensor[N, V] (optional): multiplies tau0
    (e.g. a language model's conditionals, normalised per site)."""

    def __init__(self, structure: Structure, dom0: np.ndarray, config: ColonyConfig = ColonyConfig(),
                 prior: torch.Tensor | None = None):
        self.structure, self.dom0, self.config = structure, dom0, config
        n, v = dom0.shape[0], structure.values
        base = np.full((n, v), 1.0 / n)
        if prior is not None:
            p = prior.detach().double().cpu().numpy()
            base = base * v * p / np.maximum(p.sum(1, keepdims=True), 1e-300)
        self.tau0 = np.maximum(base, 1e-12)
        self.rounds = self.constructions = self.restarts = 0
        self.top, self.since = 0, 0  # most sites ever fixed, rounds since
        self._fresh()

    def _fresh(self):
        self.tau = self.tau0.copy()
        self.best_state = np.full(self.tau.shape[0], -1, dtype=np.int32)
        self.best = np.zeros(2)

    def run(self, rounds: int, seed: int) -> bool:
        """Up to `rounds` more rounds; True when a construction is complete (in
        `state`). `left` then holds each round's constructions' empty sites, int32[R, ants]
        (a complete round's later ants: -1)."""
        c = self.config
        left = np.full((rounds, int(c.ants)), -1, dtype=np.int32)
        done, built, complete = colony_rounds(  # type: ignore[call-arg]
            self.dom0, *self.structure.arrays(), self.tau, self.tau0, self.best_state,
            self.best, int(c.ants), float(c.greedy), float(c.rho), float(c.evaporation),
            float(c.local), bool(c.learn), int(rounds), int(seed), left)
        self.left = left[:done]
        self.rounds += done
        self.constructions += built
        if self.fixed > self.top:
            self.top, self.since = self.fixed, 0
        else:
            self.since += done
        if c.restart and self.since >= c.restart and not complete:
            self._fresh()
            self.restarts += 1
            self.top, self.since = 0, 0
        return complete

    @property
    def state(self) -> torch.Tensor:
        """The best construction so far: LongTensor[N], -1 at empty sites."""
        return torch.from_numpy(self.best_state.astype(np.int64))

    @property
    def fixed(self) -> int:
        return int(self.best[1])


@functools.cache
def warm_up() -> None:
    """Compile the kernel now (numba caches it on disk after the first run), on a
    two-site puzzle, so that no puzzle's time budget pays for compilation."""
    structure = Structure.from_tensors(2, 2, torch.tensor([[0, 1]]))
    Colony(structure, domains(torch.ones(2, 2, dtype=torch.bool))).run(1, 0)
