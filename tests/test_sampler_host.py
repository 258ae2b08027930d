"""The sampler's host side, watched by torch-function modes (`solver.tracing`): every tensor
a sweep meets is on the sampler's device (a second device simulated on the CPU), no host
sync happens inside a chunk of sweeps, finished problems leave the batch correctly, and a
9x9 block-move sweep asks the host for at most half the torch calls it used to."""

from dataclasses import replace
from pathlib import Path

import pytest
import torch

from encoders.encoded import stack_fillings
from encoders.sudoku import SudokuEncoder
from puzzles.sudoku.model import Sudoku
from solver.config import SamplerConfig
from solver.energy import PenaltyEnergy
from solver.glauber import GlauberSampler
from solver.observers import Observer
from solver.schedule import AnnealSchedule
from solver.tracing import (SIM_DEVICE, CallCounter, DeviceMix, DevicePlacement, HostSync,
                            NoSync)

EXAMPLES = Path(__file__).parent.parent / "examples"
MOVES = ["block", "block+shuffle", "shuffle", "swap", "site", "site/sweep", "site/random"]


pytestmark = pytest.mark.usefixtures("one_thread")


def six_by_six(propagate: str = "none"):
    """The bundled 6x6 examples, encoded (without propagation their boxes have 2 to 720
    fillings: block moves list some, block+shuffle keeps the rest)."""
    lines = [ln.strip() for ln in (EXAMPLES / "sudoku_6x6.txt").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    return [SudokuEncoder(propagate).encode(Sudoku.parse(ln, (2, 3))) for ln in lines]


def sampler_for(encs, move: str, device="cpu", **config) -> GlauberSampler:
    """A sampler for encoded puzzles of one structure; move as in MOVES."""
    first = encs[0]
    energy = PenaltyEnergy.from_encoded(first, device)
    kind, _, order = move.partition("/")
    fills = None
    if kind == "block":
        fills = stack_fillings([e.block_fillings() for e in encs])
    elif kind == "block+shuffle":
        fills = stack_fillings([e.mixed_fillings(100) for e in encs])
        assert fills[2].any() and not fills[2].all()
    config = SamplerConfig(move=kind.split("+")[0], order=order or "chromatic", shuffle=3,
                           **{"chains": 4, "time_limit": 1e6, **config})
    if kind == "site":
        return GlauberSampler(energy, first.colour_classes(), config, device)
    return GlauberSampler(energy, [], config, device, first.perm_groups, first.perm_group_classes(), fills)


def allowed_of(encs) -> torch.Tensor:
    return torch.stack([e.allowed for e in encs])


# --- the modes themselves ------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda t: t.sum().item(), lambda t: t.cpu(), lambda t: bool(t.any()), lambda t: t.tolist(),
    lambda t: t.nonzero(), lambda t: torch.unique(t), lambda t: t[t > 0], lambda t: int(t[0]),
    lambda t: torch.equal(t, t), lambda t: torch.bincount(t.long()), lambda t: float(t.max()),
    lambda t: t.repeat_interleave(t.long().clamp(0, 2)), lambda t: torch.where(t > 0),
    lambda t: t.unique_consecutive(), lambda t: t.masked_select(t > 0), lambda t: t.to("cuda"),
])
def test_no_sync_refuses_reads_and_data_dependent_shapes(call):
    t = torch.tensor([0.0, 1.0, 2.0])
    with pytest.raises(HostSync), NoSync():
        call(t)


def test_no_sync_lets_device_work_through():
    t = torch.arange(6.0)
    with NoSync():
        u = torch.where(t > 2, t, -t).cumsum(0).view(2, 3).gather(1, torch.zeros(2, 1, dtype=torch.long))
        t[torch.tensor([1, 2])] = 0.0  # integer indices: no sync
        assert u.shape == (2, 1)


def test_device_placement_catches_host_and_device_tensors_meeting():
    with DevicePlacement():
        host = torch.arange(4)
        dev = torch.arange(4, device=SIM_DEVICE)
        assert dev.device == SIM_DEVICE and host.device == torch.device("cpu")
        same = torch.zeros(4, device=dev.device) + dev  # device=t.device keeps the tag
        moved = host.to(SIM_DEVICE) + dev
        back = (same + moved).cpu() + host  # a copy to the host may meet host tensors
        with pytest.raises(DeviceMix):
            host[dev > 1]  # moves.py:248 before e875092: a host tensor, a device mask
        with pytest.raises(DeviceMix):
            dev + host
        with pytest.raises(DeviceMix):
            dev[host]  # on CUDA a hidden copy and a sync
        assert back.tolist() == [0, 4, 8, 12]


