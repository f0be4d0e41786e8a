"""matchengine.generate: synthetic residency-match markets."""

from __future__ import annotations

import random
import statistics
from typing import Any

import pytest

from matchengine.generate import generate
from matchengine.instance import validate_instance


@pytest.fixture(scope="module")
def market() -> dict[str, Any]:
    return generate(applicants=6000, programs=800, couples_share=0.05, seed=11, positions=5400)


def test_it_is_deterministic_per_seed() -> None:
    a = generate(applicants=500, programs=80, couples_share=0.1, seed=7)
    b = generate(applicants=500, programs=80, couples_share=0.1, seed=7)
    c = generate(applicants=500, programs=80, couples_share=0.1, seed=8)
    assert a == b
    assert a != c


def test_it_leaves_the_global_random_generator_alone() -> None:
    random.seed(1234)
    expected = random.random()
    random.seed(1234)
    generate(applicants=200, programs=30, couples_share=0.1, seed=1)
    assert random.random() == expected


def test_its_output_passes_validation(market: dict[str, Any]) -> None:
    validate_instance(market)
    assert market["format"] == "match-instance/1"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"applicants": 0, "programs": 0},
        {"applicants": 10, "programs": 0},
        {"applicants": 0, "programs": 5},
        {"applicants": 5, "programs": 1},
        {"applicants": 5, "programs": 2, "couples_share": 1.0},
        {"applicants": 40, "programs": 6, "couples_share": 0.5, "list_length": 30.0},
        {"applicants": 50, "programs": 10, "positions": 3},
        {"applicants": 50, "programs": 10, "img_share": 0.0},
        {"applicants": 50, "programs": 10, "img_share": 1.0, "reversion_share": 1.0},
        {"applicants": 30, "programs": 10, "list_length": 0.0},
        {"applicants": 30, "programs": 10, "program_rank_share": 1.0},
    ],
)
def test_edge_cases_are_valid(kwargs: dict[str, Any]) -> None:
    validate_instance(generate(seed=3, **kwargs))


def test_couples_lists_follow_their_shape_knobs() -> None:
    base = {"applicants": 4000, "programs": 400, "couples_share": 0.2, "seed": 4}
    harsh = generate(**base)
    plain = generate(**base, couples_solo_share=0.0)
    short = generate(**base, couples_solo_share=0.0, couples_pairs=4.0)
    spread = generate(**base, couples_solo_share=0.0, couples_home_bias=0.0)

    def solo(inst: dict[str, Any]) -> float:
        lists = [c["ranking"] for c in inst["couples"]]
        return sum(any(None in pair for pair in lst) for lst in lists) / len(lists)

    def mean_pairs(inst: dict[str, Any]) -> float:
        return statistics.mean(len(c["ranking"]) for c in inst["couples"])

    def same_site(inst: dict[str, Any]) -> float:
        pairs = [p for c in inst["couples"] for p in c["ranking"] if None not in p]
        return sum(p.rsplit("-", 1)[0].split("-")[1] == q.rsplit("-", 1)[0].split("-")[1]
                   for p, q in pairs) / len(pairs)  # fmt: skip

    assert 0.5 < solo(harsh) < 0.7  # the default: 60% of couples
    assert solo(plain) == 0.0
    assert mean_pairs(short) < 6 < 18 < mean_pairs(plain)
    assert same_site(spread) < same_site(plain)
    for inst in (harsh, plain, short, spread):
        validate_instance(inst)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"applicants": -1, "programs": 5},
        {"applicants": 5, "programs": 5, "couples_share": 1.5},
        {"applicants": 5, "programs": 5, "img_share": -0.1},
        {"applicants": 5, "programs": 5, "positions": -2},
        {"applicants": 5, "programs": 5, "list_length": -1.0},
        {"applicants": 5, "programs": 5, "couples_solo_share": 1.2},
        {"applicants": 5, "programs": 5, "couples_home_bias": 1.0},
        {"applicants": 5, "programs": 5, "couples_pairs": -3.0},
        {"applicants": 5, "programs": 5, "couples_pairs": float("nan")},
    ],
)
def test_bad_parameters_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        generate(**kwargs)


def test_it_has_the_requested_sizes(market: dict[str, Any]) -> None:
    assert len(market["applicants"]) == 6000
    assert len(market["programs"]) == 800
    assert sum(p["capacity"] for p in market["programs"]) == 5400
    assert len(market["couples"]) == round(6000 * 0.05 / 2)
    default = generate(applicants=1000, programs=100, seed=2)
    assert sum(p["capacity"] for p in default["programs"]) == 900


