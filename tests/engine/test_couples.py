"""Couples: the insertion heuristic, the exact (SAT) fallback, against brute force."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchengine import solve, verify
from matchengine.couples import add_couples, find_blocks
from matchengine.exact import find_stable
from matchengine.instance import compile_instance
from matchengine.solver import applicant_proposing

from .bruteforce import blocking, is_valid, sat_oracle, stable_matchings
from .instances import instance, tiny_instances

Instance = dict[str, Any]


def _names(inst: Instance, assignment: dict[str, int]) -> dict[str, str | None]:
    market = compile_instance(inst)
    out: dict[str, str | None] = dict.fromkeys(market.app_ids)
    for a, p in assignment.items():
        out[a] = market.prog_ids[p]
    return out


def _heuristic(inst: Instance) -> Any:
    market = compile_instance(inst)
    held, _ = applicant_proposing(market)
    start = {market.pranking[p][r]: p for p, h in enumerate(held) for r in h}
    return add_couples(market, start)


def test_a_couple_gets_two_places_in_one_program() -> None:
    inst = instance(
        programs={"P": (2, ["M1", "S", "M2"]), "Q": (1, ["S", "M2"])},
        applicants={"S": ["P", "Q"]},
        couples={"C": (["M1", "M2"], [["P", "P"], ["P", "Q"]])},
    )
    result = solve(inst)
    # (P, P) needs two places, and P would keep M1 and S (whom it ranks above M2), so the
    # couple takes (P, Q): P keeps M1 and S; Q, which S does not need, takes M2.
    assert result["status"] == "stable"
    assert result["assignments"] == {"S": "P", "M1": "P", "M2": "Q"}
    assert verify(inst, result) == []


def test_a_member_may_stay_unmatched_in_an_option() -> None:
    inst = instance(
        programs={"P": (1, ["M1", "S"]), "Q": (1, ["S"])},
        applicants={"S": ["P", "Q"]},
        couples={"C": (["M1", "M2"], [["P", "Q"], ["P", None]])},
    )
    result = solve(inst)
    assert result["status"] == "stable"
    assert result["assignments"] == {"S": "Q", "M1": "P", "M2": None}


def test_a_place_one_member_vacates_counts_as_free_for_the_other() -> None:
    """The spec's "leaving L": a couple may swap its members' programs.

    H1 and H2 have one place each.  H1 ranks M2 > S > M1, H2 ranks M1 > M2 > S, S ranks
    H1 only, and the couple ranks (H1, H2) above (H2, H1).  At (H2, H1), the couple blocks
    with (H1, H2): each program would take the member sent to it once the other member's
    place is free.  At (H1, H2), S blocks with H1.  Unmatched, S at H1 and C blocks with
    (H2, H1).  No stable matching.
    """
    inst = instance(
        programs={"H1": (1, ["M2", "S", "M1"]), "H2": (1, ["M1", "M2", "S"])},
        applicants={"S": ["H1"]},
        couples={"C": (["M1", "M2"], [["H1", "H2"], ["H2", "H1"]])},
    )
    assert stable_matchings(inst) == []
    assert solve(inst)["status"] == "no-stable-matching"


def test_the_exact_search_finds_a_stable_matching_the_heuristic_misses() -> None:
    """Found by random search: the insertion heuristic cycles, yet a stable matching exists."""
    inst = instance(
        programs={
            "P0": (1, ["A0", "A2", "A1"]),
            "P1": (1, ["A1", "A3", "A2"]),
            "P2": (1, ["A3", "A1", "A2", "A0"]),
        },
        applicants={"A2": ["P0", "P2"], "A3": ["P1", "P2"]},
        couples={
            "C0": (
                ["A0", "A1"],
                [["P1", "P2"], ["P1", "P1"], ["P2", "P1"], ["P1", None], ["P0", None]],
            )
        },
    )
    assert stable_matchings(inst)
    assert not _heuristic(inst).stable  # so the fallback is what is being tested here
    result = solve(inst)
    assert result["status"] == "stable"
    assert verify(inst, result) == []
    assert result["assignments"] in stable_matchings(inst)


@given(
    tiny_instances(max_applicants=6, max_programs=3, max_couples=2, reversion=True),
    st.sampled_from(["applicant", "program"]),
)
@settings(max_examples=300, deadline=None)
def test_with_couples_the_result_is_stable_or_proven_impossible(inst: Instance, side: str) -> None:
    result = solve(inst, proposing=side)
    stable = stable_matchings(inst)
    if result["status"] == "stable":
        assert verify(inst, result) == []
        assert is_valid(inst, result["assignments"])
        assert blocking(inst, result["assignments"]) == []
    else:
        assert result["status"] == "no-stable-matching"  # never unresolved without a limit
        assert stable == []
        assert is_valid(inst, result["assignments"])  # the best effort is still valid
        problems = verify(inst, result)
        assert problems and all(p.startswith("blocking ") for p in problems)


@given(tiny_instances(max_applicants=6, max_programs=3, max_couples=2, reversion=True))
@settings(max_examples=300, deadline=None)
def test_the_exact_search_agrees_with_brute_force(inst: Instance) -> None:
    found = find_stable(compile_instance(inst))
    stable = stable_matchings(inst)
    if found.status == "stable":
        assert found.assignment is not None
        assert _names(inst, found.assignment) in stable
    else:
        assert found.status == "no-stable-matching"
        assert stable == []


@given(tiny_instances(max_applicants=6, max_programs=3, max_couples=2, reversion=True))
@settings(max_examples=300, deadline=None)
def test_the_heuristic_check_agrees_with_brute_force(inst: Instance) -> None:
    outcome = _heuristic(inst)
    names = _names(inst, outcome.assignment)
    assert is_valid(inst, names)
    market = compile_instance(inst)
    assert (find_blocks(market, outcome.assignment) == []) == (blocking(inst, names) == [])
    assert outcome.stable == (blocking(inst, names) == [])


@pytest.mark.parametrize("seed", range(4))
def test_the_exact_search_agrees_with_a_second_naive_model(seed: int) -> None:
    """Medium instances (150 applicants, 10% in couples, reversion): SAT vs SAT."""
    from matchengine.generate import generate

    inst = generate(applicants=150, programs=20, couples_share=0.1, seed=seed)
    found = find_stable(compile_instance(inst))
    other = sat_oracle(inst)
    assert (found.status == "stable") == (other is not None)
    if found.status == "stable":
        assert found.assignment is not None
        result = solve(inst)
        assert result["status"] == "stable"
        assert verify(inst, result) == []
    else:
        assert found.status == "no-stable-matching"
        assert solve(inst)["status"] == "no-stable-matching"


def test_a_passed_deadline_leaves_the_question_unresolved() -> None:
    inst = instance(
        programs={"H1": (1, ["M1", "M2", "S2", "S1"]), "H2": (1, ["M1", "S1", "S2", "M2"])},
        applicants={"S1": ["H1"], "S2": ["H1", "H2"]},
        couples={"C": (["M1", "M2"], [["H1", "H2"]])},
    )
    found = find_stable(compile_instance(inst), deadline=time.monotonic() - 1)
    assert found.status == "unresolved"
    assert found.assignment is None


@pytest.mark.parametrize("seed", range(4))
def test_with_a_time_limit_the_whole_formula_is_solved_apart_with_the_same_answer(
    seed: int, monkeypatch: pytest.MonkeyPatch, forks: list[int]
) -> None:
    """With a deadline the whole formula is solved in a forked child (killed at the
    deadline); its answer must be the one this process finds."""
    from matchengine import forking
    from matchengine.generate import generate

    market = compile_instance(generate(applicants=150, programs=20, couples_share=0.1, seed=seed))
    apart = find_stable(market, deadline=time.monotonic() + 60)
    assert len(forks) == 1
    here = find_stable(market)
    assert apart.status == here.status
    assert apart.status in ("stable", "no-stable-matching")
    if apart.status == "stable":
        assert apart.assignment is not None
        assert find_blocks(market, apart.assignment) == []
    monkeypatch.setattr(forking, "may_fork", lambda: False)
    assert find_stable(market, deadline=time.monotonic() + 60).status == here.status
    assert len(forks) == 1


class _DeafSolver:
    """A solver that ignores interrupts and works for a minute (Glucose between restarts)."""

    def solve_limited(self, expect_interrupt: bool = False) -> bool:
        time.sleep(60)
        return True

    def get_model(self) -> list[int]:
        return [1]


def test_only_a_single_threaded_process_forks(monkeypatch: pytest.MonkeyPatch) -> None:
    from matchengine import forking

    if hasattr(os, "fork") and threading.active_count() == 1:
        assert forking.may_fork()
        monkeypatch.setenv("MATCHENGINE_FORK", "0")
        assert not forking.may_fork()
        monkeypatch.delenv("MATCHENGINE_FORK")

    done = threading.Event()
    helper = threading.Thread(target=done.wait)
    helper.start()
    try:
        assert not forking.may_fork()
    finally:
        done.set()
        helper.join()


def test_the_time_limit_holds_even_when_the_solver_ignores_interrupts() -> None:
    from matchengine.exact import _solve_in_child

    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform")
    start = time.monotonic()
    sat, literals = _solve_in_child(_DeafSolver(), time.monotonic() + 0.5)
    assert (sat, literals) == (None, None)
    assert time.monotonic() - start < 10  # the child is stopped, not waited for (60 s)


@given(
    tiny_instances(max_applicants=6, max_programs=4, max_couples=2, reversion=True),
    st.sets(st.integers(min_value=0, max_value=3), min_size=1),
)
@settings(max_examples=300, deadline=None)
def test_a_relaxation_proves_no_stable_matching_only_when_there_is_none(
    inst: Instance, subset: set[int]
) -> None:
    """The formula about some programs only is a relaxation: its "none" is a proof."""
    market = compile_instance(inst)
    programs = {p for p in subset if p < len(market.prog_ids)} or {0}
    found = find_stable(market, programs=programs)
    assert found.assignment is None  # a relaxation's model is no matching
    if found.status == "no-stable-matching":
        assert stable_matchings(inst) == []
    else:
        assert found.status == "unresolved"


@pytest.mark.parametrize("seed", range(6))
def test_settle_agrees_with_the_whole_formula(seed: int) -> None:
    """Medium markets, 10% in couples: proofs found around the heuristic's blocks agree
    with the whole market's formula, and a stable matching it returns is stable."""
    from matchengine.exact import settle
    from matchengine.generate import generate

    inst = generate(applicants=300, programs=30, couples_share=0.1, seed=seed)
    market = compile_instance(inst)
    outcome = _heuristic(inst)
    whole = find_stable(market)
    settled = settle(market, outcome.assignment, outcome.hot)
    assert settled.status == whole.status
    if settled.status == "stable":
        assert settled.assignment is not None
        assert find_blocks(market, settled.assignment) == []


