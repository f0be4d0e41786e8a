"""Cross-check against the PyPI ``matching`` package (daffidwilde/matching).

Without couples and reversion the applicant-optimal and the program-optimal stable
matchings are unique, so two correct engines must agree on every assignment.
``matching`` is a development dependency only; these tests skip if it is missing.
"""

from __future__ import annotations

import random
import sys
import warnings
from typing import Any

import pytest

from matchengine import solve
from matchengine.generate import generate
from matchengine.verify import verify

hr = pytest.importorskip(
    "matching.games", reason="the PyPI package 'matching' is not installed (dev dependency)"
)

SEEDS = range(50)


def random_instance(seed: int) -> dict[str, Any]:
    """Half from the generator (realistic), half uniformly random (odd corners)."""
    rng = random.Random(seed)
    n = rng.randint(1, 60)
    m = rng.randint(1, 12)
    if seed % 2 == 0:
        return generate(
            applicants=n,
            programs=m,
            seed=seed,
            list_length=rng.choice([2.0, 4.0, 8.0]),
            program_rank_share=rng.choice([0.5, 0.8, 1.0]),
            img_share=rng.choice([0.0, 0.3]),
            reversion_share=0.0,
            positions=rng.randint(0, n),
        )
    pids = [f"P{j}" for j in range(m)]
    aids = [f"A{i}" for i in range(n)]
    return {
        "programs": [
            {
                "id": p,
                "capacity": rng.randint(0, 4),
                "ranking": rng.sample(aids, rng.randint(0, n)),
            }
            for p in pids
        ],
        "applicants": [{"id": a, "ranking": rng.sample(pids, rng.randint(0, m))} for a in aids],
        "couples": [],
    }


def matching_assignments(instance: dict[str, Any], optimal: str) -> dict[str, str | None]:
    """Solve with ``matching``; every applicant mapped to a program id or None."""
    capacity = {p["id"]: p["capacity"] for p in instance["programs"]}
    ranks = {p["id"]: set(p["ranking"]) for p in instance["programs"]}
    wants = {a["id"]: set(a["ranking"]) for a in instance["applicants"]}
    # Mutual lists only; drop empty lists and programs without positions (matching warns
    # about and excludes them, and they cannot be matched anyway).
    resident_prefs = {
        a["id"]: [p for p in a["ranking"] if a["id"] in ranks[p] and capacity[p] > 0]
        for a in instance["applicants"]
    }
    resident_prefs = {a: prefs for a, prefs in resident_prefs.items() if prefs}
    hospital_prefs = {
        p["id"]: [a for a in p["ranking"] if p["id"] in wants[a] and a in resident_prefs]
        for p in instance["programs"]
        if capacity[p["id"]] > 0
    }
    hospital_prefs = {p: prefs for p, prefs in hospital_prefs.items() if prefs}
    out: dict[str, str | None] = {a["id"]: None for a in instance["applicants"]}
    if not hospital_prefs:
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = hr.HospitalResident.create_from_dictionaries(
            resident_prefs, hospital_prefs, {p: capacity[p] for p in hospital_prefs}
        )
        matching = game.solve(optimal=optimal)
    for hospital, residents in matching.items():
        for resident in residents:
            out[resident.name] = hospital.name
    return out


@pytest.fixture(autouse=True)
def _deep_recursion() -> Any:
    """``matching`` deep-copies its players, which recurses deeply."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 10_000))
    yield
    sys.setrecursionlimit(old)


@pytest.mark.parametrize("seed", SEEDS)
def test_applicant_optimal_matches_matchings_resident_optimal(seed: int) -> None:
    instance = random_instance(seed)
    ours = solve(instance, proposing="applicant")
    assert ours["status"] == "stable"
    assert verify(instance, ours) == []
    assert ours["assignments"] == matching_assignments(instance, "resident")


@pytest.mark.parametrize("seed", SEEDS)
def test_program_optimal_matches_matchings_hospital_optimal(seed: int) -> None:
    instance = random_instance(seed)
    ours = solve(instance, proposing="program")
    assert ours["status"] == "stable"
    assert verify(instance, ours) == []
    assert ours["assignments"] == matching_assignments(instance, "hospital")