# --- every tensor a run meets is on the sampler's device -----------------------------------

@pytest.mark.parametrize("move,schedule", [(m, "tempering") for m in MOVES]
                         + [("block", "geometric"), ("site", "geometric")])
def test_every_tensor_a_run_meets_is_on_the_samplers_device(move, schedule):
    encs = six_by_six()
    with DevicePlacement() as mode:
        sampler = sampler_for(encs, move, SIM_DEVICE, sweeps=24, patience=3,
                              schedule=AnnealSchedule(schedule, 0.5, 3.0, sweeps=10))
        result = sampler.run(allowed_of(encs), torch.Generator().manual_seed(0))
        samples = sampler.sample(allowed_of(encs[:2]), torch.Generator().manual_seed(1), 3, 1.0).states
    assert mode.calls > 100 and samples.shape == (2, 4, 36)
    assert result.states.device.type == "cpu" and (result.sweeps <= 24).all()


def test_a_stale_host_table_in_a_kernel_is_caught(monkeypatch):
    """The check has teeth: the block+shuffle kernel as it was before e875092 (host colour
    classes indexed with a device mask) fails it."""
    import solver.moves as moves

    def init(self, energy, perm_groups, perm_classes, fillings, real, keep, device, m=5, rounds=1.0):
        kept = keep.to(device).any(0)
        [c[kept[c.to(device)]] for c in perm_classes]  # the old line

    monkeypatch.setattr(moves.MixedMoves, "__init__", init)
    with DevicePlacement(), pytest.raises(DeviceMix):
        sampler_for(six_by_six(), "block+shuffle", SIM_DEVICE)


# --- no host sync inside the sweeps --------------------------------------------------------

def guarded(sampler, monkeypatch, every=16):
    """Run the sampler's chunks of sweeps under NoSync; returns the chunks' (start, end)."""
    monkeypatch.setattr(GlauberSampler, "check_every", every)
    monkeypatch.setattr(GlauberSampler, "check_seconds", float("inf"))
    chunks = []
    advance = sampler._advance

    def run_chunk(run, sweep, k):
        with NoSync():
            reached, spent = advance(run, sweep, k)
        chunks.append((sweep, reached))
        return reached, spent

    sampler._advance = run_chunk
    return chunks


@pytest.mark.parametrize("move,schedule", [(m, "tempering") for m in MOVES]
                         + [(m, "linear") for m in ("block", "site", "swap")])
def test_no_host_sync_in_16_sweeps(move, schedule, monkeypatch):
    encs = six_by_six()
    # never solved (tolerance below zero), so every chunk runs its 16 sweeps; restarts
    # every 10 sweeps (patience 2) and exchanges every sweep happen inside the chunks
    sampler = sampler_for(encs, move, sweeps=32, patience=2, tolerance=-1.0,
                          schedule=AnnealSchedule(schedule, 0.5, 3.0, sweeps=10))
    chunks = guarded(sampler, monkeypatch)
    result = sampler.run(allowed_of(encs), torch.Generator().manual_seed(2))
    assert chunks[:2] == [(0, 16), (16, 32)]
    assert (result.sweeps == 32).all() and result.restarts.sum() > 0


def test_no_host_sync_with_one_chain(monkeypatch):
    """--chains 1 with tempering (a ladder of one rung: no exchange)."""
    encs = six_by_six()
    sampler = sampler_for(encs, "block", chains=1, sweeps=16, tolerance=-1.0)
    chunks = guarded(sampler, monkeypatch)
    assert (sampler.run(allowed_of(encs), torch.Generator().manual_seed(3)).sweeps == 16).all()
    assert chunks[0] == (0, 16)


# --- finished problems leave the batch -----------------------------------------------------

def mixed_batch():
    """Two 4x4 puzzles that propagation solves (zero energy at once), one that needs a
    few sweeps and one that can never reach zero (its first row needs two 1s)."""
    enc = SudokuEncoder("full")
    solved = [enc.encode(Sudoku.parse(t, (2, 2))) for t in ("...4.1.2.....3..", "..23....2.4.1...")]
    open_ = SudokuEncoder("none").encode(Sudoku.parse("1.........2..31.", (2, 2)))
    stuck = SudokuEncoder("none").encode(Sudoku.parse("1...............", (2, 2)))
    allowed = stuck.allowed.clone()
    allowed[3] = torch.tensor([True, False, False, False])  # row 0 holds 1 at sites 0 and 3
    stuck = replace(stuck, allowed=allowed)
    return solved + [open_], stuck, torch.stack([e.allowed for e in solved + [open_, stuck]])


