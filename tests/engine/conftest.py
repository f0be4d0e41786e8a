"""Fixtures shared by the engine's tests."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pids of the children the engine forks during the test (fork allowed even in a
    pytest-xdist worker, which has a second thread; the children run engine code only)."""
    from matchengine import forking

    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform")
    pids: list[int] = []
    real_fork = os.fork

    def counting_fork() -> int:
        pid = real_fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counting_fork)
    monkeypatch.setattr(forking, "may_fork", lambda: True)
    return pids
