"""Reads of the ranking domain: lists, what may be ranked, submitted versions, the match snapshot.

The match uses the LAST SUBMITTED VERSION of every list (``RankListVersion`` with the highest
``number``), never the draft: entries edited after a submission stay a draft until submitted again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.models import ApplicantProfile, Couple, CoupleStatus, Participation
from applications.models import Application, ApplicationStatus
from cycles.deadlines import format_toronto
from cycles.models import Cycle, Iteration, MilestoneKind
from cycles.selectors import milestone_at
from programs.models import Quota
from ranking.models import RankEntry, RankList, RankListVersion

QUOTA_RELATED = ("program__school", "program__discipline")


# --- Who may rank what ------------------------------------------------------------------------


def participation_active(applicant: ApplicantProfile, cycle: Cycle | int) -> bool:
    """Whether ``applicant`` takes part in ``cycle`` and has not withdrawn."""
    cycle_id = cycle if isinstance(cycle, int) else cycle.pk
    return Participation.objects.filter(
        applicant=applicant, cycle_id=cycle_id, withdrawn_at__isnull=True
    ).exists()


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


def submitted_lists(iteration: Iteration) -> dict[str, Any]:
    """The last submitted version of every list of ``iteration``, by engine id (5 queries).

    Returns::

        {
          "applicants": {matching_id: [quota_code, ...]},      # single applicants only
          "couples": {"C<pk>": {"members": [inviter_matching_id, partner_matching_id],
                                "ranking": [[quota_code | None, quota_code | None], ...]}},
          "quotas": {quota_code: [matching_id, ...]},
          "versions": {"applicant:<matching_id>" | "couple:C<pk>" | "quota:<code>":
                       {"number": int, "submitted_at": datetime}},
        }

    Withdrawn applicants (and entries naming them) are left out. A linked couple (both members
    active) replaces its members' own lists, which are left out; a couple that is not linked,
    or has a withdrawn member, is left out. Entries are read by ``*_id`` when present, else
    by code / matching id, else by a bare pk (as the demo data writes them).
    """
    cycle_id = iteration.cycle_id
    latest = dict(
        RankListVersion.objects.filter(rank_list__iteration=iteration)
        .values("rank_list_id")
        .annotate(n=Max("number"))
        .values_list("rank_list_id", "n")
    )
    versions = list(
        RankListVersion.objects.filter(rank_list_id__in=list(latest))
        .select_related("rank_list")
        .only(
            "number",
            "entries",
            "submitted_at",
            "rank_list__applicant_id",
            "rank_list__couple_id",
            "rank_list__quota_id",
        )
    )
    versions = [v for v in versions if latest.get(v.rank_list_id) == v.number]
    quota_by_id: dict[int, str] = {}
    quota_codes: set[str] = set()
    for pk, program_code, stream in Quota.objects.filter(iteration=iteration).values_list(
        "pk", "program__code", "stream"
    ):
        code = f"{program_code}-{stream}"
        quota_by_id[pk] = code
        quota_codes.add(code)
    active: dict[int, str] = dict(
        ApplicantProfile.objects.filter(
            participations__cycle_id=cycle_id, participations__withdrawn_at__isnull=True
        ).values_list("pk", "matching_id")
    )
    active_ids = set(active.values())
    couples = {
        c.pk: c
        for c in Couple.objects.filter(cycle_id=cycle_id, status=CoupleStatus.ACTIVE).only(
            "pk", "inviter_id", "partner_id"
        )
        if c.inviter_id in active and c.partner_id in active
    }
    coupled = {m for c in couples.values() for m in (c.inviter_id, c.partner_id)}

    def quota_code(item: Any, id_key: str, code_key: str) -> str | None:
        if isinstance(item, str):
            return item if item in quota_codes else None
        if not isinstance(item, dict):
            return quota_by_id.get(item) if isinstance(item, int) else None
        if item.get(id_key) is not None:
            return quota_by_id.get(item[id_key])
        value = item.get(code_key)
        if isinstance(value, int):
            return quota_by_id.get(value)
        return value if value in quota_codes else None

    def matching_id(item: Any) -> str | None:
        if not isinstance(item, dict):
            return active.get(item) if isinstance(item, int) else None
        if item.get("applicant_id") is not None:
            return active.get(item["applicant_id"])
        value = item.get("applicant", item.get("matching_id"))
        if isinstance(value, int):
            return active.get(value)
        return value if value in active_ids else None

    def ordered(entries: Any) -> list[Any]:
        if not isinstance(entries, list):
            return []
        if all(isinstance(e, dict) and "position" in e for e in entries):
            return sorted(entries, key=lambda e: e["position"])
        return list(entries)

    out: dict[str, Any] = {"applicants": {}, "couples": {}, "quotas": {}, "versions": {}}
    for version in versions:
        owner = version.rank_list
        items = ordered(version.entries)
        stamp = {"number": version.number, "submitted_at": version.submitted_at}
        if owner.quota_id is not None:
            code = quota_by_id.get(owner.quota_id)
            if code is None:
                continue
            ranked = [m for m in (matching_id(i) for i in items) if m is not None]
            out["quotas"][code] = list(dict.fromkeys(ranked))
            out["versions"][f"quota:{code}"] = stamp
        elif owner.couple_id is not None:
            couple = couples.get(owner.couple_id)
            if couple is None:
                continue
            pairs: list[list[str | None]] = []
            for i in items:
                if isinstance(i, list | tuple) and len(i) == 2:
                    raw = [i[0], i[1]]
                    pair = [quota_code(i[0], "", ""), quota_code(i[1], "", "")]
                elif isinstance(i, dict):
                    raw = [
                        i.get("quota_id", i.get("quota")),
                        i.get("partner_quota_id", i.get("partner_quota")),
                    ]
                    pair = [
                        quota_code(i, "quota_id", "quota"),
                        quota_code(i, "partner_quota_id", "partner_quota"),
                    ]
                else:
                    continue
                unknown = any(r is not None and p is None for r, p in zip(raw, pair, strict=True))
                if unknown or pair == [None, None] or pair in pairs:
                    continue  # a quota of another iteration; "both unmatched" is implied
                pairs.append(pair)
            out["couples"][couple.code] = {
                "members": [active[couple.inviter_id], active[couple.partner_id]],
                "ranking": pairs,
            }
            out["versions"][f"couple:{couple.code}"] = stamp
        elif owner.applicant_id is not None:
            if owner.applicant_id not in active or owner.applicant_id in coupled:
                continue
            codes = [c for c in (quota_code(i, "quota_id", "quota") for i in items) if c]
            mid = active[owner.applicant_id]
            out["applicants"][mid] = list(dict.fromkeys(codes))
            out["versions"][f"applicant:{mid}"] = stamp
    return out
