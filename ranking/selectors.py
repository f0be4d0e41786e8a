"""Reads of the ranking domain: lists, what may be ranked, submitted versions, the match snapshot.

The match uses the LAST SUBMITTED VERSION of every list (``RankListVersion`` with the highest
``number``), never the draft: entries edited after a submission stay a draft until submitted again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.models import ApplicantProfile, Couple, CoupleStatus
from applications.models import Application, ApplicationStatus
from cycles.deadlines import format_toronto
from cycles.models import Cycle, Iteration, MilestoneKind
from cycles.selectors import milestone_at
from programs.models import Quota
from ranking.models import RankEntry, RankList, RankListVersion

QUOTA_RELATED = ("program__school", "program__discipline")


# --- Who may rank what ------------------------------------------------------------------------


def _submitted_applications() -> Q:
    return Q(
        applications__status=ApplicationStatus.SUBMITTED,
        applications__withdrawn_at__isnull=True,
    )


def applied_quotas(applicant: ApplicantProfile | int, iteration: Iteration) -> list[Quota]:
    """The quotas of ``iteration`` that ``applicant`` submitted an application to."""
    applicant_id = applicant if isinstance(applicant, int) else applicant.pk
    return list(
        Quota.objects.filter(
            _submitted_applications(),
            iteration=iteration,
            applications__applicant_id=applicant_id,
        )
        .select_related(*QUOTA_RELATED)
        .order_by("program__code", "stream")
    )


def has_applied(applicant_id: int, quota_id: int) -> bool:
    return Application.objects.filter(
        applicant_id=applicant_id,
        quota_id=quota_id,
        status=ApplicationStatus.SUBMITTED,
        withdrawn_at__isnull=True,
    ).exists()


def rankable_applicants(quota: Quota) -> QuerySet[ApplicantProfile]:
    """Applicants a quota may rank: a submitted application, an active participation."""
    return (
        ApplicantProfile.objects.filter(
            applications__quota=quota,
            applications__status=ApplicationStatus.SUBMITTED,
            applications__withdrawn_at__isnull=True,
            participations__cycle_id=quota.program.cycle_id,
            participations__withdrawn_at__isnull=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


# --- Couples ----------------------------------------------------------------------------------


def couples_of(applicant: ApplicantProfile, cycle: Cycle | int) -> QuerySet[Couple]:
    cycle_id = cycle if isinstance(cycle, int) else cycle.pk
    return (
        Couple.objects.filter(Q(inviter=applicant) | Q(partner=applicant), cycle_id=cycle_id)
        .select_related("inviter__user", "partner__user")
        .order_by("-created_at", "-pk")
    )


def linked_couple(applicant: ApplicantProfile, cycle: Cycle | int) -> Couple | None:
    """The couple ``applicant`` is linked in (accepted, not unlinked), if any."""
    return couples_of(applicant, cycle).filter(status=CoupleStatus.ACTIVE).first()


def pending_invitations(applicant: ApplicantProfile, cycle: Cycle | int) -> list[Couple]:
    return list(couples_of(applicant, cycle).filter(status=CoupleStatus.PENDING))


# --- Lists ------------------------------------------------------------------------------------


def applicant_rank_list(applicant: ApplicantProfile, iteration: Iteration) -> RankList | None:
    return RankList.objects.filter(iteration=iteration, applicant=applicant).first()


def couple_rank_list(couple: Couple, iteration: Iteration) -> RankList | None:
    return RankList.objects.filter(iteration=iteration, couple=couple).first()


def quota_rank_list(quota: Quota) -> RankList | None:
    return RankList.objects.filter(quota=quota).first()


def entries_of(rank_list: RankList | None) -> list[RankEntry]:
    """A list's lines in order, with what they name (one query)."""
    if rank_list is None:
        return []
    return list(
        RankEntry.objects.filter(rank_list=rank_list)
        .select_related(
            "quota__program__school",
            "quota__program__discipline",
            "partner_quota__program__school",
            "partner_quota__program__discipline",
            "applicant",
        )
        .order_by("position")
    )


def last_version(rank_list: RankList | None) -> RankListVersion | None:
    """The last submitted version: the one the match uses."""
    if rank_list is None:
        return None
    return (
        RankListVersion.objects.filter(rank_list=rank_list)
        .select_related("submitted_by")
        .order_by("-number")
        .first()
    )