@pytest.mark.parametrize("move,lagged", [("block", False), ("swap", False), ("site", False),
                                         ("block", True)])
def test_finished_problems_leave_and_the_rest_carry_on(move, lagged, monkeypatch):
    """(lagged: the flags read a chunk late, as on CUDA)"""
    encs, stuck, allowed = mixed_batch()
    sampler = sampler_for(encs + [stuck], move, chains=6, sweeps=40)
    monkeypatch.setattr(GlauberSampler, "check_every", 4)
    monkeypatch.setattr(GlauberSampler, "lagged", lagged)
    compactions = []
    compact = sampler._compact
    sampler._compact = lambda run, results, keep: (compactions.append(list(keep)), compact(run, results, keep))
    done = []

    class Finished(Observer):
        def finished(self, count):
            done.append(count)

    result = sampler.run(allowed, torch.Generator().manual_seed(4), Finished())
    assert result.solved.tolist() == [True, True, True, False] and sum(done) == 4
    assert compactions[0][-1] == 3 and not {0, 1} & set(compactions[0])  # relative to the run
    assert result.sweeps[:2].tolist() == [0, 0] and result.sweeps[3] == 40
    assert result.energies[3] >= 1 and (result.energies[:3] == 0).all()
    energy = sampler.energy
    assert torch.equal(energy.energy(result.states, energy.prepare(result.states)), result.energies)
    assert allowed[torch.arange(4)[:, None], torch.arange(16), result.states][:3].all()
    # the stuck problem kept sweeping after the others left: all its updates counted
    assert result.site_updates[3] == 40 * 6 * 16
    again = sampler_for(encs + [stuck], move, chains=6, sweeps=40).run(allowed, torch.Generator().manual_seed(4))
    assert torch.equal(result.states, again.states) and torch.equal(result.sweeps, again.sweeps)


# --- host calls per sweep --------------------------------------------------------------------

def calls_per_sweep(move: str) -> float:
    """Torch calls per sweep in steady state, 9x9 block moves on one bundled example at
    two chains (the long run minus the short one)."""
    import csv
    with open(EXAMPLES / "sudoku_9x9.csv") as f:
        row = next(csv.DictReader(f))["puzzle"]
    encs = [SudokuEncoder("full").encode(Sudoku.parse(row))]
    counts = []
    for sweeps in (10, 40):
        sampler = sampler_for(encs, move, chains=2, sweeps=sweeps, tolerance=-1.0)
        with CallCounter() as counter:
            sampler.run(allowed_of(encs), torch.Generator().manual_seed(5))
        counts.append(counter)
    return (counts[1].calls - counts[0].calls) / 30, (counts[1].syncs - counts[0].syncs) / 30


def test_a_9x9_block_sweep_asks_the_host_for_at_most_half_the_calls_it_did():
    calls, syncs = calls_per_sweep("block")
    assert calls <= 390 / 2  # 390 calls per sweep (6 to 7 syncs) before issue #25
    assert syncs <= 0.2  # one read of the live flags per 10 sweeps


def test_the_9x9_colourings_are_optimal():
    enc = SudokuEncoder("full").encode(Sudoku((3, 3), (0,) * 81))
    assert [len(c) for c in enc.colour_classes()] == [9] * 9
    assert [len(c) for c in enc.perm_group_classes()] == [3] * 3


# --- memory: the estimate that sizes batches covers what a run holds -----------------------

def measured_and_estimated(encs, move: str, chains: int):
    from solver.moves import batch_bytes
    from solver.tracing import MemoryPeak
    first = encs[0]
    with MemoryPeak() as memory:
        sampler = sampler_for(encs, move, chains=chains, sweeps=11, patience=2)
        sampler.run(allowed_of(encs), torch.Generator().manual_seed(6))
    classes = first.colour_classes() if move == "site" else first.perm_group_classes()
    fills = max(e.mixed_fillings(100)[0].shape[1] for e in encs) if move.startswith("block") else 0
    estimate = batch_bytes(move, len(encs), chains, first.sites, first.values, first.groups.shape[0],
                           first.perm_groups.shape[0], max(len(c) for c in classes), fills, 3)
    return memory.peak, estimate


@pytest.mark.parametrize("move", ["block+shuffle", "site", "swap", "shuffle"])
def test_the_memory_estimate_covers_a_runs_tensors(move):
    encs = six_by_six()
    for chains in (4, 64):
        peak, estimate = measured_and_estimated(encs, move, chains)
        assert peak <= estimate <= 4 * peak + (1 << 20), (chains, peak, estimate)
