"""Reads of rank order lists."""

from __future__ import annotations

from typing import Any

from applicants.models import ApplicantProfile, Couple
from applications.models import Application, ApplicationStatus
from cycles.models import Iteration
from programs.models import Quota
from ranking.models import RankList, RankListStatus, RankListVersion


def entries_of(rank_list: RankList) -> list[Any]:
    return list(
        rank_list.entries.select_related(
            "quota__program__school", "partner_quota__program__school", "applicant"
        ).order_by("position")
    )


def entries_as_data(entries: list[Any]) -> list[dict[str, Any]]:
    """The form kept in a submitted version (read by the match snapshot)."""
    return [
        {
            "position": i + 1,
            "quota": e.quota_id,
            "partner_quota": e.partner_quota_id,
            "applicant": e.applicant_id,
        }
        for i, e in enumerate(entries)
    ]


def last_version(rank_list: RankList) -> RankListVersion | None:
    return rank_list.versions.order_by("-number").first()


def has_unsubmitted_changes(rank_list: RankList, entries: list[Any]) -> bool:
    version = last_version(rank_list)
    return version is None or version.entries != entries_as_data(entries)


def rank_list_status(applicant: ApplicantProfile, iteration: Iteration) -> str | None:
    """``None`` (no list), ``draft``, ``submitted`` or ``changed`` (edited since submitted)."""
    rank_list = RankList.objects.filter(iteration=iteration, applicant=applicant).first()
    if rank_list is None:
        return None
    if rank_list.status == RankListStatus.DRAFT:
        return "draft"
    return "changed" if has_unsubmitted_changes(rank_list, entries_of(rank_list)) else "submitted"


def applied_quotas(applicant: ApplicantProfile, iteration: Iteration) -> list[Quota]:
    """Quotas the applicant may rank: those of their submitted applications."""
    return list(
        Quota.objects.filter(
            iteration=iteration,
            applications__applicant=applicant,
            applications__status=ApplicationStatus.SUBMITTED,
        )
        .select_related("program__school")
        .order_by("program__code")
        .distinct()
    )


def quota_candidates(quota: Quota) -> list[ApplicantProfile]:
    """Applicants a quota may rank: submitted applications, still taking part."""
    return list(
        ApplicantProfile.objects.filter(
            applications__quota=quota,
            applications__status=ApplicationStatus.SUBMITTED,
            participations__cycle_id=quota.iteration.cycle_id,
            participations__withdrawn_at__isnull=True,
        )
        .order_by("last_name", "first_name")
        .distinct()
    )


def has_applied(applicant_id: int, quota_id: int) -> bool:
    return Application.objects.filter(
        applicant_id=applicant_id, quota_id=quota_id, status=ApplicationStatus.SUBMITTED
    ).exists()


def list_of_applicant(applicant: ApplicantProfile, iteration: Iteration) -> RankList:
    rank_list, _created = RankList.objects.get_or_create(iteration=iteration, applicant=applicant)
    return rank_list


def list_of_couple(couple: Couple, iteration: Iteration) -> RankList:
    rank_list, _created = RankList.objects.get_or_create(iteration=iteration, couple=couple)
    return rank_list


def list_of_quota(quota: Quota) -> RankList:
    rank_list, _created = RankList.objects.get_or_create(iteration=quota.iteration, quota=quota)
    return rank_list


def version_lines(version: RankListVersion) -> list[Any]:
    """The lines of a submitted version, with their quotas and applicants loaded."""
    from types import SimpleNamespace

    data = sorted(version.entries, key=lambda e: e["position"])
    quota_ids = {e[k] for e in data for k in ("quota", "partner_quota") if e.get(k)}
    quotas = Quota.objects.select_related("program__school").in_bulk(quota_ids)
    people = ApplicantProfile.objects.in_bulk({e["applicant"] for e in data if e.get("applicant")})
    return [
        SimpleNamespace(
            quota=quotas.get(e.get("quota")),
            partner_quota=quotas.get(e.get("partner_quota")),
            applicant=people.get(e.get("applicant")),
        )
        for e in data
    ]
