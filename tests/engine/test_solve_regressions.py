"""Every instance in ``regressions/`` (one per bug found and fixed) solves as recorded.

Each file holds ``description`` (the bug), ``instance``, and ``expect``: the ``status``,
and optionally ``assignments`` and ``final_capacity`` (for ``proposing`` "applicant",
unless ``expect.proposing`` says otherwise).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from matchengine import solve, verify

from .bruteforce import blocking, is_valid
from .instances import shuffled

FOLDER = Path(__file__).parent / "regressions"
CASES = sorted(FOLDER.glob("*.json"))


def test_there_are_regression_cases() -> None:
    assert CASES


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_regression(path: Path) -> None:
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    assert case["description"]
    inst, expect = case["instance"], case["expect"]
    result = solve(inst, proposing=expect.get("proposing", "applicant"))
    assert result["status"] == expect["status"]
    for key in ("assignments", "final_capacity"):
        if key in expect:
            assert result[key] == expect[key]
    problems = verify(inst, result)
    if result["status"] == "stable":
        assert problems == []
        assert is_valid(inst, result["assignments"])
        assert blocking(inst, result["assignments"]) == []
    else:
        assert all(p.startswith("blocking ") for p in problems)
    again = solve(shuffled(inst, 1), proposing=expect.get("proposing", "applicant"))
    assert again["assignments"] == result["assignments"]
