"""Zebra <-> `Encoded`: one site per (attribute, house) cell holding a value index.

Site m*N + h is house h+1 of attribute m; its value indexes the attribute's value list.
Every attribute row is an all-different group (and a perm group for swap moves). Clues
become penalties read off `puzzles.zebra.clues.RELATIONS`, so any kind in that table works:

- one entity (at, not_at, at_end): a unary penalty on each house where it fails;
- two entities: a pair factor per pair of houses where the relation fails;
- three entities (between): the sum of its pairwise projections, penalised where no
  third position completes the pair; checked at encode time to be zero exactly when the
  relation holds.

A house mention (`the person at the 2nd position`) is a constant of the relation, so it
takes one entity off the clue. A clue with ambiguous mentions has several readings; each
reading's penalty is written as the same literal pairs (`choice_terms`), and the clue
costs the least of them (`choice_groups`, `solver.energy.Choices`): zero exactly when
some reading holds.

So the penalty is zero exactly when every row is a permutation and every clue holds.
Propagation: `singles` removes values that one-entity clues forbid, then naked and
hidden singles per row, to a fixpoint; `full` adds arc consistency on two- and
three-entity clues (a house stays in an entity's domain only if every clue has support);
clues with several readings prune nothing.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import torch

from encoders.encoded import Encoded, Encoder
from puzzles.zebra.clues import reading_parts
from puzzles.zebra.model import ZebraPuzzle, ZebraSolution


@lru_cache(maxsize=None)
def _projections(good: frozenset, arity: int, houses: int):
    """For a reading whose entity slots may stand at the position tuples `good`: the
    slot-index pairs and, per pair, the position pairs no good tuple uses. Raises if those
    pairwise penalties do not characterise `good`."""
    pairs = list(itertools.combinations(range(arity), 2))
    support = {pair: {(ps[s], ps[t]) for ps in good} for (s, t) in pairs for pair in [(s, t)]}
    for ps in itertools.product(range(1, houses + 1), repeat=arity):
        pairwise = all((ps[s], ps[t]) in support[s, t] for s, t in pairs)
        if pairwise != (ps in good):
            raise ValueError("a clue reading is not characterised by pairwise penalties")
    return [((s, t), {(p, q) for p in range(1, houses + 1) for q in range(1, houses + 1)}
             - support[s, t]) for s, t in pairs]


def _banned(ents, good, houses: int):
    """The literal conjunctions a reading's penalty counts: ((entity, house), (entity,
    house)) pairs (a one-entity ban repeats its literal), zero together exactly when the
    reading holds (given each entity in one house)."""
    n = len(ents)
    everywhere = range(1, houses + 1)
    if n == 0:  # houses only: constant (a false one is a clash, never sent to a sampler)
        return []
    if n == 1:
        return [((ents[0], h), (ents[0], h)) for h in everywhere if (h,) not in good]
    if n == 2:
        return [((ents[0], h1), (ents[1], h2)) for h1, h2 in itertools.product(everywhere, repeat=2)
                if (h1, h2) not in good]
    return [((ents[s], h1), (ents[t], h2)) for (s, t), banned in _projections(good, n, houses)
            for h1, h2 in sorted(banned)]


class ZebraEncoder(Encoder):
    kind = "zebra"

    @staticmethod
    def _index(puzzle: ZebraPuzzle):
        attrs = [name for name, _ in puzzle.attributes]
        value = {(name, v): i for name, values in puzzle.attributes for i, v in enumerate(values)}
        return {name: m for m, name in enumerate(attrs)}, value

    def encode(self, puzzle: ZebraPuzzle) -> Encoded:
        """tokens LongTensor[M*N] (all blank: Zebra has no givens), allowed BoolTensor[M*N, N],
        groups LongTensor[M, N] (attribute rows), unary FloatTensor[M*N, N], pair factors."""
        n, m_count = puzzle.houses, len(puzzle.attributes)
        row, value = self._index(puzzle)
        site = lambda e, h: row[e[0]] * n + h - 1  # noqa: E731  (house h is 1-based)
        unary = torch.zeros(m_count * n, n)
        pairs: dict[tuple[int, int], torch.Tensor] = {}

        def penalise(e1, h1, e2, h2):
            i, j = site(e1, h1), site(e2, h2)
            if i == j:
                return  # one cell cannot hold two values: never both true
            if i > j:
                i, j, e1, e2 = j, i, e2, e1
            table = pairs.setdefault((i, j), torch.zeros(n, n))
            table[value[e1], value[e2]] += 1

        terms: list[list[int]] = []  # disjunctive clues: [site, value, site, value, reading]
        choice_groups: list[int] = []  # reading -> its clue's disjunction index
        for clue in puzzle.clues:
            readings = [reading_parts(clue.kind, r, clue.position, n) for r in clue.readings()]
            if len(readings) == 1:
                ents, good = readings[0]
                for (e1, h1), (e2, h2) in _banned(ents, good, n):
                    if (e1, h1) == (e2, h2):
                        unary[site(e1, h1), value[e1]] += 1
                    else:
                        penalise(e1, h1, e2, h2)
                continue
            if any(not ents and good for ents, good in readings):
                continue  # a reading naming houses only, and true: the clue always holds
            disjunction = len(set(choice_groups))
            for ents, good in readings:
                if not ents:
                    continue  # a reading that is always false
                reading = len(choice_groups)
                choice_groups.append(disjunction)
                for (e1, h1), (e2, h2) in _banned(ents, good, n):
                    i, j = site(e1, h1), site(e2, h2)
                    if i != j or value[e1] == value[e2]:  # one cell holds one value
                        terms.append([i, value[e1], j, value[e2], reading])
        allowed = self._propagate(puzzle, unary)
        keys = sorted(pairs)
        groups = torch.arange(m_count * n).view(m_count, n)
        return Encoded(
            tokens=torch.full((m_count * n,), n, dtype=torch.long),
            clamp=torch.zeros(m_count * n, dtype=torch.bool), allowed=allowed, groups=groups,
            unary=unary, pair_sites=torch.tensor(keys, dtype=torch.long).view(-1, 2),
            pair_tables=torch.stack([pairs[k] for k in keys]) if keys else torch.zeros(0, n, n),
            perm_groups=groups,
            choice_terms=torch.tensor(terms, dtype=torch.long).view(-1, 5) if choice_groups else None,
            choice_groups=torch.tensor(choice_groups, dtype=torch.long) if choice_groups else None,
            meta={"kind": "zebra", "structure": puzzle, "propagate": self.propagate})

    def _propagate(self, puzzle: ZebraPuzzle, unary: torch.Tensor) -> torch.Tensor:
        """allowed BoolTensor[M*N, N] after the chosen propagation."""
        n, m_count = puzzle.houses, len(puzzle.attributes)
        allowed = torch.ones(m_count * n, n, dtype=torch.bool)
        if self.propagate == "none":
            return allowed
        allowed &= unary == 0  # one-entity clues are exact: their penalty is a hard ban
        row, value = self._index(puzzle)
        # domain[e] = houses (0-based) where entity e may be
        domains = {e: {h for h in range(n) if allowed[row[e[0]] * n + h, value[e]]}
                   for e in value}
        changed = True
        while changed:
            changed = self._singles(puzzle, domains)
            if self.propagate == "full":
                changed |= self._arc_consistency(puzzle, domains)
        for (name, v), houses in domains.items():
            for h in range(n):
                allowed[row[name] * n + h, value[name, v]] = h in houses
        return allowed

    @staticmethod
    def _singles(puzzle: ZebraPuzzle, domains) -> bool:
        """Naked singles (an entity with one house leaves the others of its row) and hidden
        singles (a house only one entity of a row can take). True if anything changed."""
        changed = False
        for name, values in puzzle.attributes:
            ents = [(name, v) for v in values]
            for e in ents:
                if len(domains[e]) == 1:
                    for other in ents:
                        if other != e and domains[other] & domains[e]:
                            domains[other] -= domains[e]
                            changed = True
            for h in range(puzzle.houses):
                takers = [e for e in ents if h in domains[e]]
                if len(takers) == 1 and len(domains[takers[0]]) > 1:
                    domains[takers[0]] = {h}
                    changed = True
        return changed

    @staticmethod
    def _arc_consistency(puzzle: ZebraPuzzle, domains) -> bool:
        """Drop a house from an entity's domain when some clue has no support for it."""
        changed = False
        n = puzzle.houses
        for clue in puzzle.clues:
            readings = clue.readings()
            if len(readings) != 1:
                continue  # a disjunction prunes nothing on its own
            ents, good = reading_parts(clue.kind, readings[0], clue.position, n)
            if len(ents) < 2:
                continue
            for slot, e in enumerate(ents):
                keep = {h for h in domains[e] if any(
                    ps[slot] == h + 1 and all(p - 1 in domains[o] for o, p in zip(ents, ps))
                    and _distinct_where_needed(ents, [p - 1 for p in ps])
                    for ps in good)}
                if keep != domains[e]:
                    domains[e] = keep
                    changed = True
        return changed

    @staticmethod
    def decode(puzzle: ZebraPuzzle, state: torch.Tensor) -> ZebraSolution:
        """A solution from a state LongTensor[M*N] of value indices."""
        n = puzzle.houses
        cells = state.tolist()
        return ZebraSolution(n, tuple(
            (name, tuple(values[cells[m * n + h]] for h in range(n)))
            for m, (name, values) in enumerate(puzzle.attributes)))


def _distinct_where_needed(ents, positions) -> bool:
    """Two different values of one attribute cannot share a house."""
    return all(not (a[0] == b[0] and a[1] != b[1] and p == q)
               for (a, p), (b, q) in itertools.combinations(zip(ents, positions), 2))
