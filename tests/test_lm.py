"""LM energies: the causal conditional is exact, the masked one is read off one pass, and
nothing is ever fetched from a hub (HF_HUB_OFFLINE is set for this module)."""

import os

import pytest
import torch

os.environ["HF_HUB_OFFLINE"] = "1"
transformers = pytest.importorskip("transformers")

from solver.energy import PenaltyEnergy  # noqa: E402
from solver.lm import CausalLMEnergy, LMVocabulary, MaskedLMEnergy  # noqa: E402
from solver.weighted import WeightedSum  # noqa: E402

V, N = 3, 4
VOCAB = LMVocabulary(values=(0, 1, 2), mask=3, bos=4)


def tiny_gpt2():
    torch.manual_seed(0)
    config = transformers.GPT2Config(vocab_size=5, n_positions=16, n_embd=16, n_layer=2, n_head=2)
    return transformers.GPT2LMHeadModel(config)


def tiny_bert():
    torch.manual_seed(0)
    config = transformers.BertConfig(vocab_size=5, hidden_size=16, num_hidden_layers=2,
                                     num_attention_heads=2, intermediate_size=32,
                                     max_position_embeddings=16, type_vocab_size=2)
    return transformers.BertForMaskedLM(config)


@pytest.mark.parametrize("prompted", [False, True])
def test_causal_conditional_is_exact_by_enumeration(prompted):
    prompts = torch.tensor([[3, 0], [1, 3]]) if prompted else None
    energy = CausalLMEnergy(tiny_gpt2(), VOCAB, prompts=prompts)
    g = torch.Generator().manual_seed(1)
    x = torch.randint(V, (6, N), generator=g)
    energy.owner = torch.tensor([0, 0, 0, 1, 1, 1])
    for site in range(N):
        got = energy.logits(x, None, torch.full((6, 1), site)).squeeze(1)
        variants = x.repeat_interleave(V, 0)
        variants[:, site] = torch.arange(V).repeat(6)
        energy.owner = energy.owner.repeat_interleave(V)
        joint = energy.sequence_logp(variants).view(6, V)
        energy.owner = torch.tensor([0, 0, 0, 1, 1, 1])
        assert torch.allclose(got, torch.log_softmax(joint, -1), atol=1e-5)
    assert torch.allclose(energy.energy(x, None), -energy.sequence_logp(x))


def test_masked_conditional_masks_exactly_the_updated_sites():
    model = tiny_bert()
    energy = MaskedLMEnergy(model, LMVocabulary((0, 1, 2), mask=3), token_types=torch.tensor([[1, 0, 0, 1]]))
    x = torch.tensor([[0, 1, 2, 0], [2, 2, 1, 0]])
    sites = torch.tensor([[1, 2], [0, 3]])
    got = energy.logits(x, None, sites)
    ids = torch.tensor([[0, 3, 3, 0], [3, 2, 1, 3]])
    with torch.no_grad():
        out = model(input_ids=ids, token_type_ids=torch.tensor([[1, 0, 0, 1]] * 2)).logits
    want = torch.log_softmax(out[torch.arange(2)[:, None], sites][..., :3], -1)
    assert torch.allclose(got, want, atol=1e-5)
    assert torch.allclose(got.exp().sum(-1), torch.ones(2, 2))


def test_weighted_sum_adds_logits_and_scores_with_the_penalty():
    penalty = PenaltyEnergy(N, V, torch.tensor([[0, 1, 2], [1, 2, 3]]))
    lm = MaskedLMEnergy(tiny_bert(), LMVocabulary((0, 1, 2), mask=3))
    mix = WeightedSum(penalty, 2.0, [(0.5, lm)])
    x = torch.tensor([[0, 1, 2, 0], [1, 1, 1, 1]])
    cache = mix.prepare(x)
    sites = torch.tensor([[0], [3]])
    want = 2.0 * penalty.logits(x, penalty.prepare(x), sites) + 0.5 * lm.logits(x, None, sites)
    assert torch.allclose(mix.logits(x, cache, sites), want)
    assert torch.equal(mix.energy(x, cache), penalty.energy(x, penalty.prepare(x)))
    lm_only = WeightedSum(penalty, 0.0, [(1.0, lm)])
    assert torch.allclose(lm_only.logits(x, cache, sites), lm.logits(x, None, sites))


