"""Annealing schedules: the beta of each chain by age, and the tempering ladder."""

import math

import pytest
import torch

from solver.schedule import AnnealSchedule

KINDS = ("geometric", "linear", "constant", "tempering")


def ages(*values):
    return torch.tensor(values, dtype=torch.long)


def test_default_runs_from_hot_to_cold():
    s = AnnealSchedule()
    assert s.kind in KINDS and 0 < s.beta_start < s.beta_end


def test_geometric_runs_from_start_to_end_with_equal_ratios_then_holds():
    s = AnnealSchedule("geometric", beta_start=0.5, beta_end=4.0, sweeps=3)
    beta = s.beta(ages(0, 1, 2, 3, 4, 100))
    assert torch.allclose(beta, torch.tensor([0.5, 1.0, 2.0, 4.0, 4.0, 4.0]))
    mid = AnnealSchedule("geometric", 1.0, 9.0, sweeps=10).beta(ages(5))
    assert math.isclose(float(mid), 3.0, rel_tol=1e-6)  # the geometric mean at half time


def test_linear_runs_from_start_to_end_in_equal_steps_then_holds():
    s = AnnealSchedule("linear", beta_start=1.0, beta_end=3.0, sweeps=4)
    beta = s.beta(ages(0, 1, 2, 3, 4, 9))
    assert torch.allclose(beta, torch.tensor([1.0, 1.5, 2.0, 2.5, 3.0, 3.0]))


@pytest.mark.parametrize("kind", ["constant", "tempering"])
def test_constant_and_tempering_ignore_age(kind):
    s = AnnealSchedule(kind, beta_start=0.2, beta_end=2.5, sweeps=7)
    assert torch.equal(s.beta(ages(0, 3, 7, 1000)), torch.full((4,), 2.5))


@pytest.mark.parametrize("kind", ["geometric", "linear"])
def test_a_reheating_schedule_decreases(kind):
    beta = AnnealSchedule(kind, beta_start=3.0, beta_end=1.0, sweeps=5).beta(torch.arange(8))
    assert float(beta[0]) == pytest.approx(3.0) and float(beta[-1]) == pytest.approx(1.0)
    assert (beta[1:] <= beta[:-1]).all() and (beta[1:6] < beta[:5]).all()


@pytest.mark.parametrize("kind", KINDS)
def test_beta_keeps_the_shape_device_and_float_dtype_of_the_ages(kind):
    age = torch.zeros(2, 3, dtype=torch.long)
    beta = AnnealSchedule(kind).beta(age)
    assert beta.shape == (2, 3) and beta.dtype == torch.float32 and beta.device == age.device
    assert AnnealSchedule(kind).beta(ages()).shape == (0,)


def test_ladder_is_geometric_hottest_first():
    s = AnnealSchedule("tempering", beta_start=0.5, beta_end=4.0)
    ladder = s.ladder(4)
    assert ladder.shape == (4,) and ladder.dtype == torch.float32
    assert torch.allclose(ladder, torch.tensor([0.5, 1.0, 2.0, 4.0]))
    ratios = s.ladder(9)[1:] / s.ladder(9)[:-1]
    assert torch.allclose(ratios, ratios[0].expand(8)) and (ratios > 1).all()


def test_ladder_edge_cases():
    s = AnnealSchedule("tempering", beta_start=0.5, beta_end=4.0)
    assert torch.allclose(s.ladder(1), torch.tensor([4.0]))  # one chain: the coldest rung
    assert torch.allclose(s.ladder(2), torch.tensor([0.5, 4.0]))
    flat = AnnealSchedule("tempering", beta_start=2.0, beta_end=2.0).ladder(5)
    assert torch.allclose(flat, torch.full((5,), 2.0))


@pytest.mark.parametrize("kwargs", [dict(kind="cosine"), dict(beta_start=0.0), dict(beta_end=-1.0),
                                    dict(sweeps=0)])
def test_invalid_schedules_are_refused(kwargs):
    with pytest.raises(ValueError):
        AnnealSchedule(**kwargs)
