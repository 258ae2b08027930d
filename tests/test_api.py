"""The public API: `import glauber` (names, docs), a user's energy term, traces, the
sampler's start states, and docs/api.md's code blocks run as written."""

import pathlib
import re

import pytest
import torch

import glauber

DOC = pathlib.Path(__file__).resolve().parents[1] / "docs" / "api.md"
pytestmark = pytest.mark.usefixtures("frozen_clock")  # budgets end the runs, not the clock
EMPTY_4X4 = glauber.Sudoku.parse("." * 16)  # 288 solutions
TARGET = (0, 1, 2, 3, 2, 3, 0, 1, 1, 0, 3, 2, 3, 2, 1, 0)  # value indices of one of them


def test_every_public_name_exists_is_documented_and_star_import_gives_exactly_them():
    assert len(set(glauber.__all__)) == len(glauber.__all__)
    for name in glauber.__all__:
        obj = getattr(glauber, name)
        if callable(obj) and not isinstance(obj, dict):
            assert obj.__doc__, f"glauber.{name} has no docstring"
    namespace: dict = {}
    exec("from glauber import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(glauber.__all__)


class Prefer:
    """A term written to the `Energy` protocol alone (no base class): -strength per site
    that differs from `target`."""

    def __init__(self, target, strength: float):
        self.target, self.strength = torch.tensor(target), strength

    def prepare(self, x):
        return None

    def logits(self, x, cache, sites):
        want = self.target.to(x.device)[sites]
        return self.strength * torch.nn.functional.one_hot(want, 4).float()

    def commit(self, x, cache, sites, new):
        pass

    def energy(self, x, cache):
        return -self.strength * (x == self.target.to(x.device)).float().sum(1)

    def select(self, cache, keep):
        return cache

    def lift(self, x, cache, sites):
        return -self.logits(x, cache, sites)

    def place(self, cache, sites, new):
        pass

    def swap_delta(self, x, cache, i, j):
        t = self.target.to(x.device)
        a, c = x.gather(1, i), x.gather(1, j)
        gained = (c == t[i]).float() + (a == t[j]).float() - (a == t[i]).float() - (c == t[j]).float()
        return -self.strength * gained

    def at_age(self, age):
        pass

    def bind(self, owner):
        pass

    def prior(self, x, open_sites):
        sites = torch.arange(x.shape[1], device=x.device).expand(x.shape[0], -1)
        return torch.log_softmax(self.logits(x, None, sites), -1)


@pytest.mark.parametrize("search", ["construct", "anneal"])
def test_a_user_energy_term_changes_which_solution_comes_back(search):
    assert isinstance(Prefer(TARGET, 1.0), glauber.Energy)

    def hits(terms) -> int:
        found = 0
        for seed in range(6):
            solver = glauber.GlauberSolver(search=search, seed=seed, terms=terms)
            (outcome,) = glauber.solve_all(solver, [EMPTY_4X4])
            assert outcome.verified  # a term never makes a wrong answer count
            found += tuple(c - 1 for c in outcome.solution.cells) == TARGET
        return found

    assert hits([(1.0, Prefer(TARGET, 8.0))]) >= 5
    assert hits([]) <= 1  # one solution of 288, by chance


def test_base_energy_fills_in_swap_moves_from_logits():
    class Unary(glauber.BaseEnergy):
        def __init__(self, table):
            self.table = table  # FloatTensor[N, V]: -E of each value at each site

        def logits(self, x, cache, sites):
            return self.table[sites]

    table = torch.randn(6, 3, generator=torch.Generator().manual_seed(0))
    term = Unary(table)
    x = torch.tensor([[0, 1, 2, 0, 1, 2]])
    i, j = torch.tensor([[0, 3]]), torch.tensor([[1, 5]])
    swapped = x.clone()
    swapped[0, [0, 1, 3, 5]] = x[0, [1, 0, 5, 3]]
    energy = lambda s: -table[torch.arange(6), s[0]]  # noqa: E731 (per-site energies)
    for k in range(2):
        a, b = int(i[0, k]), int(j[0, k])
        exact = float((energy(swapped) - energy(x))[[a, b]].sum())
        assert float(term.swap_delta(x, None, i, j)[0, k]) == pytest.approx(exact, abs=1e-5)


def test_traces_of_every_chain_come_back_from_one_call():
    puzzles = [glauber.Sudoku.parse(p) for p in ("...4.1.2.....3..", "..23....2.4.1...")]
    trace = glauber.EnergyTrace()
    solver = glauber.GlauberSolver(search="anneal", seed=0)
    outcomes = glauber.solve_all(solver, puzzles, observer=trace)
    assert trace.problems == [0, 1]
    for k, outcome in enumerate(outcomes):
        energies = trace.energies(k)
        assert outcome.verified and energies.shape == (len(trace.sweeps(k)), solver.config.chains)
        assert trace.sweeps(k) == sorted(trace.sweeps(k))
        assert float(energies[-1].min()) == 0  # the last row: the sweep it was solved at
        assert not torch.isnan(energies).any()  # rows after it (NaN) are left out
    with pytest.raises(KeyError):
        trace.energies(7)


def test_sample_starts_from_given_states_and_rejects_forbidden_ones():
    enc = glauber.encoder("sudoku", "none").encode(glauber.Sudoku.parse("1" + "." * 15))
    energy = glauber.PenaltyEnergy.from_encoded(enc)
    sampler = glauber.GlauberSampler(energy, enc.colour_classes(), glauber.SamplerConfig(chains=3, move="site"))
    allowed = enc.allowed.unsqueeze(0)
    start = torch.tensor(TARGET).view(1, 16)
    draws = sampler.sample(allowed, torch.Generator().manual_seed(0), sweeps=0, beta=1.0, start=start)
    assert (draws.states == start).all() and (draws.energies == 0).all()
    bad = start.clone()
    bad[0, 0] = 3  # the given 1 at site 0 allows value 0 only
    with pytest.raises(ValueError, match="hard masks forbid"):
        sampler.sample(allowed, torch.Generator().manual_seed(0), sweeps=1, beta=1.0, start=bad)
    with pytest.raises(ValueError, match="start states must be"):
        sampler.sample(allowed, torch.Generator(), sweeps=1, beta=1.0, start=start[:, :5])


def test_the_api_page_runs_as_written(capsys):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert len(blocks) >= 4
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)


