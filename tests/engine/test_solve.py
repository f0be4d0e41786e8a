"""solve(): the result format, optimality against brute force, determinism."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchengine import InstanceError, __version__, canonical_sha256, solve, verify

from .bruteforce import applicant_optimal, program_optimal, stable_matchings
from .instances import instance, shuffled, tiny_instances

Instance = dict[str, Any]


def small() -> Instance:
    return instance(
        programs={"P1": (1, ["A1", "A2"]), "P2": (2, ["A2", "A3", "A1"]), "P3": (0, ["A3"])},
        applicants={"A1": ["P2", "P1"], "A2": ["P1", "P2"], "A3": ["P3", "P2"], "A4": []},
    )


def test_result_has_exactly_the_fields_of_the_format() -> None:
    inst = small()
    result = solve(inst)
    assert set(result) == {
        "format", "proposing", "status", "assignments", "final_capacity", "blocking",
        "instance_sha256", "engine",
    }  # fmt: skip
    assert result["format"] == "match-result/1"
    assert result["proposing"] == "applicant"
    assert result["status"] == "stable"
    assert result["blocking"] == []
    assert result["engine"] == f"matchengine {__version__}" == "matchengine 0.1.0"
    assert result["instance_sha256"] == canonical_sha256(inst)
    assert list(result["assignments"]) == ["A1", "A2", "A3", "A4"]  # every applicant
    assert result["assignments"]["A4"] is None
    assert result["final_capacity"] == {"P1": 1, "P2": 2, "P3": 0}  # every program
    assert verify(inst, result) == []


def test_empty_instance() -> None:
    result = solve({"programs": [], "applicants": []})
    assert result["assignments"] == {}
    assert result["final_capacity"] == {}
    assert result["status"] == "stable"


def test_input_is_not_mutated() -> None:
    inst = small()
    before = copy.deepcopy(inst)
    solve(inst)
    solve(inst, proposing="program")
    assert inst == before


@pytest.mark.parametrize("bad", ["applicants", "", None, "APPLICANT"])
def test_proposing_must_be_applicant_or_program(bad: Any) -> None:
    with pytest.raises(ValueError, match="proposing"):
        solve(small(), proposing=bad)


@pytest.mark.parametrize("bad", [0, -1, True, "5", float("nan")])
def test_time_limit_must_be_positive(bad: Any) -> None:
    with pytest.raises(ValueError, match="time_limit"):
        solve(small(), time_limit=bad)


def test_unacceptable_pairs_are_never_matched() -> None:
    inst = instance(programs={"P1": (3, ["A1"])}, applicants={"A1": ["P1"], "A2": ["P1"]})
    for side in ("applicant", "program"):
        assert solve(inst, proposing=side)["assignments"] == {"A1": "P1", "A2": None}


@given(tiny_instances(max_applicants=5, max_programs=3))
@settings(max_examples=300, deadline=None)
def test_applicant_proposing_is_the_applicant_optimal_stable_matching(inst: Instance) -> None:
    expected = applicant_optimal(inst, stable_matchings(inst))
    result = solve(inst)
    assert result["status"] == "stable"
    assert result["assignments"] == expected
    assert verify(inst, result) == []


@given(tiny_instances(max_applicants=5, max_programs=3))
@settings(max_examples=300, deadline=None)
def test_program_proposing_is_the_program_optimal_stable_matching(inst: Instance) -> None:
    expected = program_optimal(inst, stable_matchings(inst))
    result = solve(inst, proposing="program")
    assert result["status"] == "stable"
    assert result["assignments"] == expected
    assert verify(inst, result) == []


@given(
    tiny_instances(max_applicants=6, max_programs=4, max_couples=2, reversion=True),
    st.integers(0, 2**32),
    st.sampled_from(["applicant", "program"]),
)
@settings(max_examples=300, deadline=None)
def test_the_order_of_the_arrays_changes_nothing(inst: Instance, seed: int, side: str) -> None:
    a = solve(inst, proposing=side)
    b = solve(shuffled(inst, seed), proposing=side)
    # The hash differs (it is the hash of a different text); nothing else does.
    a.pop("instance_sha256")
    b.pop("instance_sha256")
    assert a == b
    assert list(a["assignments"]) == list(b["assignments"])
    assert list(a["final_capacity"]) == list(b["final_capacity"])


def test_same_instance_same_result() -> None:
    inst = small()
    assert solve(inst) == solve(copy.deepcopy(inst))


def test_large_instances_are_hashed_in_a_child_process(
    monkeypatch: pytest.MonkeyPatch, forks: list[int]
) -> None:
    import matchengine.solver as solver

    monkeypatch.setattr(solver, "FORK_HASH_MIN_APPLICANTS", 1)
    monkeypatch.setattr(solver, "FAST_HASH", False)  # the fork is the path without orjson
    inst = small()
    result = solve(inst)
    assert forks
    assert result["instance_sha256"] == canonical_sha256(inst)
    inst["x-note"] = "\ud800"  # cannot be written as UTF-8
    with pytest.raises(InstanceError, match="not valid Unicode"):
        solve(inst)
    inst["x-note"] = "ok"
    inst["programs"][0]["capacity"] = -1
    with pytest.raises(InstanceError, match="capacity must be 0 or more"):
        solve(inst)
    monkeypatch.setenv("MATCHENGINE_FORK", "0")
    inst["programs"][0]["capacity"] = 1
    assert solve(inst)["instance_sha256"] == canonical_sha256(inst)
