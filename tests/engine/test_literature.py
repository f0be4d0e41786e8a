"""Instances from the literature, with their known answers."""

from __future__ import annotations

from matchengine import solve, verify

from .bruteforce import stable_matchings
from .instances import instance


def latin_square() -> dict:
    """Three applicants, three programs of one position, three stable matchings.

    The "Latin square" example (Gusfield & Irving 1989, section 1.2.4; Gale & Shapley
    1962 give a 3x3 instance of the same kind): each applicant's first choice ranks them
    last, so the applicant-optimal matching gives every applicant their first choice and
    the program-optimal one every program its first choice; a third stable matching lies
    between them.
    """
    return instance(
        programs={
            "P1": (1, ["A2", "A3", "A1"]),
            "P2": (1, ["A3", "A1", "A2"]),
            "P3": (1, ["A1", "A2", "A3"]),
        },
        applicants={
            "A1": ["P1", "P2", "P3"],
            "A2": ["P2", "P3", "P1"],
            "A3": ["P3", "P1", "P2"],
        },
    )


def test_latin_square_has_three_stable_matchings() -> None:
    assert len(stable_matchings(latin_square())) == 3


def test_applicant_proposing_gives_every_applicant_their_first_choice() -> None:
    result = solve(latin_square())
    assert result["status"] == "stable"
    assert result["assignments"] == {"A1": "P1", "A2": "P2", "A3": "P3"}
    assert verify(latin_square(), result) == []


def test_program_proposing_gives_every_program_its_first_choice() -> None:
    result = solve(latin_square(), proposing="program")
    assert result["status"] == "stable"
    assert result["proposing"] == "program"
    assert result["assignments"] == {"A1": "P3", "A2": "P1", "A3": "P2"}
    assert verify(latin_square(), result) == []


def gale_shapley_college_admissions() -> dict:
    """College admissions with quotas (Gale & Shapley 1962, section 3, in spirit).

    P1 has two places and ranks A1 > A2 > A3 > A4; P2 has one place and ranks A4 > A3 >
    A2 > A1.  Every applicant prefers P1.  Applicant- and program-proposing agree here (the
    stable matching is unique): P1 takes its two best, P2 its best among the rest.
    """
    return instance(
        programs={"P1": (2, ["A1", "A2", "A3", "A4"]), "P2": (1, ["A4", "A3", "A2", "A1"])},
        applicants={a: ["P1", "P2"] for a in ("A1", "A2", "A3", "A4")},
    )


def test_college_admissions_with_quotas() -> None:
    inst = gale_shapley_college_admissions()
    expected = {"A1": "P1", "A2": "P1", "A3": None, "A4": "P2"}
    for side in ("applicant", "program"):
        result = solve(inst, proposing=side)
        assert result["assignments"] == expected
        assert result["final_capacity"] == {"P1": 2, "P2": 1}
    assert stable_matchings(inst) == [expected]


def couple_without_stable_matching() -> dict:
    """One couple, two singles, two programs of one position: no stable matching.

    In the manner of Roth (1984) and Klaus & Klijn (2005).  Couple C = (M1, M2) ranks only
    (H1, H2); H1 ranks M1 > M2 > S2 > S1, H2 ranks M1 > S1 > S2 > M2; S1 ranks H1;
    S2 ranks H1 then H2.  By hand:

    * C at (H1, H2): S2 is unmatched (H1 holds M1, whom it prefers) and H2 ranks S2 above
      M2, so (S2, H2) blocks.
    * C unmatched: the singles alone have two candidate matchings.  S2 at H1 and S1
      unmatched leaves H2 empty, and C blocks with (H1, H2) (H1 prefers M1 to S2).  S1 at
      H1 and S2 at H2: S2 prefers H1, which ranks S2 above S1, so (S2, H1) blocks.  Any
      other matching of the singles leaves a blocking pair among them.
    """
    return instance(
        programs={"H1": (1, ["M1", "M2", "S2", "S1"]), "H2": (1, ["M1", "S1", "S2", "M2"])},
        applicants={"S1": ["H1"], "S2": ["H1", "H2"]},
        couples={"C": (["M1", "M2"], [["H1", "H2"]])},
    )


