"""Attention masks from a constraint graph: a model reads along the graph's edges, not
every position (`graph_attention`). Without it a BERT of the project's size sat at
chance for hundreds of steps (an early measurement: 11% after 200 steps); with it, it
learns in seconds.
"""

from __future__ import annotations

import networkx as nx
import torch

from encoders.lm_config import ARCHS
from solver.moves import hard_mask


def graph_attention(graph: nx.Graph, arch: str = "mlm") -> torch.Tensor:
    """Additive attention mask FloatTensor[L, L] (0 allowed, -inf not) from a site graph of
    N nodes (a DiGraph: i attends to j only along an edge i -> j).

    mlm (L = N): site i attends to itself and its neighbours.
    causal (L = 1 + 2N: BOS, prompt sites, grid sites): the logits at position t predict
    token t + 1, so row t reads, among positions <= t (causal, hence exact conditionals),
    BOS, itself, and the prompt and grid sites that are token t + 1's site or its
    neighbours.
    """
    n = graph.number_of_nodes()
    near = torch.eye(n, dtype=torch.bool)
    edges = torch.tensor(list(graph.edges), dtype=torch.long).view(-1, 2)
    near[edges[:, 0], edges[:, 1]] = True
    if not graph.is_directed():
        near[edges[:, 1], edges[:, 0]] = True
    if arch == "mlm":
        allowed = near
    elif arch == "causal":
        length = 1 + 2 * n
        site = torch.cat([torch.tensor([-1]), torch.arange(n), torch.arange(n)])  # site of each token
        nxt = torch.cat([site[1:], torch.tensor([-1])])  # site each row predicts (-1: none)
        allowed = torch.zeros(length, length, dtype=torch.bool)
        rows = (nxt >= 0).nonzero().squeeze(1)
        keys = (site >= 0).nonzero().squeeze(1)
        allowed[rows[:, None], keys] = near[nxt[rows]][:, site[keys]]
        allowed[:, 0] = True  # BOS
        allowed |= torch.eye(length, dtype=torch.bool)
        allowed &= torch.ones(length, length, dtype=torch.bool).tril()
    else:
        raise ValueError(f"arch must be one of {ARCHS}")
    return hard_mask(allowed)
