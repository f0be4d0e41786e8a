"""Reads of the matchruns domain: submitted rank order lists, runs, released results.

``submitted_lists`` reads the last submitted version (highest ``number``) of every rank order
list of an iteration from ``ranking.models.RankListVersion`` for the match snapshot (the one
reader of submitted versions); the entries' JSON is read tolerantly
(each entry a dict naming a quota by pk or code, a partner quota, or an applicant by pk or
matching id; sorted by ``position`` when given).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery

from cycles.models import Iteration
from cycles.selectors import results_released
from matchruns.models import MatchAssignment, MatchRun, RunKind
from programs.models import Quota
from ranking.models import RankList, RankListVersion

QuotaRef = int | None


@dataclass
class SubmittedLists:
    """The last submitted version of each list, by owner (database ids)."""

    applicants: dict[int, list[int]] = field(default_factory=dict)  # applicant -> quotas
    couples: dict[int, list[tuple[QuotaRef, QuotaRef]]] = field(default_factory=dict)
    quotas: dict[int, list[int]] = field(default_factory=dict)  # quota -> applicants
    submitted_at: dict[str, dt.datetime] = field(default_factory=dict)

    @property
    def count_applicants(self) -> int:
        return len(self.applicants)

    @property
    def count_couples(self) -> int:
        return len(self.couples)

    @property
    def count_quotas(self) -> int:
        return len(self.quotas)


_QUOTA_KEYS = ("quota", "quota_id", "quota_code", "program", "program_id")
_PARTNER_KEYS = ("partner_quota", "partner_quota_id", "partner_quota_code", "partner")
_APPLICANT_KEYS = ("applicant", "applicant_id", "matching_id")


def _first(entry: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if key in entry:
            return entry[key]
    return None


def _ordered(entries: Any) -> list[Any]:
    if not isinstance(entries, list):
        return []
    if all(isinstance(e, dict) and "position" in e for e in entries):
        return sorted(entries, key=lambda e: e["position"])
    return list(entries)


def submitted_lists(iteration: Iteration) -> SubmittedLists:
    """Every list's last submitted version in ``iteration`` (three queries)."""
    from applicants.models import ApplicantProfile

    latest = (
        RankListVersion.objects.filter(rank_list=OuterRef("rank_list"))
        .order_by("-number")
        .values("number")[:1]
    )
    versions = (
        RankListVersion.objects.filter(rank_list__iteration=iteration, number=Subquery(latest))
        .select_related("rank_list")
        .only(
            "entries",
            "submitted_at",
            "rank_list__applicant_id",
            "rank_list__couple_id",
            "rank_list__quota_id",
        )
    )
    quota_codes = {
        q.code: q.pk for q in Quota.objects.filter(iteration=iteration).select_related("program")
    }
    applicant_ids: dict[str, int] | None = None

    def quota_ref(value: Any) -> QuotaRef:
        if value is None or value == "":
            return None
        if isinstance(value, dict):
            value = _first(value, ("id", "pk", "code"))
        if isinstance(value, int):
            return value
        if isinstance(value, str):
            return int(value) if value.isdigit() else quota_codes.get(value)
        return None

    def applicant_ref(value: Any) -> int | None:
        nonlocal applicant_ids
        if isinstance(value, dict):
            value = _first(value, ("id", "pk", "matching_id"))
        if isinstance(value, int):
            return value
        if isinstance(value, str):
            if applicant_ids is None:
                applicant_ids = dict(ApplicantProfile.objects.values_list("matching_id", "pk"))
            return applicant_ids.get(value)
        return None

    out = SubmittedLists()
    for version in versions:
        owner: RankList = version.rank_list
        entries = _ordered(version.entries)
        if owner.quota_id is not None:
            ranked = [
                applicant_ref(_first(e, _APPLICANT_KEYS) if isinstance(e, dict) else e)
                for e in entries
            ]
            out.quotas[owner.quota_id] = [a for a in ranked if a is not None]
            out.submitted_at[f"quota:{owner.quota_id}"] = version.submitted_at
        elif owner.couple_id is not None:
            pairs: list[tuple[QuotaRef, QuotaRef]] = []
            for e in entries:
                if isinstance(e, dict):
                    pairs.append(
                        (quota_ref(_first(e, _QUOTA_KEYS)), quota_ref(_first(e, _PARTNER_KEYS)))
                    )
                elif isinstance(e, list | tuple) and len(e) == 2:
                    pairs.append((quota_ref(e[0]), quota_ref(e[1])))
            out.couples[owner.couple_id] = pairs
            out.submitted_at[f"couple:{owner.couple_id}"] = version.submitted_at
        elif owner.applicant_id is not None:
            ranked_quotas = [
                quota_ref(_first(e, _QUOTA_KEYS) if isinstance(e, dict) else e) for e in entries
            ]
            out.applicants[owner.applicant_id] = [q for q in ranked_quotas if q is not None]
            out.submitted_at[f"applicant:{owner.applicant_id}"] = version.submitted_at
    return out


def submitted_counts(iteration: Iteration) -> dict[str, int]:
    """How many lists of each kind have at least one submitted version."""
    rows = (
        RankList.objects.filter(iteration=iteration, versions__isnull=False)
        .distinct()
        .values_list("applicant_id", "couple_id", "quota_id")
    )
    counts = {"applicants": 0, "couples": 0, "quotas": 0}
    for applicant_id, couple_id, quota_id in rows:
        if quota_id is not None:
            counts["quotas"] += 1
        elif couple_id is not None:
            counts["couples"] += 1
        elif applicant_id is not None:
            counts["applicants"] += 1
    return counts


def runs_of(iteration: Iteration) -> QuerySet[MatchRun]:
    """The runs of an iteration, newest first, with matched / unmatched counts (no snapshot)."""
    from django.db.models import Q

    return (
        MatchRun.objects.filter(iteration=iteration)
        .defer("snapshot", "result")
        .select_related("created_by")
        .annotate(
            matched=Count("assignments", filter=Q(assignments__quota__isnull=False)),
            unmatched=Count("assignments", filter=Q(assignments__quota__isnull=True)),
        )
    )


def official_run(iteration: Iteration) -> MatchRun | None:
    return MatchRun.objects.filter(iteration=iteration, kind=RunKind.OFFICIAL).first()


def released_run(iteration: Iteration, now: dt.datetime | None = None) -> MatchRun | None:
    """The official run, only once results are released (noon Toronto on match day)."""
    if not results_released(iteration, now):
        return None
    return official_run(iteration)


def assignment_of(run: MatchRun, applicant_id: int) -> MatchAssignment | None:
    return (
        MatchAssignment.objects.filter(run=run, applicant_id=applicant_id)
        .select_related("quota__program__school", "quota__program__discipline", "applicant__user")
        .first()
    )


def program_assignments(run: MatchRun, program_id: int) -> list[MatchAssignment]:
    return list(
        MatchAssignment.objects.filter(run=run, quota__program_id=program_id)
        .select_related("applicant", "quota")
        .order_by("quota__stream", "applicant__last_name", "applicant__first_name")
    )
