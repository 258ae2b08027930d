"""`Encoded`: the one tensor form of a puzzle that energies and the sampler read.

A puzzle becomes N sites, each holding one of V values (value indices 0..V-1; token V is
the blank/mask token). The structure is plain tensors:

- hard constraints: `clamp` (givens) and `allowed` (values left after propagation);
- soft constraints for the penalty energy: all-different `groups`, `unary` penalties,
  pairwise factors (`pair_sites`, `pair_tables`) and disjunctive factors (`choice_terms`,
  `choice_groups`: the least penalty among several readings of an ambiguous clue);
- the site interaction graph (sites that share a group or factor) and a colouring of it:
  the sites of one colour class share no factor, so updating them all at once is exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import torch

from encoders.options import GlauberOptions
from puzzles.base import PROPAGATION


@dataclass(frozen=True)
class Encoded:
    """One puzzle as tensors (all on the CPU; the sampler moves what it needs)."""

    tokens: torch.Tensor  # LongTensor[N]: value index of each given, V (blank) elsewhere
    clamp: torch.Tensor  # BoolTensor[N]: True where the site is a given
    allowed: torch.Tensor  # BoolTensor[N, V]: values a site may take (hard constraints)
    groups: torch.Tensor  # LongTensor[G, K]: all-different groups of sites (G may be 0)
    unary: torch.Tensor | None = None  # FloatTensor[N, V]: penalty of a value at a site
    pair_sites: torch.Tensor | None = None  # LongTensor[F, 2]: sites (i, j) of each pair factor
    pair_tables: torch.Tensor | None = None  # FloatTensor[F, V, V]: penalty of (x_i, x_j)
    choice_terms: torch.Tensor | None = None  # LongTensor[T, 5]: terms (i, a, j, b, r) of
    # disjunctive factors: reading r's penalty counts x_i = a and x_j = b together
    choice_groups: torch.Tensor | None = None  # LongTensor[R]: the disjunction of each
    # reading; a disjunction costs the least penalty of its readings (zero when one holds)
    perm_groups: torch.Tensor | None = None  # LongTensor[Gp, V]: disjoint groups covering
    # all sites that swap moves keep as permutations (Sudoku boxes, Zebra attribute rows)
    meta: dict = field(default_factory=dict, compare=False)  # encoder facts: "kind" (the
    # puzzle kind), "structure" (what puzzles that share a batch have in common: a Sudoku's
    # box shape, a Zebra's whole puzzle, whose clues make its factor tables), "propagate"

    @property
    def sites(self) -> int:
        return self.tokens.shape[0]

    @property
    def values(self) -> int:
        return self.allowed.shape[1]

    @property
    def blank(self) -> int:
        """The token id of a blank (masked) site."""
        return self.values

    @property
    def structure_key(self) -> tuple:
        """Puzzles with equal keys share groups and factors, so they can share one batch."""
        return (self.sites, self.values, self.groups.shape, self.unary is None,
                self.pair_sites is None, self.choice_terms is None, self.meta.get("kind"), self.meta.get("structure"))

    def is_consistent(self) -> bool:
        """Every site still has an allowed value (propagation found no contradiction), and
        every perm group can still be completed as a permutation (Hall's condition)."""
        if not self.allowed.any(dim=1).all():
            return False
        if self.perm_groups is None:
            return True
        masks = self._masks()
        return all(_fillings([masks[s] for s in group], cap=0) for group in self.perm_groups.tolist())

    def _masks(self) -> list[int]:
        """allowed as one bitmask per site (bit v: value v allowed)."""
        return (self.allowed.long() << torch.arange(self.values)).sum(1).tolist()

    def graph(self) -> nx.Graph:
        """Site interaction graph: an edge wherever two sites share a group or factor."""
        g = nx.Graph()
        g.add_nodes_from(range(self.sites))
        for group in self.groups.tolist():
            g.add_edges_from((a, b) for i, a in enumerate(group) for b in group[i + 1:])
        if self.pair_sites is not None:
            g.add_edges_from((i, j) for i, j in self.pair_sites.tolist() if i != j)
        if self.choice_terms is not None:  # a disjunction joins all the sites it reads
            members: dict[int, set[int]] = {}
            for i, _, j, _, r in self.choice_terms.tolist():
                members.setdefault(int(self.choice_groups[r]), set()).update((i, j))
            for sites in members.values():
                ordered = sorted(sites)
                g.add_edges_from((a, b) for k, a in enumerate(ordered) for b in ordered[k + 1:])
        return g

    def colour_classes(self) -> list[torch.Tensor]:
        """Independent sets covering all sites (the fewest that several greedy colourings
        find; n for an n x n Sudoku, the optimum), each a LongTensor[S] of site indices;
        classes are sorted, largest first."""
        widest = max((len(g) for g in self.groups.tolist()), default=1)  # a group is a clique
        return _classes(self.graph(), bound=widest)

    def block_fillings(self, cap: int = 4096):
        """Every way to fill each perm group as a permutation within `allowed`, for exact
        block heat-bath moves: (LongTensor[Gp, F, K] values, BoolTensor[Gp, F] real rows),
        F the largest count (shorter lists padded); None when a group has more than `cap`
        fillings (too loose for block moves) or none at all (no solution)."""
        mixed = self.mixed_fillings(cap)
        return None if mixed is None or mixed[2].any() else mixed[:2]

    def mixed_fillings(self, cap: int = 4096):
        """Like `block_fillings`, but a group with more than `cap` fillings gets one
        placeholder row and is marked kept (for `solver.moves.MixedMoves`: shuffled, not
        redrawn): (values LongTensor[Gp, F, K], real BoolTensor[Gp, F], keep BoolTensor[Gp]);
        None when a group has no filling, or no group has at most `cap`."""
        masks = self._masks()
        k = self.perm_groups.shape[1]
        lists, keep = [], []
        for group in self.perm_groups.tolist():
            found = _fillings([masks[s] for s in group], cap)
            if not found:
                return None
            keep.append(len(found) > cap)
            lists.append([list(range(k))] if keep[-1] else found)
        if all(keep):
            return None
        width = max(len(f) for f in lists)
        values = torch.zeros(len(lists), width, k, dtype=torch.long)
        real = torch.zeros(len(lists), width, dtype=torch.bool)
        for g, found in enumerate(lists):
            values[g, :len(found)] = torch.tensor(found)
            real[g, :len(found)] = True
        return values, real, torch.tensor(keep)

    def perm_group_classes(self) -> list[torch.Tensor]:
        """Sets of perm groups (LongTensor[Gc] of indices into perm_groups) whose sites
        share no factor, so one swap in each of them at once is still exact."""
        site_graph = self.graph()
        members = [set(g) for g in self.perm_groups.tolist()]
        near = [set().union(*(set(site_graph[s]) | {s} for s in m)) for m in members]
        g = nx.Graph()
        g.add_nodes_from(range(len(members)))
        g.add_edges_from((a, b) for a in range(len(members)) for b in range(a + 1, len(members))
                         if near[a] & members[b])
        return _classes(g, bound=_clique_number(g))


class Encoder:
    """Base of the per-puzzle-type encoders: `encode(puzzle) -> Encoded` at one
    propagation level, `decode(puzzle, state) -> solution`. The default level is the
    pipeline's (`GlauberOptions.propagate`), so an encoder built alone masks as the
    solver does."""

    kind = ""

    def __init__(self, propagate: str = GlauberOptions.propagate):
        if propagate not in PROPAGATION:
            raise ValueError(f"propagate must be one of {PROPAGATION}")
        self.propagate = propagate


def stack_fillings(fills: list[tuple]) -> tuple:
    """One batch's block-move tables from each puzzle's `Encoded.block_fillings` (or
    `mixed_fillings`): filling lists padded to the longest, stacked over puzzles."""
    width = max(f[0].shape[1] for f in fills)
    stacked = (torch.stack([torch.nn.functional.pad(f[0], (0, 0, 0, width - f[0].shape[1])) for f in fills]),
               torch.stack([torch.nn.functional.pad(f[1], (0, width - f[1].shape[1])) for f in fills]))
    return stacked + tuple(torch.stack([f[k] for f in fills]) for k in range(2, len(fills[0])))


def _fillings(masks: list[int], cap: int) -> list[list[int]]:
    """Value lists (one per site, all different, bit v of masks[k] set) in lexicographic
    order of the most constrained sites first; stops after cap + 1."""
    order = sorted(range(len(masks)), key=lambda k: bin(masks[k]).count("1"))
    found: list[list[int]] = []
    chosen = [0] * len(masks)

    def extend(depth: int, used: int) -> None:
        if len(found) > cap:
            return
        if depth == len(order):
            found.append(chosen.copy())
            return
        k = order[depth]
        free = masks[k] & ~used
        while free:
            bit = free & -free
            free ^= bit
            chosen[k] = bit.bit_length() - 1
            extend(depth + 1, used | bit)

    extend(0, 0)
    return found


# greedy colourings tried in turn, cheapest first (strategy, Kempe-chain interchange).
# Sudoku sites: largest-first alone finds 14 colours for 9x9 and 44 for 25x25, DSATUR 9,
# 18 (16x16) and 27; largest-first with interchange 9, 16 and 26, connected-sequential
# with interchange 25 (the optimum n each time)
_STRATEGIES = (("largest_first", True), ("connected_sequential_bfs", True), ("DSATUR", False),
               ("smallest_last", True))


def _clique_number(graph: nx.Graph) -> int:
    """The largest clique of a small graph (a lower bound on its colours); 1 for a big one."""
    if graph.number_of_nodes() > 64:
        return 1
    return max((len(c) for c in nx.find_cliques(graph)), default=1)


def _classes(graph: nx.Graph, bound: int = 1) -> list[torch.Tensor]:
    """Colour classes of the greedy colouring with the fewest colours among _STRATEGIES,
    stopping at the first that reaches `bound` (a clique's size: no colouring has fewer),
    largest class first."""
    colouring, colours = {}, None
    for strategy, interchange in _STRATEGIES:
        found = nx.greedy_color(graph, strategy=strategy, interchange=interchange)
        count = max(found.values(), default=-1) + 1
        if colours is None or count < colours:
            colouring, colours = found, count
        if colours <= bound:
            break
    classes: dict[int, list[int]] = {}
    for node, colour in colouring.items():
        classes.setdefault(colour, []).append(node)
    ordered = sorted(classes.values(), key=lambda nodes: (-len(nodes), min(nodes)))
    return [torch.tensor(sorted(c), dtype=torch.long) for c in ordered]