def test_constructive_traces_have_a_chain_per_construction():
    puzzles = [glauber.Sudoku.parse("...4.1.2.....3.."), EMPTY_4X4]
    trace = glauber.EnergyTrace()
    solver = glauber.GlauberSolver(seed=0)
    outcomes = glauber.solve_all(solver, puzzles, observer=trace)
    for k, outcome in enumerate(outcomes):
        energies = trace.energies(k)
        assert outcome.verified and energies.shape[1] == solver.colony.ants
        assert trace.sweeps(k) == list(range(len(energies)))
        filled = torch.nan_to_num(energies[-1], nan=float("inf"))  # NaN: ants not run
        assert float(filled.min()) == 0  # the construction that filled the grid


@pytest.mark.parametrize("search", ["construct", "anneal"])
def test_one_observer_hears_every_puzzle_finish_and_its_result(search):
    class Counter(glauber.Observer):
        def __init__(self):
            self.finished_count, self.results = 0, {}

        def finished(self, count):
            self.finished_count += count

        def result(self, index, attempt):
            assert index not in self.results  # once each
            self.results[index] = attempt

    contradictory = glauber.Sudoku.parse("11" + "." * 14)  # never reaches a search
    puzzles = [glauber.Sudoku.parse("...4.1.2.....3.."), contradictory, EMPTY_4X4,
               glauber.ZebraGenerator(3, 3, seed=1).generate().puzzle]
    counter = Counter()
    attempts = glauber.GlauberSolver(search=search, seed=0).solve_many(puzzles, counter)
    assert counter.finished_count == len(puzzles)
    assert counter.results == dict(enumerate(attempts))
    assert attempts[1].solution is None and attempts[0].solution is not None
    assert not counter.listens("sweep") and glauber.EnergyTrace().listens("sweep")


def test_sample_checks_what_the_moves_keep_and_takes_energies_without_a_total():
    enc = glauber.encoder("sudoku", "none").encode(EMPTY_4X4)
    energy = glauber.PenaltyEnergy.from_encoded(enc)
    swaps = glauber.GlauberSampler(energy, [], glauber.SamplerConfig(chains=2, move="swap"),
                                   perm_groups=enc.perm_groups,
                                   perm_classes=enc.perm_group_classes())
    allowed = enc.allowed.unsqueeze(0)
    with pytest.raises(ValueError, match="permutation"):  # all zeros: no group a permutation
        swaps.sample(allowed, torch.Generator(), 1, 1.0, start=torch.zeros(1, 16, dtype=torch.long))
    with pytest.raises(ValueError, match="integers"):
        swaps.sample(allowed, torch.Generator(), 1, 1.0, start=torch.tensor(TARGET).float().view(1, 16))
    draws = swaps.sample(allowed, torch.Generator().manual_seed(0), 3, 1.0,
                         start=torch.tensor(TARGET).view(1, 16))
    rows = draws.states[0][:, enc.perm_groups]  # swaps keep every group a permutation
    assert (rows.sort(-1).values == torch.arange(4)).all()

    class Logits(glauber.BaseEnergy):  # no total energy
        def logits(self, x, cache, sites):
            return torch.zeros(*sites.shape, 4)

    sites = glauber.GlauberSampler(Logits(), enc.colour_classes(),
                                   glauber.SamplerConfig(chains=2, move="site"))
    draws = sites.sample(allowed, torch.Generator().manual_seed(0), 2, 1.0)
    assert draws.energies is None and draws.states.shape == (1, 2, 16)


def test_streams_tell_the_observer_each_attempt_then_its_outcome_in_order():
    puzzles = [glauber.Sudoku.parse(p) for p in ("...4.1.2.....3..", "..23....2.4.1...")]
    for solver in (glauber.GlauberSolver(search="anneal", seed=0), glauber.ReferenceSolver()):
        events = []
        glauber.solve_all(solver, puzzles, glauber.Hooks(
            result=lambda i, a: events.append(("result", i)),
            outcome=lambda i, o: events.append(("outcome", i))))
        for i in range(2):
            assert events.index(("result", i)) < events.index(("outcome", i))
        assert [i for kind, i in events if kind == "outcome"] == [0, 1]
        heard, items = [], []
        glauber.solve_stream(solver, puzzles, lambda p: p, lambda i, p, o: items.append(i),
                             glauber.Hooks(outcome=lambda i, o: heard.append(i)), window=1)
        assert heard == items == [0, 1]
    with pytest.raises(ValueError, match="window"):
        glauber.solve_stream(glauber.ReferenceSolver(), puzzles, lambda p: p,
                             lambda i, p, o: None, window=0)
