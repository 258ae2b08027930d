import io
import os
import sys

import pytest
from hypothesis import HealthCheck, settings

# CI runs on 2 slow cores: fewer examples, no deadline (SAT calls vary in time).
settings.register_profile("ci", max_examples=30, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))



class _Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture
def stderr(monkeypatch):
    """stderr(tty) -> a StringIO standing in for sys.stderr, a terminal or not."""
    def make(tty: bool = True) -> io.StringIO:
        stream = _Terminal() if tty else io.StringIO()
        monkeypatch.setattr(sys, "stderr", stream)
        return stream
    return make


@pytest.fixture
def frozen_clock(monkeypatch):
    """time.perf_counter stands still: solver runs end by their sweep or round budgets,
    never by the clock (the default 30 s limit), however busy the machine."""
    import time  # noqa: PLC0415
    monkeypatch.setattr(time, "perf_counter", lambda: 0.0)


@pytest.fixture
def one_thread():
    """Small tensors: one intra-op thread is faster than two on shared cores."""
    import torch  # noqa: PLC0415 (only the modules that use this fixture need torch)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
