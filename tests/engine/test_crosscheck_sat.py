"""Cross-check of ``solve``'s status with couples against an independent SAT encoding.

With couples a stable matching may not exist, and ``solve`` then claims
``no-stable-matching``.  Brute force (``test_verify``) confirms that on tiny markets only;
here a separate encoding of the spec's definitions, written apart from the engine's own
(``matchengine.exact``), decides existence on markets of 60-300 applicants, 20% in couples.
Markets have no reversion (final capacities would depend on the assignment).

The encoding follows Drummond, Perrault & Bacchus (IJCAI 2015): one variable per acceptable
single assignment and per couple option; for each program a one-way sequential counter over
its ranking ("at least j of the i applicants I rank best are here"); one clause per possible
blocking pair or couple option: the applicant (couple) has something at least as good, or
the program is full with applicants it ranks higher (not counting the couple's own members).
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from pysat.card import CardEnc, EncType
from pysat.formula import IDPool
from pysat.solvers import Solver

from matchengine import solve
from matchengine.generate import generate
from matchengine.instance import canonical_sha256
from matchengine.verify import final_capacities, verify


def independent_stable_matching(inst: dict[str, Any]) -> dict[str, str | None] | None:
    """A stable matching of ``inst`` (no reversion), or None if there is none."""
    assert not any(p.get("reverts_to") for p in inst["programs"])
    pool = IDPool()
    true = pool.id("true")
    clauses: list[list[int]] = [[true]]
    cap = {p["id"]: p["capacity"] for p in inst["programs"]}
    ranking = {p["id"]: p["ranking"] for p in inst["programs"]}
    rank = {p: {a: i for i, a in enumerate(r)} for p, r in ranking.items()}
    member_of = {m: c for c in inst["couples"] for m in c["members"]}

    def at_most(lits: list[int], k: int) -> None:
        if len(lits) > k:
            clauses.extend(CardEnc.atmost(lits, k, vpool=pool, encoding=EncType.seqcounter).clauses)

    def acceptable(m: str, p: str | None) -> bool:
        return p is None or (m in rank[p] and cap[p] > 0)

    occurrences: dict[tuple[str, str], list[int]] = {}
    single: dict[tuple[str, str], int] = {}
    option: dict[tuple[str, int], int] = {}
    for a in inst["applicants"]:
        if a["id"] in member_of:
            continue
        for p in a["ranking"]:
            if acceptable(a["id"], p):
                single[a["id"], p] = v = pool.id(("x", a["id"], p))
                occurrences.setdefault((a["id"], p), []).append(v)
        at_most([single[a["id"], p] for p in a["ranking"] if (a["id"], p) in single], 1)
    for c in inst["couples"]:
        m1, m2 = c["members"]
        for k, (p1, p2) in enumerate(c["ranking"]):
            both_in_one = p1 is not None and p1 == p2
            if acceptable(m1, p1) and acceptable(m2, p2) and not (both_in_one and cap[p1] < 2):
                option[c["id"], k] = v = pool.id(("y", c["id"], k))
                for m, p in ((m1, p1), (m2, p2)):
                    if p is not None:
                        occurrences.setdefault((m, p), []).append(v)
        at_most([v for (cid, _), v in option.items() if cid == c["id"]], 1)

    here: dict[tuple[str, str], int] = {}  # "m is at p"
    for key, lits in occurrences.items():
        if len(lits) == 1:
            here[key] = lits[0]
        else:
            here[key] = v = pool.id(("at", *key))
            clauses.extend([-u, v] for u in lits)
            clauses.append([-v, *lits])
    for p in cap:
        at_most([here[a, p] for a in ranking[p] if (a, p) in here], cap[p])

    # counter[p][i][j]: true only if at least j of p's first i ranked applicants are at p.
    counter: dict[str, list[list[int]]] = {}
    for p, r in ranking.items():
        top = cap[p] + 2
        rows = [[true] + [-true] * top]
        for i, a in enumerate(r, start=1):
            row = [true]
            for j in range(1, top + 1):
                if j > i:
                    row.append(-true)
                    continue
                v = pool.id(("s", p, i, j))
                before, less = rows[i - 1][j], rows[i - 1][j - 1]
                at = here.get((a, p))
                if at is None:
                    clauses.append([-v, before])
                else:
                    clauses.append([-v, before, at])
                    clauses.append([-v, before, less])
                row.append(v)
            rows.append(row)
        counter[p] = rows

    def full_above(p: str, r: int, need: int, discount: int | None) -> int:
        """A literal that implies: at least ``need`` applicants p ranks above position r are
        at p, not counting ``discount`` (a couple member at p) when it is true."""
        if discount is None:
            return counter[p][r][need]
        w = pool.id(("w", p, r, need, discount))
        clauses.append([-w, counter[p][r][need]])
        clauses.append([-w, -discount, counter[p][r][need + 1]])
        return w

    for a in inst["applicants"]:
        if a["id"] in member_of:
            continue
        as_good: list[int] = []
        for p in a["ranking"]:
            if (a["id"], p) in single:
                as_good.append(single[a["id"], p])
                clauses.append([*as_good, full_above(p, rank[p][a["id"]], cap[p], None)])
    for c in inst["couples"]:
        m1, m2 = c["members"]
        as_good = []
        for k, (p1, p2) in enumerate(c["ranking"]):
            if (c["id"], k) not in option:
                continue
            as_good.append(option[c["id"], k])
            refused: list[int] = []
            if p1 is not None and p1 == p2:
                # Both kept iff fewer than cap - 1 others rank above the worse-ranked member.
                (worst, _), (_, better) = sorted(((rank[p1][m], m) for m in (m1, m2)), reverse=True)
                refused.append(full_above(p1, worst, cap[p1] - 1, here.get((better, p1))))
            else:
                for m, other, p in ((m1, m2, p1), (m2, m1, p2)):
                    if p is None:
                        continue
                    r = rank[p][m]
                    discount = here.get((other, p)) if rank[p].get(other, r) < r else None
                    refused.append(full_above(p, r, cap[p], discount))
            clauses.append([*as_good, *refused])

    with Solver(name="cadical153", bootstrap_with=clauses) as sat:
        if not sat.solve():
            return None
        model = {v for v in sat.get_model() or [] if v > 0}
    assign: dict[str, str | None] = {a["id"]: None for a in inst["applicants"]}
    for (a, p), v in single.items():
        if v in model:
            assign[a] = p
    for c in inst["couples"]:
        for k, (p1, p2) in enumerate(c["ranking"]):
            if option.get((c["id"], k)) in model:
                assign[c["members"][0]], assign[c["members"][1]] = p1, p2
    return assign


def market(seed: int) -> dict[str, Any]:
    n = random.Random(seed).randint(60, 300)
    return generate(
        applicants=n,
        programs=max(2, n // 8),
        couples_share=0.2,
        seed=seed,
        reversion_share=0.0,
        positions=int(n * 0.85),
    )


@pytest.mark.parametrize("seed", range(40))
def test_solve_finds_a_stable_matching_exactly_when_one_exists(seed: int) -> None:
    inst = market(seed)
    witness = independent_stable_matching(inst)
    if witness is not None:  # the encoding's own answer must pass the verifier
        checked = {
            "format": "match-result/1",
            "status": "stable",
            "assignments": witness,
            "final_capacity": final_capacities(inst, witness),
            "blocking": [],
            "instance_sha256": canonical_sha256(inst),
        }
        assert verify(inst, checked) == []
    result = solve(inst, time_limit=60)
    expected = "stable" if witness is not None else "no-stable-matching"
    assert result["status"] == expected