def version_payload(entries: list[RankEntry], *, couple: bool = False) -> list[dict[str, Any]]:
    """The JSON kept in a ``RankListVersion``: codes to read, ids to resolve.

    Applicant list: ``{"position", "quota": code, "quota_id"}``; couple list: also
    ``"partner_quota"`` / ``"partner_quota_id"`` (``None`` = no match for that member);
    quota list: ``{"position", "applicant": matching_id, "applicant_id"}``.
    """
    out: list[dict[str, Any]] = []
    for entry in entries:
        item: dict[str, Any] = {"position": entry.position}
        if entry.applicant_id is not None:
            item["applicant"] = entry.applicant.matching_id
            item["applicant_id"] = entry.applicant_id
        else:
            item["quota"] = entry.quota.code if entry.quota_id else None
            item["quota_id"] = entry.quota_id
            if couple:
                item["partner_quota"] = entry.partner_quota.code if entry.partner_quota_id else None
                item["partner_quota_id"] = entry.partner_quota_id
        out.append(item)
    return out


def _key_of_entry(entry: RankEntry) -> tuple[Any, ...]:
    return (entry.quota_id, entry.partner_quota_id, entry.applicant_id)


def _key_of_item(item: dict[str, Any]) -> tuple[Any, ...]:
    return (item.get("quota_id"), item.get("partner_quota_id"), item.get("applicant_id"))


def has_unsubmitted_changes(entries: list[RankEntry], version: RankListVersion | None) -> bool:
    """Whether the draft differs from the last submitted version."""
    if version is None:
        return bool(entries)
    items = sorted(version.entries, key=lambda i: i.get("position", 0))
    return [_key_of_entry(e) for e in entries] != [_key_of_item(i) for i in items]


@dataclass
class Row:
    """One line to show: from the draft (``entry_id`` set) or from a submitted version."""

    position: int
    quota: Quota | None = None
    partner_quota: Quota | None = None
    applicant: ApplicantProfile | None = None
    entry_id: int | None = None


def rows_of_entries(entries: list[RankEntry]) -> list[Row]:
    return [
        Row(
            position=e.position,
            quota=e.quota,
            partner_quota=e.partner_quota,
            applicant=e.applicant,
            entry_id=e.pk,
        )
        for e in entries
    ]


def rows_of_version(version: RankListVersion) -> list[Row]:
    """The lines of a submitted version, with their quotas and applicants (two queries)."""
    items = sorted(version.entries, key=lambda i: i.get("position", 0))
    quota_ids = {i.get(k) for i in items for k in ("quota_id", "partner_quota_id")} - {None}
    applicant_ids = {i.get("applicant_id") for i in items} - {None}
    quotas = Quota.objects.select_related(*QUOTA_RELATED).in_bulk(quota_ids) if quota_ids else {}
    applicants = ApplicantProfile.objects.in_bulk(applicant_ids) if applicant_ids else {}
    return [
        Row(
            position=int(i.get("position", n + 1)),
            quota=quotas.get(i.get("quota_id")),
            partner_quota=quotas.get(i.get("partner_quota_id")),
            applicant=applicants.get(i.get("applicant_id")),
        )
        for n, i in enumerate(items)
    ]


def rank_list_status(applicant: ApplicantProfile, iteration: Iteration) -> str | None:
    """For the dashboard: ``None`` (no list), ``draft`` (never submitted), ``submitted`` or
    ``changed`` (edited since the last submitted version, which is still the one used)."""
    rank_list = applicant_rank_list(applicant, iteration)
    if rank_list is None:
        return None
    version = last_version(rank_list)
    if version is None:
        return "draft"
    changed = has_unsubmitted_changes(entries_of(rank_list), version)
    return "changed" if changed else "submitted"


def deadline_of(rank_list_kind: str, iteration: Iteration) -> dt.datetime | None:
    """The deadline of a kind of list: ``quota`` lists close at the program deadline."""
    kind = (
        MilestoneKind.PROGRAM_ROL_DEADLINE
        if rank_list_kind == "quota"
        else MilestoneKind.APPLICANT_ROL_DEADLINE
    )
    return milestone_at(iteration, kind)


def closed_message(iteration: Iteration, kind: str) -> str | None:
    """Why a list of ``kind`` cannot change now (``None`` while it can)."""
    now = timezone.now()
    opens = milestone_at(iteration, MilestoneKind.RANKING_OPENS)
    if opens is None or now < opens:
        if opens is None:
            return _("Rank order list entry is not open yet: its date is not set.")
        return _("Rank order list entry is not open yet: it opens on %(when)s (Toronto time).") % {
            "when": format_toronto(opens)
        }
    closes = deadline_of(kind, iteration)
    if closes is not None and now >= closes:
        return _(
            "The deadline passed on %(when)s (Toronto time): this list is locked and can no "
            "longer change. The last submitted version is the one used in the match."
        ) % {"when": format_toronto(closes)}
    return None


# --- The match snapshot -----------------------------------------------------------------------