def path_graph(n):
    import networkx as nx
    return nx.path_graph(n)


def test_causal_conditional_stays_exact_under_a_graph_mask():
    from encoders.attention import graph_attention
    attention = graph_attention(path_graph(N), "causal")
    energy = CausalLMEnergy(tiny_gpt2(), VOCAB, prompts=torch.tensor([[3, 0, 3, 1]]), attention=attention)
    x = torch.randint(V, (4, N), generator=torch.Generator().manual_seed(2))
    for site in range(N):
        got = energy.logits(x, None, torch.full((4, 1), site)).squeeze(1)
        variants = x.repeat_interleave(V, 0)
        variants[:, site] = torch.arange(V).repeat(4)
        joint = energy.sequence_logp(variants).view(4, V)
        assert torch.allclose(got, torch.log_softmax(joint, -1), atol=1e-5)


def test_causal_graph_mask_reads_only_the_past_and_the_predicted_sites_neighbours():
    from encoders.attention import graph_attention
    graph = path_graph(N)
    allowed = graph_attention(graph, "causal") == 0  # [1 + 2N, 1 + 2N]: BOS, prompt, grid
    assert not allowed.triu(1).any()  # causal
    assert allowed[:, 0].all()  # BOS
    for t in range(2 * N):  # row t predicts token t + 1, the site (t) % N
        site = t % N
        for k in range(1, t + 1):
            near = (k - 1) % N in set(graph[site]) | {site}
            assert allowed[t, k] == (near or k == t), (t, k)


def test_masked_lm_under_a_graph_mask_ignores_non_neighbours():
    from encoders.attention import graph_attention
    torch.manual_seed(0)
    config = transformers.BertConfig(vocab_size=5, hidden_size=16, num_hidden_layers=1,
                                     num_attention_heads=2, intermediate_size=32,
                                     max_position_embeddings=16, type_vocab_size=2)
    graph = path_graph(N)  # 0-1-2-3: one layer lets site 0 read sites 0 and 1 only
    energy = MaskedLMEnergy(transformers.BertForMaskedLM(config), LMVocabulary((0, 1, 2), mask=3),
                            attention=graph_attention(graph))
    x = torch.tensor([[0, 1, 2, 0], [0, 1, 0, 2]])  # differ at sites 2 and 3 only
    sites = torch.tensor([[0], [0]])
    out = energy.logits(x, None, sites)
    assert torch.allclose(out[0], out[1], atol=1e-6)
    far = energy.logits(x, None, torch.tensor([[1], [1]]))  # site 1 reads site 2: differs
    assert (far[0] - far[1]).abs().max() > 1e-5


def test_unmasking_keeps_hard_constraints_and_avoids_clashes_where_it_can():
    from encoders.lm import peer_table
    path = torch.tensor([[0, 1], [1, 2], [2, 3]])  # all-different pairs along a path
    energy = MaskedLMEnergy(tiny_bert(), LMVocabulary((0, 1, 2), mask=3))
    allowed = torch.ones(2, N, V, dtype=torch.bool)
    allowed[0, 0] = torch.tensor([False, True, False])  # a given: value 1 at site 0
    allowed[1, 3, 0] = False  # an end site: one neighbour, so a value is always left
    mask = torch.zeros(allowed.shape).masked_fill(~allowed, float("-inf"))
    owner = torch.tensor([0] * 50 + [1] * 50)
    x = energy.unmask(mask, owner, peer_table(path, N), torch.Generator().manual_seed(0), per_pass=1)
    assert allowed[owner[:, None], torch.arange(N), x].all()
    assert (x[:50, 0] == 1).all()
    # three values on a path: filling one site at a time never has to repeat a neighbour
    assert (x[:, 1:] != x[:, :-1]).all()
    again = energy.unmask(mask, owner, peer_table(path, N), torch.Generator().manual_seed(0), per_pass=1)
    assert torch.equal(x, again)


def counting_forward(energy):
    """(calls, the original _forward): the energy's forward passes now append to calls."""
    calls, forward = [], energy._forward
    energy._forward = lambda *a, **k: calls.append(1) or forward(*a, **k)
    return calls, forward