def test_lists_average_the_requested_length_with_some_short_ones(market: dict[str, Any]) -> None:
    lengths = [len(a["ranking"]) for a in market["applicants"] if a["ranking"]]
    assert abs(statistics.mean(lengths) - 12.0) < 1.2
    assert sum(1 for n in lengths if n <= 4) / len(lengths) > 0.03
    assert statistics.pstdev(lengths) > 3


def test_programs_rank_about_the_requested_share_of_their_applicants(
    market: dict[str, Any],
) -> None:
    applied: dict[str, set[str]] = {p["id"]: set() for p in market["programs"]}
    for a in market["applicants"]:
        for p in a["ranking"]:
            applied[p].add(a["id"])
    members = {c["members"][0]: c for c in market["couples"]}
    members.update({c["members"][1]: c for c in market["couples"]})
    for c in market["couples"]:
        for option in c["ranking"]:
            for member, p in zip(c["members"], option, strict=True):
                if p is not None:
                    applied[p].add(member)
    ranked = sum(len(p["ranking"]) for p in market["programs"])
    total = sum(len(s) for s in applied.values())
    assert abs(ranked / total - 0.6) < 0.03
    for p in market["programs"]:  # a program ranks only applicants who applied to it
        assert set(p["ranking"]) <= applied[p["id"]]


def test_popularity_is_unequal(market: dict[str, Any]) -> None:
    demand: dict[str, int] = {p["id"]: 0 for p in market["programs"]}
    for a in market["applicants"]:
        for p in a["ranking"]:
            demand[p] += 1
    counts = sorted(demand.values(), reverse=True)
    top_decile = sum(counts[: len(counts) // 10])
    assert top_decile > 0.25 * sum(counts)


def test_imgs_apply_only_to_img_quotas_and_cmgs_only_to_cmg_quotas(
    market: dict[str, Any],
) -> None:
    streams = {p["id"]: p["id"].rsplit("-", 1)[1] for p in market["programs"]}
    assert set(streams.values()) == {"CMG", "IMG"}
    img = 0
    listed = 0
    for a in market["applicants"]:
        kinds = {streams[p] for p in a["ranking"]}
        assert len(kinds) <= 1, a
        if kinds:
            listed += 1
            img += kinds == {"IMG"}
    assert abs(img / listed - 0.3) < 0.05
    stream_of = {a["id"]: streams[a["ranking"][0]] for a in market["applicants"] if a["ranking"]}
    for c in market["couples"]:
        for member, side in zip(c["members"], (0, 1), strict=True):
            kinds = {streams[o[side]] for o in c["ranking"] if o[side] is not None}
            assert len(kinds) <= 1
            if kinds:
                stream_of[member] = kinds.pop()
    for p in market["programs"]:
        assert all(stream_of[a] == streams[p["id"]] for a in p["ranking"])


def test_some_img_quotas_revert_to_their_cmg_twin_without_cycles(market: dict[str, Any]) -> None:
    by_id = {p["id"]: p for p in market["programs"]}
    img = [p for p in market["programs"] if p["id"].endswith("-IMG")]
    reverting = [p for p in market["programs"] if "reverts_to" in p]
    assert reverting
    for p in reverting:
        assert p["id"].endswith("-IMG")
        target = p["reverts_to"]
        assert target == p["id"][: -len("IMG")] + "CMG"
        assert target in by_id
        assert "reverts_to" not in by_id[target]
    assert abs(len(reverting) / len(img) - 0.2) < 0.06


def site(program_id: str) -> str:
    """``FM-TOR3-CMG`` -> ``TOR``."""
    return program_id.split("-")[1].rstrip("0123456789")


def test_couples_are_well_formed_and_mostly_together(market: dict[str, Any]) -> None:
    own = {a["id"]: a["ranking"] for a in market["applicants"]}
    seen: set[str] = set()
    same_site = pairs = null_tails = 0
    for c in market["couples"]:
        m1, m2 = c["members"]
        assert own[m1] == [] and own[m2] == []
        assert not {m1, m2} & seen
        seen |= {m1, m2}
        options = [tuple(o) for o in c["ranking"]]
        assert len(set(options)) == len(options)
        assert (None, None) not in options
        null_tails += None in options[-1]
        for p, q in options:
            if p is not None and q is not None:
                pairs += 1
                same_site += site(p) == site(q)
        # null options only at the end
        first_null = next((i for i, o in enumerate(options) if None in o), len(options))
        assert all(None in o for o in options[first_null:])
    assert same_site / pairs > 0.5
    assert 0.2 < null_tails / len(market["couples"]) < 0.9
    lengths = [len(c["ranking"]) for c in market["couples"]]
    assert statistics.mean(lengths) > 8


def test_positions_are_spread_with_at_least_one_per_quota(market: dict[str, Any]) -> None:
    caps = [p["capacity"] for p in market["programs"]]
    assert min(caps) >= 1
    assert max(caps) > 3 * statistics.mean(caps) / 2
