"""pytest-benchmark versions of the smaller scenarios of bench/run.py.

Run: ``.venv/bin/python -m pytest -p no:django bench/test_bench.py --benchmark-enable``.
The project's pytest options include ``--benchmark-disable``, under which each function
runs once, as a plain test.
"""

from __future__ import annotations

from typing import Any

import pytest

from matchengine import solve
from matchengine.generate import generate
from matchengine.instance import canonical_sha256
from matchengine.verify import find_blocking, verify

CARMS = {"applicants": 5_000, "programs": 650, "positions": 4_500}


@pytest.fixture(scope="module")
def carms() -> dict[str, Any]:
    return generate(**CARMS, seed=5)


@pytest.fixture(scope="module")
def carms_couples() -> dict[str, Any]:
    return generate(**CARMS, seed=5, couples_share=0.025)


def test_solve_carms_singles(benchmark: Any, carms: dict[str, Any]) -> None:
    result = benchmark(solve, carms)
    assert result["status"] == "stable"


def test_solve_carms_with_couples(benchmark: Any, carms_couples: dict[str, Any]) -> None:
    result = benchmark(solve, carms_couples)
    assert result["status"] in ("stable", "no-stable-matching", "unresolved")


def test_verify_carms(benchmark: Any, carms: dict[str, Any]) -> None:
    result = solve(carms)
    assert benchmark(verify, carms, result) == []


def test_verify_carms_given_hash(benchmark: Any, carms: dict[str, Any]) -> None:
    result = solve(carms)
    sha = canonical_sha256(carms)
    assert benchmark(lambda: verify(carms, result, instance_sha256=sha)) == []


def test_find_blocking_carms(benchmark: Any, carms: dict[str, Any]) -> None:
    result = solve(carms)
    assert benchmark(find_blocking, carms, result) == []


def test_generate_carms(benchmark: Any) -> None:
    instance = benchmark(generate, **CARMS, seed=5)
    assert len(instance["applicants"]) == CARMS["applicants"]
