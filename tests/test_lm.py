"""LM energies: the causal conditional is exact, the masked one is read off one pass, and
nothing is ever fetched from a hub (HF_HUB_OFFLINE is set for this module)."""

import os

import pytest
import torch

os.environ["HF_HUB_OFFLINE"] = "1"
transformers = pytest.importorskip("transformers")

from solver.energy import PenaltyEnergy  # noqa: E402
from solver.lm import CausalLMEnergy, LMVocabulary, MaskedLMEnergy, WeightedSum  # noqa: E402

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