def test_couple_instance_has_no_stable_matching_by_brute_force() -> None:
    assert stable_matchings(couple_without_stable_matching()) == []


def test_solve_proves_there_is_no_stable_matching() -> None:
    inst = couple_without_stable_matching()
    for side in ("applicant", "program"):
        result = solve(inst, proposing=side)
        assert result["status"] == "no-stable-matching"
        assert result["blocking"], "the blocking pairs/couples of the best effort are listed"
        problems = verify(inst, result)
        # The verifier lists the blocking entries (they are why it is not stable) and
        # nothing else: status, blocking list, capacities and validity are consistent.
        assert problems
        assert all(line.startswith("blocking ") for line in problems), problems


def reversion_chain() -> dict:
    """A reversion chain FM-IMG -> FM-CMG -> FM-OPEN, final capacities computed by hand.

    FM-IMG (3 places) ranks I1, I2 and only I1 ranks it back: it holds 1 and gives its 2
    spare places to FM-CMG (1 place of its own), which may pass its own spare to FM-OPEN
    (1 place).  C1, C2 rank FM-CMG first, C3 only FM-OPEN, C4 FM-OPEN then FM-CMG.

    Applicant-proposing: C1, C2 hold FM-CMG; C3, C4 hold FM-OPEN.  FM-CMG has 1 + 2 = 3
    places and holds 2, so it gives 1 on: final capacities FM-IMG 1, FM-CMG 2, FM-OPEN 2.

    Program-proposing: FM-CMG proposes down its list with 3 places once FM-IMG has
    proposed to everyone it ranks, and C4 (who has no better offer yet) accepts; FM-CMG is
    full and gives nothing on; FM-OPEN (1 place) takes C3, whom it ranks above C4: final
    capacities FM-IMG 1, FM-CMG 3, FM-OPEN 1.  Both are stable (C4 prefers FM-OPEN, but
    FM-OPEN's one final place holds C3).
    """
    return instance(
        programs={
            "FM-IMG": (3, ["I1", "I2"], "FM-CMG"),
            "FM-CMG": (1, ["C1", "C2", "C3", "C4"], "FM-OPEN"),
            "FM-OPEN": (1, ["C3", "C4", "C2"]),
        },
        applicants={
            "I1": ["FM-IMG"],
            "I2": [],
            "C1": ["FM-CMG"],
            "C2": ["FM-CMG", "FM-OPEN"],
            "C3": ["FM-OPEN"],
            "C4": ["FM-OPEN", "FM-CMG"],
        },
    )


def test_reversion_chain_applicant_proposing() -> None:
    inst = reversion_chain()
    result = solve(inst)
    assert result["status"] == "stable"
    assert result["final_capacity"] == {"FM-IMG": 1, "FM-CMG": 2, "FM-OPEN": 2}
    assert result["assignments"] == {
        "I1": "FM-IMG",
        "I2": None,
        "C1": "FM-CMG",
        "C2": "FM-CMG",
        "C3": "FM-OPEN",
        "C4": "FM-OPEN",
    }
    assert verify(inst, result) == []


def test_reversion_chain_program_proposing() -> None:
    inst = reversion_chain()
    result = solve(inst, proposing="program")
    assert result["status"] == "stable"
    assert result["final_capacity"] == {"FM-IMG": 1, "FM-CMG": 3, "FM-OPEN": 1}
    assert result["assignments"] == {
        "I1": "FM-IMG",
        "I2": None,
        "C1": "FM-CMG",
        "C2": "FM-CMG",
        "C3": "FM-OPEN",
        "C4": "FM-CMG",
    }
    assert verify(inst, result) == []