def test_the_cycling_couple_is_found_and_the_proof_is_local() -> None:
    """Roth (1984)'s couple with no stable matching, inside a market of bystanders: the
    heuristic's cycle names the programs, and the formula about them settles it."""
    from matchengine.exact import settle

    programs = {"H1": (1, ["M1", "M2", "S2", "S1"]), "H2": (1, ["M1", "S1", "S2", "M2"])}
    applicants: dict[str, list[str]] = {"S1": ["H1"], "S2": ["H1", "H2"]}
    for k in range(40):  # bystanders: their own programs, ranked by nobody else
        programs[f"B{k}"] = (1, [f"X{k}", f"Y{k}"])
        applicants[f"X{k}"] = [f"B{k}"]
        applicants[f"Y{k}"] = [f"B{k}"]
    inst = instance(
        programs=programs,
        applicants=applicants,
        couples={"C": (["M1", "M2"], [["H1", "H2"]])},
    )
    market = compile_instance(inst)
    outcome = _heuristic(inst)
    assert not outcome.stable
    assert {market.prog_ids[p] for p in outcome.hot} <= {"H1", "H2"}
    hot = outcome.hot
    assert find_stable(market, programs=hot).status == "no-stable-matching"
    assert settle(market, outcome.assignment, hot).status == "no-stable-matching"
    assert solve(inst)["status"] == "no-stable-matching"
