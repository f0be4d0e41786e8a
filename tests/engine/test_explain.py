"""matchengine.explain: reasons for every code, on hand-built instances."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from matchengine.explain import explain, explain_program, render_explanation
from matchengine.instance import canonical_sha256
from matchengine.verify import final_capacities, find_blocking, verify
from tests.engine.test_verify import naive_valid, result_for, small_instances


def result(instance: dict[str, Any], assignments: dict[str, str | None]) -> dict[str, Any]:
    return {
        "format": "match-result/1",
        "proposing": "applicant",
        "status": "stable",
        "assignments": assignments,
        "final_capacity": final_capacities(instance, assignments),
        "blocking": [],
        "instance_sha256": canonical_sha256(instance),
        "engine": "test",
    }


def prog(pid: str, capacity: int, ranking: list[str], **extra: Any) -> dict[str, Any]:
    return {"id": pid, "capacity": capacity, "ranking": ranking, **extra}


def app(aid: str, ranking: list[str]) -> dict[str, Any]:
    return {"id": aid, "ranking": ranking}


# ---------------------------------------------------------------- single applicants

SINGLES: dict[str, Any] = {
    "programs": [
        prog("P-FULL", 1, ["B", "A"]),
        prog("P-NOT", 1, ["B"]),
        prog("P-ZERO", 0, ["A"]),
        prog("P-IMG", 2, ["C", "A"], reverts_to="P-CMG"),
        prog("P-CMG", 1, ["D"]),
        prog("P-LAST", 1, ["A"]),
        prog("P-TWO", 1, ["E", "F", "G"]),
        prog("P-E", 1, ["E"]),
    ],
    "applicants": [
        app("A", ["P-FULL", "P-NOT", "P-ZERO", "P-IMG", "P-LAST"]),
        app("B", ["P-FULL"]),
        app("C", ["P-IMG"]),
        app("D", ["P-CMG"]),
        app("E", ["P-E", "P-TWO"]),
        app("F", ["P-E"]),
        app("G", ["P-TWO"]),
    ],
    "couples": [],
}
SINGLES_ASSIGN: dict[str, str | None] = {
    "A": "P-LAST",
    "B": "P-FULL",
    "C": "P-IMG",
    "D": "P-CMG",
    "E": "P-E",
    "F": None,
    "G": "P-TWO",
}


def test_the_singles_fixture_is_stable() -> None:
    assert verify(SINGLES, result(SINGLES, SINGLES_ASSIGN)) == []


def test_it_explains_each_program_an_applicant_ranked_higher() -> None:
    e = explain(SINGLES, result(SINGLES, SINGLES_ASSIGN), "A")
    assert e["kind"] == "applicant"
    assert e["matched"] == "P-LAST"
    assert e["matched_rank"] == 5
    assert e["couple"] is None
    by_program = {r["program"]: r for r in e["reasons"]}
    assert [r["program"] for r in e["reasons"]] == ["P-FULL", "P-NOT", "P-ZERO", "P-IMG"]
    full = by_program["P-FULL"]
    assert full["code"] == "filled-with-higher"
    assert (full["applicant_rank"], full["last_matched_rank"]) == (2, 1)
    assert full["program_rank"] == 1
    assert full["final_capacity"] == 1
    assert "filled its 1 position with applicants it ranked higher" in full["message"]
    assert "2nd" in full["message"]
    assert by_program["P-NOT"]["code"] == "not-ranked"
    assert by_program["P-NOT"]["applicant_rank"] is None
    assert by_program["P-ZERO"]["code"] == "no-positions"
    reverted = by_program["P-IMG"]
    assert reverted["code"] == "positions-reverted"
    assert reverted["reverted"] == 1
    assert reverted["reverts_to"] == "P-CMG"
    assert reverted["final_capacity"] == 1
    assert "reverted to P-CMG" in reverted["message"]
    json.dumps(e)


def test_an_applicant_matched_to_their_first_choice_has_no_reasons() -> None:
    e = explain(SINGLES, result(SINGLES, SINGLES_ASSIGN), "B")
    assert e["reasons"] == []
    assert render_explanation(e) == "B was matched to P-FULL, their 1st choice."


def test_an_unstable_result_shows_a_blocking_reason() -> None:
    assign = dict(SINGLES_ASSIGN, A=None)
    e = explain(SINGLES, result(SINGLES, assign), "A")
    assert e["matched"] is None
    last = e["reasons"][-1]
    assert (last["program"], last["code"]) == ("P-LAST", "blocking")
    p = explain_program(SINGLES, result(SINGLES, assign), "P-LAST")
    assert [(r["applicant"], r["code"]) for r in p["reasons"]] == [("A", "blocking")]


def test_it_explains_a_program_missing_applicants_it_ranked_higher() -> None:
    p = explain_program(SINGLES, result(SINGLES, SINGLES_ASSIGN), "P-TWO")
    assert p["kind"] == "program"
    assert p["matched"] == ["G"]
    assert p["last_matched_rank"] == 3
    assert p["vacancies"] == 0
    reasons = {r["applicant"]: r for r in p["reasons"]}
    assert list(reasons) == ["E", "F"]
    e = reasons["E"]
    assert e["code"] == "matched-higher"
    assert (e["matched"], e["matched_rank"], e["program_rank"]) == ("P-E", 1, 2)
    assert e["applicant_rank"] == 1
    assert reasons["F"]["code"] == "did-not-rank-program"
    json.dumps(p)


def test_a_program_with_reverted_positions_considers_everyone_it_ranked() -> None:
    p = explain_program(SINGLES, result(SINGLES, SINGLES_ASSIGN), "P-IMG")
    assert p["reverted"] == 1
    assert p["final_capacity"] == 1
    # A ranks P-IMG above their match, but its unfilled position went to P-CMG.
    assert [(r["applicant"], r["code"]) for r in p["reasons"]] == [("A", "positions-reverted")]
    cmg = explain_program(SINGLES, result(SINGLES, SINGLES_ASSIGN), "P-CMG")
    assert cmg["received"] == 1
    assert cmg["final_capacity"] == 2
    assert cmg["vacancies"] == 1
    text = render_explanation(cmg)
    assert "received 1 position by reversion" in text
    assert "1 position remains vacant" in text


def test_unknown_ids_raise() -> None:
    res = result(SINGLES, SINGLES_ASSIGN)
    with pytest.raises(KeyError, match="unknown applicant"):
        explain(SINGLES, res, "NOBODY")
    with pytest.raises(KeyError, match="unknown program"):
        explain_program(SINGLES, res, "NOWHERE")
    with pytest.raises(ValueError):
        render_explanation({"kind": "other"})


# ---------------------------------------------------------------- couples

COUPLES: dict[str, Any] = {
    "programs": [
        prog("Q1", 1, ["M1"]),
        prog("Q2", 1, ["X", "M2"]),
        prog("Q3", 2, ["Y", "M1", "M2"]),
        prog("Q4", 1, ["M2"]),
        prog("Q5", 1, ["M1", "Z"]),
        prog("Q6", 1, ["W", "M2"]),
        prog("Q7", 1, ["M2", "V"]),
        prog("Q8", 1, ["M1", "U"]),
    ],
    "applicants": [
        app("M1", []),
        app("M2", []),
        app("X", ["Q2"]),
        app("Y", ["Q3"]),
        app("Z", ["Q5"]),
        app("W", ["Q6"]),
        app("V", ["Q7"]),
        app("U", ["Q8"]),
    ],
    "couples": [
        {
            "id": "C1",
            "members": ["M1", "M2"],
            "ranking": [
                ["Q5", "Q6"],
                ["Q1", "Q2"],
                ["Q3", "Q3"],
                ["Q1", "Q4"],
                ["Q1", "Q7"],
                ["Q1", None],
            ],
        }
    ],
}
COUPLES_ASSIGN: dict[str, str | None] = {
    "M1": "Q1",
    "M2": "Q4",
    "X": "Q2",
    "Y": "Q3",
    "Z": "Q5",
    "W": "Q6",
    "V": "Q7",
    "U": "Q8",
}


def test_the_couples_fixture_is_stable() -> None:
    assert verify(COUPLES, result(COUPLES, COUPLES_ASSIGN)) == []


def test_it_explains_each_option_a_couple_ranked_higher_from_each_side() -> None:
    res = result(COUPLES, COUPLES_ASSIGN)
    e1 = explain(COUPLES, res, "M1")
    assert (e1["couple"], e1["partner"]) == ("C1", "M2")
    assert e1["matched_option"] == ["Q1", "Q4"]
    assert e1["matched_option_rank"] == 4
    assert [r["option"] for r in e1["reasons"]] == [["Q5", "Q6"], ["Q1", "Q2"], ["Q3", "Q3"]]
    codes1 = [r["code"] for r in e1["reasons"]]
    assert codes1 == ["couple-partner", "couple-partner", "needs-two-seats"]
    first = e1["reasons"][0]
    assert first["program"] == "Q5"
    assert [h["code"] for h in first["halves"]] == ["available", "filled-with-higher"]
    partner_half = first["halves"][1]
    assert (partner_half["applicant_rank"], partner_half["last_matched_rank"]) == (2, 1)
    assert "M2 could not be placed" in first["message"]
    # A seat the couple vacates counts as free: Q1 (held by M1) is available to M1.
    assert e1["reasons"][1]["halves"][0]["code"] == "available"
    both = e1["reasons"][2]
    assert [h["code"] for h in both["halves"]] == ["needs-two-seats", "needs-two-seats"]
    assert "Q3 has room for only one of the two" in both["message"]

    e2 = explain(COUPLES, res, "M2")
    codes2 = [r["code"] for r in e2["reasons"]]
    assert codes2 == ["filled-with-higher", "filled-with-higher", "needs-two-seats"]
    text = render_explanation(e2)
    assert "couple (C1) with M1" in text
    assert "4th option" in text
    json.dumps(e1)
    json.dumps(e2)


def test_an_unmatched_couple_with_a_free_option_is_blocking() -> None:
    res = result(COUPLES, dict(COUPLES_ASSIGN, M1=None, M2=None))
    e = explain(COUPLES, res, "M1")
    assert e["matched_option"] == [None, None]
    assert e["matched_option_rank"] is None
    codes = [r["code"] for r in e["reasons"]]
    assert "blocking" in codes
    assert codes[codes.index("blocking")] == "blocking"
    assert e["reasons"][codes.index("blocking")]["option"] == ["Q1", "Q4"]


def test_a_program_explains_couple_members_it_ranked_higher() -> None:
    res = result(COUPLES, COUPLES_ASSIGN)
    q5 = explain_program(COUPLES, res, "Q5")
    [m1] = q5["reasons"]
    assert (m1["applicant"], m1["couple"], m1["code"]) == ("M1", "C1", "couple-partner")
    assert m1["options"][0]["option"] == ["Q5", "Q6"]
    q7 = explain_program(COUPLES, res, "Q7")
    [m2] = q7["reasons"]
    assert m2["code"] == "couple-ranked-higher"
    assert (m2["matched_rank"], m2["program_rank"]) == (4, 5)
    assert m2["matched_option"] == ["Q1", "Q4"]
    q8 = explain_program(COUPLES, res, "Q8")
    assert [(r["applicant"], r["code"]) for r in q8["reasons"]] == [("M1", "did-not-rank-program")]
    text = render_explanation(q5)
    assert "Applicants it ranked higher who are not matched here:" in text
    assert "M1" in text
    json.dumps(q5)


def test_a_couple_needing_two_seats_is_explained_on_the_program_side() -> None:
    res = result(COUPLES, COUPLES_ASSIGN)
    q3 = explain_program(COUPLES, res, "Q3")
    # Q3 has a vacancy (holds Y only): every applicant it ranked is considered.
    assert q3["vacancies"] == 1
    codes = {r["applicant"]: r["code"] for r in q3["reasons"]}
    assert codes == {"M1": "needs-two-seats", "M2": "needs-two-seats"}


# ---------------------------------------------------------------- agreement with verify


def acceptable_assignment(draw: st.DrawFn, inst: dict[str, Any]) -> dict[str, str | None]:
    """Mutually acceptable assignments and couple options (capacity may still be exceeded)."""
    ranked = {p["id"]: set(p["ranking"]) for p in inst["programs"]}
    assign: dict[str, str | None] = {}
    for a in inst["applicants"]:
        choices = [None] + [p for p in a["ranking"] if a["id"] in ranked[p]]
        assign[a["id"]] = draw(st.sampled_from(choices))
    for c in inst["couples"]:
        m1, m2 = c["members"]
        options: list[tuple[str | None, str | None]] = [(None, None)]
        for p1, p2 in c["ranking"]:
            if (p1 is None or m1 in ranked[p1]) and (p2 is None or m2 in ranked[p2]):
                options.append((p1, p2))
        assign[m1], assign[m2] = draw(st.sampled_from(options))
    return assign


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_blocking_reasons_are_exactly_the_blocking_pairs_and_couples(data: st.DataObject) -> None:
    inst = data.draw(small_instances(max_couples=2))
    assign = acceptable_assignment(data.draw, inst)
    if not naive_valid(inst, assign):
        return
    event("valid assignment")
    res = result_for(inst, assign)
    expected = {
        (e["applicant"], e["program"]) if e["type"] == "pair" else (e["couple"], *e["programs"])
        for e in find_blocking(inst, res)
    }
    members = {m: c["id"] for c in inst["couples"] for m in c["members"]}
    found = set()
    for a in inst["applicants"]:
        e = explain(inst, res, a["id"])
        json.dumps(e)
        render_explanation(e)
        for r in e["reasons"]:
            if r["code"] == "blocking":
                found.add(
                    (a["id"], r["program"])
                    if a["id"] not in members
                    else (members[a["id"]], *r["option"])
                )
    assert found == expected
    if expected:
        event("with blocking")
    single_pairs = {x for x in expected if len(x) == 2}
    from_programs = set()
    for p in inst["programs"]:
        e = explain_program(inst, res, p["id"])
        json.dumps(e)
        render_explanation(e)
        for r in e["reasons"]:
            if r["code"] == "blocking" and r["couple"] is None:
                from_programs.add((r["applicant"], p["id"]))
    assert from_programs == single_pairs
