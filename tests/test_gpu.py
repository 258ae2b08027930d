"""The device path: the same kernels and the same verification on a second device.

Every test takes `device`: "sim" runs on the CPU as `torch.device("cpu", 0)` under
`solver.tracing.DevicePlacement`, which fails any call where a host tensor meets a device
tensor (what CUDA refuses, or pays a hidden copy for), so CI covers the placement of
every move kind, the LM energies, Zebra and the constructive search's repairs; "cuda"
runs the same on a GPU (`pytest -m gpu`, skipped without one), plus the checks only a GPU
can make (the driver's own sync detector).
"""

import itertools
from pathlib import Path

import pytest
import torch
from test_sampler import site_instance, total_variation

from encoders.pipeline import GlauberSolver
from puzzles.formats import read_file
from harness.solving import solve_all
from solver.glauber import GlauberSampler, SamplerConfig
from solver.tracing import SIM_DEVICE, DevicePlacement

EXAMPLES = Path(__file__).parent.parent / "examples"
CUDA = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


@pytest.fixture(params=["sim", pytest.param("cuda", marks=[pytest.mark.gpu, CUDA])])
def device(request):
    if request.param == "cuda":
        yield torch.device("cuda")
        return
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    with DevicePlacement():
        yield SIM_DEVICE
    torch.set_num_threads(threads)


def examples(name: str, count: int):
    return [r.puzzle for r in read_file(str(EXAMPLES / name)).records][:count]


def solver(device, move="block", chains=8, sweeps=200, **options) -> GlauberSolver:
    config = SamplerConfig(chains=chains, sweeps=sweeps, time_limit=60, move=move)
    return GlauberSolver(config, device=str(device), seed=1, search=options.pop("search", "anneal"), **options)


def test_site_moves_sample_the_boltzmann_distribution(device):
    energy = site_instance()
    sites, tables, _, _ = energy.pairs
    f = sites.shape[0]
    on_device = type(energy)(4, 3, energy.groups.cpu(), energy.unary.cpu(), sites.cpu(),
                             tables[:f].cpu(), device=device)
    colours = [torch.tensor([s]) for s in range(4)]
    sampler = GlauberSampler(on_device, colours, SamplerConfig(chains=20000, move="site"), device=device)
    samples = sampler.sample(torch.ones(1, 4, 3, dtype=torch.bool),
                             torch.Generator(device=device).manual_seed(0), sweeps=12, beta=0.8).states
    assert total_variation(site_instance(), samples, list(itertools.product(range(3), repeat=4))) < 0.05


@pytest.mark.parametrize("move", ["block", "shuffle", "swap", "site"])
def test_solver_answers_verify_and_repeat(device, move):
    puzzles = examples("sudoku_9x9.csv", 3 if device == SIM_DEVICE else 10)
    outcomes = solve_all(solver(device, move), puzzles)
    assert all(o.verified for o in outcomes)
    again = solve_all(solver(device, move), puzzles)
    assert [o.attempt.stats["sweeps"] for o in outcomes] == [o.attempt.stats["sweeps"] for o in again]


def test_block_and_shuffle_moves_on_16x16(device):
    """The second bundled 16x16 has boxes too loose to list: block+shuffle moves."""
    outcomes = solve_all(solver(device, chains=4, sweeps=20), examples("sudoku_16x16.jsonl", 2))
    assert {o.attempt.stats["move"] for o in outcomes} == {"block", "block+shuffle"}
    assert all(o.verified for o in outcomes if o.attempt.solution is not None)


def test_zebra_swap_moves_with_pair_and_disjunctive_factors(device):
    outcomes = solve_all(solver(device, sweeps=150), examples("zebra_5x5.jsonl", 2))
    assert {o.attempt.stats["move"] for o in outcomes} == {"swap"}
    assert any(o.verified for o in outcomes)


