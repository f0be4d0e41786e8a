"""Why an applicant got the result they got, in translated sentences.

The facts come from the engine's ``explain`` when it gives reason codes this module knows;
otherwise they are worked out here from the frozen instance and the stored result (the same
definitions as the verifier). Only what the applicant may know is shown: whether a program
ranked them, their own rank on its list and the rank of the last applicant it matched — never
other applicants' identities.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

import matchengine


@dataclass(frozen=True)
class Reason:
    """One program (or pair of programs, for a couple) the applicant preferred to their result."""

    code: str  # not_ranked | no_positions | filled | reverted | two_seats | partner
    program: str
    partner_program: str | None = None
    your_rank: int | None = None
    last_rank: int | None = None
    capacity: int | None = None


def _held(result: dict[str, Any]) -> dict[str, list[str]]:
    held: dict[str, list[str]] = {}
    for applicant, program in (result.get("assignments") or {}).items():
        if program is not None:
            held.setdefault(program, []).append(applicant)
    return held


def _program_fact(
    programs: dict[str, dict[str, Any]],
    held: dict[str, list[str]],
    capacity: dict[str, int],
    program_id: str,
    applicant_id: str,
) -> Reason:
    program = programs.get(program_id) or {"ranking": [], "capacity": 0}
    ranking: list[str] = program.get("ranking", [])
    if applicant_id not in ranking:
        return Reason("not_ranked", program_id)
    position = {a: i + 1 for i, a in enumerate(ranking)}
    matched = [position[a] for a in held.get(program_id, []) if a in position]
    cap = capacity.get(program_id, program.get("capacity", 0))
    return Reason(
        "filled",
        program_id,
        your_rank=position[applicant_id],
        last_rank=max(matched) if matched else None,
        capacity=cap,
    )


def reasons_for(
    instance: dict[str, Any], result: dict[str, Any], applicant_id: str
) -> list[Reason]:
    """The programs ``applicant_id`` (or their couple) preferred to their result, and why each
    did not take them, from most to least preferred."""
    programs = {p["id"]: p for p in instance.get("programs", [])}
    held = _held(result)
    capacity = {k: int(v) for k, v in (result.get("final_capacity") or {}).items()}
    assigned = (result.get("assignments") or {}).get(applicant_id)
    couple = next(
        (c for c in instance.get("couples", []) if applicant_id in c.get("members", [])), None
    )
    out: list[Reason] = []
    if couple is None:
        applicant = next(
            (a for a in instance.get("applicants", []) if a["id"] == applicant_id), None
        )
        for program_id in (applicant or {}).get("ranking", []):
            if program_id == assigned:
                break
            out.append(_program_fact(programs, held, capacity, program_id, applicant_id))
        return out
    me = couple["members"].index(applicant_id)
    current = [
        (result.get("assignments") or {}).get(couple["members"][0]),
        (result.get("assignments") or {}).get(couple["members"][1]),
    ]
    for pair in couple.get("ranking", []):
        if list(pair) == current:
            break
        mine, theirs = pair[me], pair[1 - me]
        if mine is not None and mine != assigned:
            fact = _program_fact(programs, held, capacity, mine, applicant_id)
            out.append(
                Reason(fact.code, mine, theirs, fact.your_rank, fact.last_rank, fact.capacity)
            )
        elif theirs is not None:
            out.append(Reason("partner", mine or "", theirs))
    return out


_ENGINE_CODES = {
    "not-ranked": "not_ranked",
    "no-positions": "no_positions",
    "positions-reverted": "reverted",
    "filled-with-higher": "filled",
    "needs-two-seats": "two_seats",
    "couple-partner": "partner",
}


def _from_engine(answer: dict[str, Any], applicant_id: str) -> list[Reason] | None:
    """The engine's reasons (``matchengine.explain``) in this module's terms; None if an
    unknown code shows up (then the reasons are worked out here)."""
    out: list[Reason] = []
    for item in answer.get("reasons", []):
        code = _ENGINE_CODES.get(item.get("code"))
        if code is None:
            return None
        figures = item
        partner_program = None
        if "halves" in item:  # a couple's option: this member's half carries the figures
            option = item.get("option") or [None, None]
            mine = next(
                (i for i, h in enumerate(item["halves"]) if h.get("member") == applicant_id), 0
            )
            figures = item["halves"][mine] if code != "partner" else {}
            partner_program = option[1 - mine]
        out.append(
            Reason(
                code=code,
                program=str(item.get("program") or ""),
                partner_program=partner_program,
                your_rank=figures.get("applicant_rank"),
                last_rank=figures.get("last_matched_rank"),
                capacity=figures.get("final_capacity"),
            )
        )
    return out


def engine_reasons(
    instance: dict[str, Any], result: dict[str, Any], applicant_id: str
) -> list[Reason]:
    """Ask the engine first; fall back on ``reasons_for`` if its answer is not understood."""
    explain = getattr(matchengine, "explain", None)
    answer = None
    if explain is not None:
        try:
            answer = explain(instance, result, applicant_id)
        except Exception:  # an explanation must never break the results page
            answer = None
    if isinstance(answer, dict):
        reasons = _from_engine(answer, applicant_id)
        if reasons is not None:
            return reasons
    return reasons_for(instance, result, applicant_id)


def render_reason(reason: Reason, program_name: str, partner_program_name: str = "") -> str:
    """One translated sentence."""
    if reason.code == "not_ranked":
        return _("%(program)s did not rank you.") % {"program": program_name}
    if reason.code == "no_positions":
        return _("%(program)s had no positions.") % {"program": program_name}
    if reason.code == "two_seats":
        return _(
            "%(program)s had room for only one of the two members of your couple, not both."
        ) % {"program": program_name}
    if reason.code == "reverted" and reason.last_rank is not None:
        return _(
            "%(program)s did not fill its positions and gave the unfilled ones to another "
            "quota; it kept only the applicants it matched, all ranked higher than you: its "
            "last match was ranked %(last)d, you were ranked %(rank)d."
        ) % {"program": program_name, "last": reason.last_rank, "rank": reason.your_rank or 0}
    if reason.code == "reverted":
        return _(
            "%(program)s did not fill its positions and gave the unfilled ones to another quota."
        ) % {"program": program_name}
    if reason.code == "partner":
        if not program_name:
            return _(
                "Your couple's option “no match for you, %(partner)s for your partner” could "
                "not be matched because your partner's half of it could not be."
            ) % {"partner": partner_program_name}
        return _(
            "Your couple's option “%(program)s for you, %(partner)s for your partner” could not "
            "be matched because your partner's half of it could not be."
        ) % {"program": program_name, "partner": partner_program_name or _("no match")}
    if reason.last_rank is None:
        return _(
            "%(program)s ranked you %(rank)d but matched no one it ranked above you within its "
            "positions."
        ) % {"program": program_name, "rank": reason.your_rank or 0}
    return ngettext(
        "%(program)s filled its %(count)d position with applicants it ranked higher: its last "
        "match was ranked %(last)d, you were ranked %(rank)d.",
        "%(program)s filled its %(count)d positions with applicants it ranked higher: its last "
        "match was ranked %(last)d, you were ranked %(rank)d.",
        reason.capacity or 0,
    ) % {
        "program": program_name,
        "count": reason.capacity or 0,
        "last": reason.last_rank,
        "rank": reason.your_rank or 0,
    }
