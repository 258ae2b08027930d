"""`Encoded`: the one tensor form of a puzzle that energies and the sampler read.

A puzzle becomes N sites, each holding one of V values (value indices 0..V-1; token V is
the blank/mask token). The structure is plain tensors:

- hard constraints: `clamp` (givens) and `allowed` (values left after propagation);
- soft constraints for the penalty energy: all-different `groups`, `unary` penalties and
  pairwise factors (`pair_sites`, `pair_tables`);
- the site interaction graph (sites that share a group or factor) and a colouring of it:
  the sites of one colour class share no factor, so updating them all at once is exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import torch


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
    perm_groups: torch.Tensor | None = None  # LongTensor[Gp, V]: disjoint groups covering
    # all sites that swap moves keep as permutations (Sudoku boxes, Zebra attribute rows)
    meta: dict = field(default_factory=dict, compare=False)  # encoder-specific facts

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
                self.pair_sites is None, self.meta.get("shape"))

    def is_consistent(self) -> bool:
        """Every site still has an allowed value (propagation found no contradiction)."""
        return bool(self.allowed.any(dim=1).all())

    def graph(self) -> nx.Graph:
        """Site interaction graph: an edge wherever two sites share a group or factor."""
        g = nx.Graph()
        g.add_nodes_from(range(self.sites))
        for group in self.groups.tolist():
            g.add_edges_from((a, b) for i, a in enumerate(group) for b in group[i + 1:])
        if self.pair_sites is not None:
            g.add_edges_from((i, j) for i, j in self.pair_sites.tolist() if i != j)
        return g

    def colour_classes(self) -> list[torch.Tensor]:
        """Independent sets covering all sites (greedy largest-first colouring), each a
        LongTensor[S] of site indices; classes are sorted, largest first."""
        return _classes(self.graph())

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
        return _classes(g)


def _classes(graph: nx.Graph) -> list[torch.Tensor]:
    """Colour classes of a greedy largest-first colouring, largest class first."""
    colouring = nx.greedy_color(graph, strategy="largest_first")
    classes: dict[int, list[int]] = {}
    for node, colour in colouring.items():
        classes.setdefault(colour, []).append(node)
    ordered = sorted(classes.values(), key=lambda nodes: (-len(nodes), min(nodes)))
    return [torch.tensor(sorted(c), dtype=torch.long) for c in ordered]