@pytest.mark.parametrize("name,options", [("sudoku_4x4.txt", {"energy": "lm+penalty", "lm_refresh": 2}),
                                          ("sudoku_6x6.txt", {"init": "lm"}),
                                          ("zebra_4x4.txt", {"energy": "lm+penalty"})])
def test_language_model_energies(device, name, options):
    outcomes = solve_all(solver(device, chains=4, sweeps=100, **options), examples(name, 2))
    assert all(o.verified for o in outcomes if o.attempt.solution is not None)
    assert any(o.verified for o in outcomes)


def test_constructive_search_with_glauber_repairs(device):
    """Repairs run the sampler on the device (seeds tried until one needs a repair)."""
    repaired = 0
    for seed in range(4):
        search = solver(device, chains=4, sweeps=20, search="construct", repair_every=1)
        search.seed = seed
        outcomes = solve_all(search, examples("sudoku_16x16.jsonl", 2))
        assert all(o.verified for o in outcomes if o.attempt.solution is not None)
        repaired += sum(o.attempt.stats["repair_sweeps"] for o in outcomes)
        if repaired:
            break
    assert repaired > 0


# --- only on a GPU ---------------------------------------------------------------------------

@pytest.mark.gpu
@CUDA
@pytest.mark.parametrize("move", ["block", "site", "swap"])
def test_cuda_runs_16_sweeps_without_a_sync(move, monkeypatch):
    """The driver's own detector (`torch.cuda.set_sync_debug_mode`) inside every chunk."""
    from test_sampler_host import allowed_of, sampler_for, six_by_six
    monkeypatch.setattr(GlauberSampler, "check_every", 16)
    encs = six_by_six()
    sampler = sampler_for(encs, move, "cuda", sweeps=48, patience=2, tolerance=-1.0)
    advance = sampler._advance

    def chunk(run, sweep, k):
        torch.cuda.set_sync_debug_mode("error")
        try:
            return advance(run, sweep, k)
        finally:
            torch.cuda.set_sync_debug_mode(0)

    sampler._advance = chunk
    result = sampler.run(allowed_of(encs), torch.Generator(device="cuda").manual_seed(0))
    assert (result.sweeps == 48).all()


@pytest.mark.gpu
@CUDA
@pytest.mark.parametrize("move", ["block", "site", "swap"])
def test_cuda_graph_replays_a_chunk_of_sweeps(move):
    """Static shapes and in-place state: one chunk of 10 sweeps (a restart check at its
    first sweep, exchanges of both parities) captured as a CUDA graph with the run's
    generator registered, then replayed; the states stay valid and the counts match them.
    (Written without a GPU at hand: this is the check to run when one is lent.)"""
    from test_sampler_host import allowed_of, sampler_for, six_by_six
    encs = six_by_six()
    sampler = sampler_for(encs, move, "cuda", chains=8, sweeps=10**6, patience=2, tolerance=-1.0)
    generator = torch.Generator(device="cuda").manual_seed(0)
    run = sampler._setup(allowed_of(encs), generator)
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):  # warm-up off the capture stream (plans, allocator)
        sampler._advance(run, 0, 10)
        sampler._advance(run, 10, 10)
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    graph.register_generator_state(generator)
    with torch.cuda.graph(graph):
        sampler._advance(run, 20, 10)
    before = run.x.clone()
    for _ in range(5):
        graph.replay()
    torch.cuda.synchronize()
    assert not torch.equal(before, run.x)  # the replays moved the chains
    # 20 sweeps eagerly, none while capturing (kernels are recorded, not run), 5 x 10 replayed
    assert int(run.counter) == 70 and (run.sweeps == 69).all()
    energy = sampler.energy
    assert torch.equal(run.cache, energy.prepare(run.x))  # incremental counts kept up
    allowed = allowed_of(encs).cuda().repeat_interleave(8, 0)
    assert allowed.gather(2, run.x.unsqueeze(-1)).all()  # every value within the mask
