"""Freeze an iteration's quotas and submitted rank order lists into the exchange format.

See ``shared/specs/match-exchange-format.md``: one engine "program" per quota (id = quota code),
one engine applicant per active participant (id = matching id), one engine couple per linked
couple with a submitted list (id = ``C<pk>``; its members rank nothing on their own).
Every list of the instance is sorted by id, so the same data always gives the same SHA-256.
"""

from __future__ import annotations

import json
from typing import Any

from applicants.models import ApplicantProfile, Couple, CoupleStatus
from cycles.models import Iteration
from matchruns.selectors import submitted_lists
from programs.models import Quota

FORMAT = "match-instance/1"


def canonical_json(instance: dict[str, Any]) -> str:
    """Canonical text: keys sorted, no insignificant whitespace (UTF-8 when encoded)."""
    return json.dumps(instance, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _dedupe(items: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def build_instance(iteration: Iteration) -> dict[str, Any]:
    """The match instance of ``iteration`` from the last submitted lists (a fixed number of
    queries). Withdrawn applicants are left out, and so are entries naming them."""
    cycle_id = iteration.cycle_id
    quotas = list(
        Quota.objects.filter(iteration=iteration).select_related("program", "reverts_to__program")
    )
    quota_code = {q.pk: q.code for q in quotas}
    active = dict(
        ApplicantProfile.objects.filter(
            participations__cycle_id=cycle_id, participations__withdrawn_at__isnull=True
        ).values_list("pk", "matching_id")
    )
    lists = submitted_lists(iteration)

    couples_out: list[dict[str, Any]] = []
    in_couple: set[int] = set()
    couples = Couple.objects.filter(
        cycle_id=cycle_id, status=CoupleStatus.ACTIVE, pk__in=list(lists.couples)
    )
    for couple in couples:
        if couple.inviter_id not in active or couple.partner_id not in active:
            continue
        if couple.inviter_id in in_couple or couple.partner_id in in_couple:
            continue
        pairs = []
        for first, second in lists.couples.get(couple.pk, []):
            pair = [
                quota_code.get(first) if first else None,
                quota_code.get(second) if second else None,
            ]
            if (first and pair[0] is None) or (second and pair[1] is None) or pair == [None, None]:
                continue  # a quota of another iteration, or "both unmatched" (always implied)
            pairs.append(pair)
        pair_keys = _dedupe([tuple(p) for p in pairs])
        couples_out.append(
            {
                "id": couple.code,
                "members": [active[couple.inviter_id], active[couple.partner_id]],
                "ranking": [list(p) for p in pair_keys],
            }
        )
        in_couple.update((couple.inviter_id, couple.partner_id))

    applicants_out = []
    for pk, matching_id in active.items():
        ranking: list[str] = []
        if pk not in in_couple:
            ranking = _dedupe(
                [quota_code[q] for q in lists.applicants.get(pk, []) if q in quota_code]
            )
        applicants_out.append({"id": matching_id, "ranking": ranking})

    programs_out = []
    for quota in quotas:
        entry: dict[str, Any] = {
            "id": quota.code,
            "capacity": quota.positions,
            "ranking": _dedupe([active[a] for a in lists.quotas.get(quota.pk, []) if a in active]),
        }
        if quota.reverts_to_id is not None and quota.reverts_to_id in quota_code:
            entry["reverts_to"] = quota_code[quota.reverts_to_id]
        programs_out.append(entry)

    return {
        "format": FORMAT,
        "programs": sorted(programs_out, key=lambda p: p["id"]),
        "applicants": sorted(applicants_out, key=lambda a: a["id"]),
        "couples": sorted(couples_out, key=lambda c: c["id"]),
    }