def test_refreshed_conditionals_are_reused_then_recomputed_and_follow_their_chains():
    energy = MaskedLMEnergy(tiny_bert(), LMVocabulary((0, 1, 2), mask=3), refresh=2)
    calls, forward = counting_forward(energy)
    x = torch.tensor([[0, 1, 2, 0], [2, 2, 1, 0], [1, 0, 0, 2]])
    sites = torch.tensor([[1, 2]]).expand(3, -1)
    first = energy.logits(x, None, sites)
    x[:, 0] = 1  # the reused term does not see this change ...
    assert torch.equal(energy.logits(x, None, sites), first) and len(calls) == 1
    energy.reorder(torch.tensor([2, 0]))  # chains filtered and permuted
    fresh = energy.logits(x[[2, 0]], None, sites[:2])  # ... until the refresh is due
    assert len(calls) == 2 and not torch.allclose(fresh[1], first[0])
    energy.forget()
    energy.logits(x[[2, 0]], None, sites[:2])
    assert len(calls) == 3
    uneven = torch.tensor([[1, 2], [0, 3], [1, 2]])  # per-chain sites: never reused
    energy.logits(x, None, uneven)
    energy.logits(x, None, uneven)
    assert len(calls) == 5


def test_reorder_keeps_reused_conditionals_aligned():
    energy = MaskedLMEnergy(tiny_bert(), LMVocabulary((0, 1, 2), mask=3), refresh=5)
    x = torch.tensor([[0, 1, 2, 0], [2, 2, 1, 0], [1, 0, 0, 2]])
    sites = torch.tensor([[3]]).expand(3, -1)
    first = energy.logits(x, None, sites)
    energy.reorder(torch.tensor([2, 1]))
    assert torch.equal(energy.logits(x[[2, 1]], None, sites[:2]), first[[2, 1]])


def test_fading_scales_each_chains_lm_term_by_its_age():
    penalty = PenaltyEnergy(N, V, torch.tensor([[0, 1, 2], [1, 2, 3]]))
    lm = MaskedLMEnergy(tiny_bert(), LMVocabulary((0, 1, 2), mask=3))
    mix = WeightedSum(penalty, 1.0, [(2.0, lm)], fade=4)
    x = torch.tensor([[0, 1, 2, 0], [1, 1, 1, 1], [2, 0, 1, 2]])
    cache = mix.prepare(x)
    sites = torch.tensor([[0], [3], [1]])
    own, term = penalty.logits(x, penalty.prepare(x), sites), lm.logits(x, None, sites)
    mix.at_age(torch.tensor([0, 2, 9]))  # full weight, half, none
    want = own + 2.0 * term * torch.tensor([1.0, 0.5, 0.0])[:, None, None]
    assert torch.allclose(mix.logits(x, cache, sites), want, atol=1e-6)


def test_masked_swap_deltas_read_one_unmasked_pass_per_refresh_of_sweeps():
    energy = MaskedLMEnergy(tiny_bert(), LMVocabulary((0, 1, 2), mask=3), refresh=2)
    calls, forward = counting_forward(energy)
    x = torch.tensor([[0, 1, 2, 0], [2, 2, 1, 0], [1, 0, 0, 2]])
    i, j = torch.tensor([[0, 1], [1, 2], [3, 0]]), torch.tensor([[2, 3], [0, 3], [1, 2]])
    delta = energy.swap_delta(x, None, i, j)
    # dE = -(log p_i(x_j) + log p_j(x_i)) + (log p_i(x_i) + log p_j(x_j)), state shown whole
    lg = torch.log_softmax(forward(energy.inputs(x))[..., :3], -1)
    rows = torch.arange(3)[:, None]
    a, c = x.gather(1, i), x.gather(1, j)
    want = (lg[rows, i, a] - lg[rows, i, c]) + (lg[rows, j, c] - lg[rows, j, a])
    assert torch.allclose(delta, want, atol=1e-5) and len(calls) == 1
    energy.swap_delta(x, None, j, i)  # the rest of the sweep: the same pass
    energy.tick()
    energy.swap_delta(x, None, i, j)  # next sweep: still reused (refresh 2)
    assert len(calls) == 1
    energy.tick()
    energy.swap_delta(x, None, i, j)
    assert len(calls) == 2
    energy.reorder(torch.tensor([2, 0]))
    assert torch.allclose(energy.swap_delta(x[[2, 0]], None, i[[2, 0]], j[[2, 0]]), delta[[2, 0]],
                          atol=1e-5) and len(calls) == 2
