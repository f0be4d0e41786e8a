"""matchengine.verify: the independent checker of a match result.

A deliberately naive re-implementation of the spec's definitions (sets and sorting, no
shortcuts) serves as the reference; small stable matchings are found by brute force with it,
so these tests need no solver.
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from matchengine.instance import canonical_sha256
from matchengine.verify import final_capacities, find_blocking, verify

Instance = dict[str, Any]
Assign = dict[str, str | None]

# ---------------------------------------------------------------- naive reference


def naive_final(inst: Instance, assign: Assign) -> dict[str, int]:
    progs = {p["id"]: p for p in inst["programs"]}
    held = {p: sum(1 for q in assign.values() if q == p) for p in progs}
    sources = {p: [s for s in progs if progs[s].get("reverts_to") == p] for p in progs}

    def effective(p: str) -> int:
        return progs[p]["capacity"] + sum(max(0, effective(s) - held[s]) for s in sources[p])

    out = {}
    for p in progs:
        e = effective(p)
        out[p] = held[p] if progs[p].get("reverts_to") and held[p] < e else e
    return out


def naive_would_take(
    inst: Instance, assign: Assign, final: dict[str, int], p: str, s: set[str], leave: set[str]
) -> bool:
    ranking = next(q["ranking"] for q in inst["programs"] if q["id"] == p)
    if not s <= set(ranking):
        return False
    pool = [a for a, q in assign.items() if q == p and a not in leave] + sorted(s)
    pool.sort(key=lambda a: ranking.index(a) if a in ranking else len(ranking))
    return s <= set(pool[: final[p]])


def naive_blocking(inst: Instance, assign: Assign) -> set[tuple[Any, ...]]:
    final = naive_final(inst, assign)
    out: set[tuple[Any, ...]] = set()
    members = {m for c in inst["couples"] for m in c["members"]}
    for a in inst["applicants"]:
        if a["id"] in members:
            continue
        rk = a["ranking"]
        m = assign[a["id"]]
        stop = rk.index(m) if m in rk else len(rk)
        for p in rk[:stop]:
            if naive_would_take(inst, assign, final, p, {a["id"]}, {a["id"]}):
                out.add(("pair", a["id"], p))
    for c in inst["couples"]:
        m1, m2 = c["members"]
        opts = [tuple(o) for o in c["ranking"]]
        cur = (assign[m1], assign[m2])
        stop = opts.index(cur) if cur in opts else len(opts)
        for p1, p2 in opts[:stop]:
            want: dict[str, set[str]] = {}
            if p1 is not None:
                want.setdefault(p1, set()).add(m1)
            if p2 is not None:
                want.setdefault(p2, set()).add(m2)
            if all(naive_would_take(inst, assign, final, p, s, {m1, m2}) for p, s in want.items()):
                out.add(("couple", c["id"], p1, p2))
    return out


def naive_valid(inst: Instance, assign: Assign) -> bool:
    final = naive_final(inst, assign)
    progs = {p["id"]: p for p in inst["programs"]}
    for p in progs:
        if sum(1 for q in assign.values() if q == p) > final[p]:
            return False
    members = {m for c in inst["couples"] for m in c["members"]}
    for a in inst["applicants"]:
        p = assign[a["id"]]
        if p is None:
            continue
        if a["id"] not in progs[p]["ranking"]:
            return False
        if a["id"] not in members and p not in a["ranking"]:
            return False
    for c in inst["couples"]:
        cur = tuple(assign[m] for m in c["members"])
        if cur != (None, None) and list(cur) not in c["ranking"]:
            return False
    return True


def brute_force_stable(inst: Instance) -> Assign | None:
    """Some valid stable assignment by enumeration (tiny instances only), or None."""
    members = {m for c in inst["couples"] for m in c["members"]}
    singles = [a for a in inst["applicants"] if a["id"] not in members]
    choices: list[list[tuple[tuple[str, str | None], ...]]] = []
    for a in singles:
        choices.append([((a["id"], None),)] + [((a["id"], p),) for p in a["ranking"]])
    for c in inst["couples"]:
        m1, m2 = c["members"]
        choices.append(
            [((m1, None), (m2, None))] + [((m1, o[0]), (m2, o[1])) for o in c["ranking"]]
        )
    for combo in itertools.product(*choices):
        assign: Assign = {a["id"]: None for a in inst["applicants"]}
        for part in combo:
            assign.update(dict(part))
        if naive_valid(inst, assign) and not naive_blocking(inst, assign):
            return assign
    return None


def result_for(inst: Instance, assign: Assign, **extra: Any) -> dict[str, Any]:
    res: dict[str, Any] = {
        "format": "match-result/1",
        "proposing": "applicant",
        "status": "stable",
        "assignments": dict(assign),
        "final_capacity": naive_final(inst, assign),
        "blocking": [],
        "instance_sha256": canonical_sha256(inst),
        "engine": "test",
    }
    res.update(extra)
    return res


# ---------------------------------------------------------------- random small instances


@st.composite
def small_instances(draw: st.DrawFn, max_couples: int = 1, min_couples: int = 0) -> Instance:
    n_prog = draw(st.integers(1, 3))
    n_single = draw(st.integers(1, 5))
    n_couple = draw(st.integers(min_couples, max_couples))
    pids = [f"P{i}" for i in range(n_prog)]
    singles = [f"A{i}" for i in range(n_single)]
    members = [f"M{i}" for i in range(2 * n_couple)]
    everyone = singles + members
    programs = []
    for i, p in enumerate(pids):
        ranked = draw(st.permutations(everyone))
        k = draw(st.integers(0, len(everyone)))
        prog: dict[str, Any] = {"id": p, "capacity": draw(st.integers(0, 2)), "ranking": ranked[:k]}
        if i > 0 and draw(st.booleans()):  # reverts to an earlier program: never a cycle
            prog["reverts_to"] = pids[draw(st.integers(0, i - 1))]
        programs.append(prog)
    applicants = []
    for a in singles:
        order = draw(st.permutations(pids))
        applicants.append({"id": a, "ranking": order[: draw(st.integers(0, n_prog))]})
    applicants += [{"id": m, "ranking": []} for m in members]
    couples = []
    all_opts = [(p, q) for p in [*pids, None] for q in [*pids, None] if (p, q) != (None, None)]
    for i in range(n_couple):
        opts = draw(st.permutations(all_opts))
        k = draw(st.integers(1, 4))
        couples.append(
            {
                "id": f"C{i}",
                "members": [members[2 * i], members[2 * i + 1]],
                "ranking": [list(o) for o in opts[:k]],
            }
        )
    return {"programs": programs, "applicants": applicants, "couples": couples}


def random_assignment(draw: st.DrawFn, inst: Instance) -> Assign:
    pids = [None] + [p["id"] for p in inst["programs"]]
    return {a["id"]: draw(st.sampled_from(pids)) for a in inst["applicants"]}


# ---------------------------------------------------------------- differential tests


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_find_blocking_agrees_with_the_naive_definitions(data: st.DataObject) -> None:
    inst = data.draw(small_instances(max_couples=2))
    assign = random_assignment(data.draw, inst)
    res = result_for(inst, assign)
    found = find_blocking(inst, res)
    as_keys = {
        ("pair", e["applicant"], e["program"])
        if e["type"] == "pair"
        else ("couple", e["couple"], *e["programs"])
        for e in found
    }
    assert as_keys == naive_blocking(inst, assign)
    assert len(found) == len(as_keys)
    assert final_capacities(inst, assign) == naive_final(inst, assign)
    problems = verify(inst, res)
    assert (problems == []) == (naive_valid(inst, assign) and not as_keys)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_consistent_unstable_status_is_accepted_apart_from_the_blocking_lines(
    data: st.DataObject,
) -> None:
    inst = data.draw(small_instances())
    assign = random_assignment(data.draw, inst)
    res = result_for(inst, assign)
    blocking = find_blocking(inst, res)
    res["status"] = "unresolved"
    res["blocking"] = blocking
    problems = verify(inst, res)
    non_blocking = [p for p in problems if not p.startswith("blocking ")]
    if blocking:
        assert all("listed" not in p and "does not block" not in p for p in problems)
        assert len(problems) - len(non_blocking) == len(blocking)
    elif naive_valid(inst, assign):
        assert problems == ['status is "unresolved" but the assignments are valid and stable']


# ---------------------------------------------------------------- planted instability


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances(), st.data())
def test_unmatching_a_single_applicant_is_caught_as_a_blocking_pair(
    inst: Instance, data: st.DataObject
) -> None:
    stable = brute_force_stable(inst)
    if stable is None:
        return
    assert verify(inst, result_for(inst, stable)) == []
    reverting = {p["id"] for p in inst["programs"] if p.get("reverts_to")}
    members = {m for c in inst["couples"] for m in c["members"]}
    movable = [
        a for a, p in stable.items() if p is not None and p not in reverting and a not in members
    ]
    if not movable:
        return
    a = data.draw(st.sampled_from(sorted(movable)))
    home = stable[a]
    ranking = next(x["ranking"] for x in inst["applicants"] if x["id"] == a)
    # Worse programs that rank a and do not revert (filling a reverting program could cut
    # the capacity that reverts into home, and so legitimately remove the blocking pair).
    ranked_by = {p["id"]: p["ranking"] for p in inst["programs"]}
    worse = [None] + [
        p for p in ranking[ranking.index(home) + 1 :] if p not in reverting and a in ranked_by[p]
    ]
    moved = dict(stable, **{a: data.draw(st.sampled_from(worse))})
    event("planted")
    problems = verify(inst, result_for(inst, moved))
    assert f"blocking pair: applicant {a} and program {home}" in problems
    assert {"type": "pair", "applicant": a, "program": home} in find_blocking(
        inst, result_for(inst, moved)
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances(min_couples=1))
def test_unmatching_a_couple_is_caught_as_a_blocking_couple(inst: Instance) -> None:
    stable = brute_force_stable(inst)
    if stable is None:
        return
    c = inst["couples"][0]
    m1, m2 = c["members"]
    p1, p2 = stable[m1], stable[m2]
    reverting = {p["id"] for p in inst["programs"] if p.get("reverts_to")}
    if (p1, p2) == (None, None) or {p1, p2} & reverting:
        return
    moved = dict(stable, **{m1: None, m2: None})
    event("planted")
    problems = verify(inst, result_for(inst, moved))
    line = (
        f"blocking couple: couple {c['id']} and programs ({p1 or 'unmatched'}, {p2 or 'unmatched'})"
    )
    assert line in problems
    assert {"type": "couple", "couple": c["id"], "programs": [p1, p2]} in find_blocking(
        inst, result_for(inst, moved)
    )


# ---------------------------------------------------------------- hand-checked instance


def hand_instance() -> Instance:
    """Two cities, CMG and IMG quotas, one IMG quota reverting, one couple.

    Stable result (checked by hand):
    - A1 (CMG) gets FM-TOR-CMG, its first choice.
    - A2 (IMG) ranks FM-TOR-IMG first, but FM-TOR-IMG did not rank A2; gets FM-MTL-IMG.
    - FM-TOR-IMG (capacity 1) holds nobody (the couple wanted it only for both members),
      so its position reverts to FM-TOR-CMG: final 0 and 2.
    - Couple C1 (M1, M2) ranks [FM-TOR-IMG, FM-TOR-IMG] first: it needs two seats there but
      FM-TOR-IMG has one (and ends with none after reversion); C1 gets its second option
      [FM-TOR-CMG, FM-MTL-IMG]. FM-MTL-IMG has capacity 2 and holds A2 and M2.
    - A3 (CMG) ranks FM-TOR-CMG then FM-MTL-CMG; FM-TOR-CMG (final 2) holds A1 and M1 whom
      it ranks above A3, so A3 gets FM-MTL-CMG.
    """
    return {
        "format": "match-instance/1",
        "programs": [
            {"id": "FM-TOR-CMG", "capacity": 1, "ranking": ["A1", "M1", "A3"]},
            {
                "id": "FM-TOR-IMG",
                "capacity": 1,
                "ranking": ["M1", "M2"],
                "reverts_to": "FM-TOR-CMG",
            },
            {"id": "FM-MTL-CMG", "capacity": 1, "ranking": ["A3"]},
            {"id": "FM-MTL-IMG", "capacity": 2, "ranking": ["A2", "M2"]},
        ],
        "applicants": [
            {"id": "A1", "ranking": ["FM-TOR-CMG"]},
            {"id": "A2", "ranking": ["FM-TOR-IMG", "FM-MTL-IMG"]},
            {"id": "A3", "ranking": ["FM-TOR-CMG", "FM-MTL-CMG"]},
            {"id": "M1", "ranking": []},
            {"id": "M2", "ranking": []},
        ],
        "couples": [
            {
                "id": "C1",
                "members": ["M1", "M2"],
                "ranking": [
                    ["FM-TOR-IMG", "FM-TOR-IMG"],
                    ["FM-TOR-CMG", "FM-MTL-IMG"],
                    ["FM-TOR-IMG", None],
                ],
            }
        ],
    }


HAND_ASSIGN: Assign = {
    "A1": "FM-TOR-CMG",
    "A2": "FM-MTL-IMG",
    "A3": "FM-MTL-CMG",
    "M1": "FM-TOR-CMG",
    "M2": "FM-MTL-IMG",
}
HAND_FINAL = {"FM-TOR-CMG": 2, "FM-TOR-IMG": 0, "FM-MTL-CMG": 1, "FM-MTL-IMG": 2}


def hand_result(**changes: Any) -> dict[str, Any]:
    res: dict[str, Any] = {
        "format": "match-result/1",
        "proposing": "applicant",
        "status": "stable",
        "assignments": dict(HAND_ASSIGN),
        "final_capacity": dict(HAND_FINAL),
        "blocking": [],
        "instance_sha256": canonical_sha256(hand_instance()),
        "engine": "test",
    }
    res.update(changes)
    return res


def test_it_accepts_a_hand_checked_stable_result_with_a_couple_and_reversion() -> None:
    assert verify(hand_instance(), hand_result()) == []
    assert find_blocking(hand_instance(), hand_result()) == []


def test_it_catches_over_capacity() -> None:
    inst = hand_instance()
    res = hand_result(assignments=dict(HAND_ASSIGN, A3="FM-TOR-CMG"))
    problems = verify(inst, res)
    assert "program FM-TOR-CMG holds 3 applicants but its final capacity is 2" in problems


def test_it_catches_a_wrong_final_capacity() -> None:
    res = hand_result(final_capacity=dict(HAND_FINAL, **{"FM-TOR-CMG": 1, "FM-TOR-IMG": 1}))
    problems = verify(hand_instance(), res)
    assert problems == [
        "program FM-TOR-CMG: final capacity is 1 but the reversion rule gives 2",
        "program FM-TOR-IMG: final capacity is 1 but the reversion rule gives 0",
    ]


def test_it_catches_a_final_capacity_missing_or_unknown() -> None:
    final: dict[str, Any] = dict(HAND_FINAL, **{"X": 3})
    del final["FM-MTL-CMG"]
    problems = verify(hand_instance(), hand_result(final_capacity=final))
    assert problems == [
        "final_capacity is missing program FM-MTL-CMG",
        'final_capacity names unknown program "X"',
    ]


def test_it_catches_an_assignment_the_program_did_not_rank() -> None:
    res = hand_result(
        assignments=dict(HAND_ASSIGN, A2="FM-TOR-IMG"),
        final_capacity=dict(HAND_FINAL, **{"FM-TOR-CMG": 1, "FM-TOR-IMG": 1, "FM-MTL-IMG": 2}),
    )
    problems = verify(hand_instance(), res)
    assert "applicant A2 is assigned to FM-TOR-IMG, which did not rank them" in problems


def test_it_catches_an_assignment_the_applicant_did_not_rank() -> None:
    res = hand_result(assignments=dict(HAND_ASSIGN, A3=None, A1="FM-MTL-CMG"))
    res["assignments"]["A1"] = "FM-MTL-CMG"
    inst = hand_instance()
    inst["programs"][2]["ranking"] = ["A3", "A1"]
    res["instance_sha256"] = canonical_sha256(inst)
    problems = verify(inst, res)
    assert "applicant A1 is assigned to FM-MTL-CMG, which they did not rank" in problems


def test_it_catches_a_couple_split_across_a_pair_not_on_its_ranking() -> None:
    res = hand_result(
        assignments=dict(HAND_ASSIGN, M2=None),
    )
    problems = verify(hand_instance(), res)
    assert "couple C1 is assigned (FM-TOR-CMG, unmatched), which is not on its ranking" in problems


def test_it_catches_a_wrong_hash() -> None:
    problems = verify(hand_instance(), hand_result(instance_sha256="0" * 64))
    assert len(problems) == 1
    assert problems[0].startswith('instance_sha256 is "000')


def test_it_catches_missing_and_unknown_applicants() -> None:
    assign: dict[str, Any] = dict(HAND_ASSIGN, Z9=None)
    del assign["A1"]
    problems = verify(hand_instance(), hand_result(assignments=assign))
    assert "applicant A1 is missing from assignments" in problems
    assert 'assignments names unknown applicant "Z9"' in problems


def test_it_catches_an_unknown_program_and_a_bad_format() -> None:
    res = hand_result(assignments=dict(HAND_ASSIGN, A1="NOPE"), format="match-result/0")
    problems = verify(hand_instance(), res)
    assert 'result format is "match-result/0", expected "match-result/1"' in problems
    assert 'applicant A1 is assigned to unknown program "NOPE"' in problems


def test_it_reports_a_malformed_result_without_raising() -> None:
    assert verify(hand_instance(), []) == ["result is not a JSON object"]  # type: ignore[arg-type]
    problems = verify(hand_instance(), {"format": "match-result/1"})
    assert "assignments is missing or not an object" in problems


def test_a_stable_status_with_blocking_pairs_is_rejected() -> None:
    res = hand_result(assignments=dict(HAND_ASSIGN, A1=None))
    problems = verify(hand_instance(), res)
    assert "blocking pair: applicant A1 and program FM-TOR-CMG" in problems


def test_an_unstable_status_must_list_exactly_the_blocking_entries() -> None:
    assign = dict(HAND_ASSIGN, A2=None)
    ok = hand_result(
        assignments=assign,
        status="unresolved",
        blocking=[{"type": "pair", "applicant": "A2", "program": "FM-MTL-IMG"}],
    )
    assert verify(hand_instance(), ok) == ["blocking pair: applicant A2 and program FM-MTL-IMG"]
    wrong = hand_result(
        assignments=assign,
        status="no-stable-matching",
        blocking=[{"type": "couple", "couple": "C1", "programs": ["FM-TOR-IMG", None]}],
    )
    problems = verify(hand_instance(), wrong)
    assert "blocking pair applicant A2 and program FM-MTL-IMG is not listed in blocking" in problems
    assert (
        "blocking lists the couple couple C1 and programs (FM-TOR-IMG, unmatched), "
        "which does not block" in problems
    )


def test_an_unstable_status_on_a_stable_result_is_rejected() -> None:
    problems = verify(hand_instance(), hand_result(status="unresolved"))
    assert problems == ['status is "unresolved" but the assignments are valid and stable']
    problems = verify(hand_instance(), hand_result(status="done"))
    assert problems == ['status is "done", expected one of stable, no-stable-matching, unresolved']


def test_a_couple_needing_two_seats_in_one_program_blocks_only_if_both_fit() -> None:
    def instance(capacity: int) -> Instance:
        return {
            "programs": [{"id": "P", "capacity": capacity, "ranking": ["X", "M1", "M2", "Y"]}],
            "applicants": [
                {"id": "X", "ranking": ["P"]},
                {"id": "Y", "ranking": ["P"]},
                {"id": "M1", "ranking": []},
                {"id": "M2", "ranking": []},
            ],
            "couples": [{"id": "C1", "members": ["M1", "M2"], "ranking": [["P", "P"]]}],
        }

    def blocks(capacity: int, held_by: list[str]) -> bool:
        inst = instance(capacity)
        assign: Assign = {a: ("P" if a in held_by else None) for a in ["X", "Y", "M1", "M2"]}
        return {"type": "couple", "couple": "C1", "programs": ["P", "P"]} in find_blocking(
            inst, result_for(inst, assign)
        )

    assert not blocks(1, [])  # one seat for two
    assert blocks(2, [])
    assert blocks(2, ["Y"])  # Y is ranked below both and is bumped
    assert not blocks(2, ["X"])  # X is kept, leaving room for one member only
    assert blocks(3, ["X"])
    assert blocks(3, ["X", "Y"])  # Y bumped: X + M1 + M2 fit in three


def test_a_seat_the_couple_vacates_counts_as_free() -> None:
    # C1 holds P1 (cap 1) and P2; prefers (P2, P1): swap seats. Each program is full, but
    # only with the couple's own members, so the swap blocks.
    inst: Instance = {
        "programs": [
            {"id": "P1", "capacity": 1, "ranking": ["M1", "M2"]},
            {"id": "P2", "capacity": 1, "ranking": ["M1", "M2"]},
        ],
        "applicants": [{"id": "M1", "ranking": []}, {"id": "M2", "ranking": []}],
        "couples": [{"id": "C1", "members": ["M1", "M2"], "ranking": [["P2", "P1"], ["P1", "P2"]]}],
    }
    res = result_for(inst, {"M1": "P1", "M2": "P2"})
    assert find_blocking(inst, res) == [
        {"type": "couple", "couple": "C1", "programs": ["P2", "P1"]}
    ]


def test_blocking_entries_come_sorted() -> None:
    inst: Instance = {
        "programs": [
            {"id": "P2", "capacity": 1, "ranking": ["B", "A", "M1", "M2"]},
            {"id": "P1", "capacity": 1, "ranking": ["B", "A", "M1", "M2"]},
        ],
        "applicants": [
            {"id": "B", "ranking": ["P2", "P1"]},
            {"id": "A", "ranking": ["P1", "P2"]},
            {"id": "M1", "ranking": []},
            {"id": "M2", "ranking": []},
        ],
        "couples": [{"id": "C1", "members": ["M1", "M2"], "ranking": [["P2", None], ["P1", None]]}],
    }
    res = result_for(inst, {"A": None, "B": None, "M1": None, "M2": None})
    assert find_blocking(inst, res) == [
        {"type": "pair", "applicant": "A", "program": "P1"},
        {"type": "pair", "applicant": "A", "program": "P2"},
        {"type": "pair", "applicant": "B", "program": "P1"},
        {"type": "pair", "applicant": "B", "program": "P2"},
        {"type": "couple", "couple": "C1", "programs": ["P1", None]},
        {"type": "couple", "couple": "C1", "programs": ["P2", None]},
    ]


def test_reversion_passes_spare_positions_along_a_chain() -> None:
    inst: Instance = {
        "programs": [
            {"id": "IMG2", "capacity": 2, "ranking": ["A"], "reverts_to": "IMG1"},
            {"id": "IMG1", "capacity": 1, "ranking": [], "reverts_to": "CMG"},
            {"id": "CMG", "capacity": 1, "ranking": ["B"]},
            {"id": "FULL", "capacity": 1, "ranking": ["C"], "reverts_to": "CMG"},
        ],
        "applicants": [
            {"id": "A", "ranking": ["IMG2"]},
            {"id": "B", "ranking": ["CMG"]},
            {"id": "C", "ranking": ["FULL"]},
        ],
        "couples": [],
    }
    assign: Assign = {"A": "IMG2", "B": "CMG", "C": "FULL"}
    assert final_capacities(inst, assign) == {"IMG2": 1, "IMG1": 0, "CMG": 3, "FULL": 1}
    assert verify(inst, result_for(inst, assign)) == []
