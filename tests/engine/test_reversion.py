"""Reversion: unfilled positions move along reverts_to chains; stability uses final capacities."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from matchengine import solve, verify

from .bruteforce import blocking, final_capacity, is_valid
from .instances import instance, tiny_instances

Instance = dict[str, Any]


def test_img_positions_revert_to_the_cmg_stream() -> None:
    inst = instance(
        programs={
            "FM-IMG": (2, ["I1"], "FM-CMG"),
            "FM-CMG": (1, ["C1", "C2", "C3"]),
        },
        applicants={"I1": ["FM-IMG"], "C1": ["FM-CMG"], "C2": ["FM-CMG"], "C3": ["FM-CMG"]},
    )
    result = solve(inst)
    assert result["final_capacity"] == {"FM-IMG": 1, "FM-CMG": 2}
    assert result["assignments"] == {"I1": "FM-IMG", "C1": "FM-CMG", "C2": "FM-CMG", "C3": None}
    assert verify(inst, result) == []


def test_a_full_program_gives_nothing() -> None:
    inst = instance(
        programs={"A": (1, ["X", "Y"], "B"), "B": (0, ["Y"])},
        applicants={"X": ["A"], "Y": ["A", "B"]},
    )
    result = solve(inst)
    assert result["assignments"] == {"X": "A", "Y": None}
    assert result["final_capacity"] == {"A": 1, "B": 0}


def test_a_reverting_program_that_loses_its_applicant_passes_the_place_on() -> None:
    """A (1 place, reverts to B) and B (0 places) both rank Y; Y prefers B.

    Two stable outcomes: Y at A (A is full, so B has no place), or Y at B (A holds nobody
    and gives its place to B).  Applicant-proposing finds the one Y prefers: B starts with
    A's place, still spare, and takes Y; A never fills it.  Program-proposing: A proposes
    to Y before it has given anything to B, and Y accepts.
    """
    inst = instance(
        programs={"A": (1, ["Y"], "B"), "B": (0, ["Y"])},
        applicants={"Y": ["B", "A"]},
    )
    result = solve(inst)
    assert result["assignments"] == {"Y": "B"}
    assert result["final_capacity"] == {"A": 0, "B": 1}
    assert verify(inst, result) == []
    result = solve(inst, proposing="program")
    assert result["assignments"] == {"Y": "A"}
    assert result["final_capacity"] == {"A": 1, "B": 0}
    assert verify(inst, result) == []


def test_chains_pass_spare_positions_on() -> None:
    inst = instance(
        programs={"A": (2, [], "B"), "B": (1, [], "C"), "C": (0, ["Z1", "Z2", "Z3", "Z4"])},
        applicants={"Z1": ["C"], "Z2": ["C"], "Z3": ["C"], "Z4": ["C"]},
    )
    result = solve(inst)
    assert result["final_capacity"] == {"A": 0, "B": 0, "C": 3}
    assert result["assignments"] == {"Z1": "C", "Z2": "C", "Z3": "C", "Z4": None}


def test_two_programs_reverting_into_one() -> None:
    inst = instance(
        programs={"A": (1, [], "C"), "B": (2, ["Y"], "C"), "C": (1, ["Z1", "Z2", "Z3", "Y"])},
        applicants={"Y": ["B"], "Z1": ["C"], "Z2": ["C"], "Z3": ["C"]},
    )
    result = solve(inst)
    assert result["final_capacity"] == {"A": 0, "B": 1, "C": 3}
    assert result["assignments"] == {"Y": "B", "Z1": "C", "Z2": "C", "Z3": "C"}


@given(
    tiny_instances(max_applicants=6, max_programs=4, reversion=True, max_capacity=3),
    st.sampled_from(["applicant", "program"]),
)
@settings(max_examples=400, deadline=None)
def test_singles_with_reversion_always_end_stable(inst: Instance, side: str) -> None:
    result = solve(inst, proposing=side)
    assert result["status"] == "stable"
    assert verify(inst, result) == []
    # ...and by the brute-force reading of the spec, independently of the verifier.
    assert is_valid(inst, result["assignments"])
    assert blocking(inst, result["assignments"]) == []
    assert result["final_capacity"] == final_capacity(inst, result["assignments"])
