"""Reads of the ranking domain: lists, what may be ranked, submitted versions; for program
lists, the interviewed applicants, Québec reasons, submissions for PGME approval and history.

The match uses the LAST SUBMITTED VERSION of every list (``RankListVersion`` with the highest
``number``), never the draft: entries edited after a submission stay a draft until submitted again.
A program list that needs its PGME office's approval becomes a version only when approved; a
``RankListApproval`` awaiting a decision, returned or replaced is never read by the match.
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
from core.choices import Province
from cycles.deadlines import format_toronto
from cycles.models import Cycle, Iteration, MilestoneKind
from cycles.selectors import milestone_at
from programs.models import Quota
from ranking.models import (
    ApprovalState,
    RankEntry,
    RankList,
    RankListApproval,
    RankListVersion,
    UnrankedReason,
)

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
    """Applicants a quota may rank: the program interviewed them for this quota (a submitted
    application whose interview status is "selected", ``interviews.selectors``) and they
    still take part in the match."""
    from interviews.selectors import interviewed_applications

    return (
        ApplicantProfile.objects.filter(
            pk__in=interviewed_applications(quota).values("applicant_id"),
            participations__cycle_id=quota.program.cycle_id,
            participations__withdrawn_at__isnull=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def was_interviewed(applicant_id: int, quota: Quota) -> bool:
    from interviews.selectors import interviewed_applications

    return interviewed_applications(quota).filter(applicant_id=applicant_id).exists()


def approval_required(quota: Quota) -> bool:
    """Whether the quota's school has its PGME office approve its programs' lists."""
    return bool(quota.program.school.requires_rank_list_approval)


def is_quebec(quota: Quota) -> bool:
    """Québec programs give a reason for each interviewed applicant they leave unranked."""
    return quota.program.school.province == Province.QC


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
        .select_related("submitted_by", "approval__decided_by")
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


def _ref(item: dict[str, Any], key: str) -> Any:
    """The database id an entry names under ``key``: ``<key>_id``, or ``<key>`` when it
    holds an id (versions written by the demo loader name ids that way)."""
    value = item.get(f"{key}_id")
    if value is None and isinstance(item.get(key), int):
        value = item[key]
    return value


def item_applicant_id(item: dict[str, Any]) -> int | None:
    return _ref(item, "applicant")


def _key_of_item(item: dict[str, Any]) -> tuple[Any, ...]:
    return (_ref(item, "quota"), _ref(item, "partner_quota"), _ref(item, "applicant"))


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
    quota_ids = {_ref(i, k) for i in items for k in ("quota", "partner_quota")} - {None}
    applicant_ids = {_ref(i, "applicant") for i in items} - {None}
    quotas = Quota.objects.select_related(*QUOTA_RELATED).in_bulk(quota_ids) if quota_ids else {}
    applicants = ApplicantProfile.objects.in_bulk(applicant_ids) if applicant_ids else {}
    return [
        Row(
            position=int(i.get("position", n + 1)),
            quota=quotas.get(_ref(i, "quota")),
            partner_quota=quotas.get(_ref(i, "partner_quota")),
            applicant=applicants.get(_ref(i, "applicant")),
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


# --- Program lists: interviewed applicants, reasons, approval, history --------------------------


@dataclass
class Candidate:
    """An applicant the program interviewed for a quota: ranked (``position``) or not, with
    the reason given for leaving them off (Québec)."""

    applicant: ApplicantProfile
    application_id: int
    participating: bool
    position: int | None = None
    reason: UnrankedReason | None = None


def interviewed_candidates(
    quota: Quota, rank_list: RankList | None, ranked: dict[int, int]
) -> list[Candidate]:
    """Every application to ``quota`` selected for an interview, by name, with the rank of
    those on the list (``ranked``: applicant id -> position) and the reasons given for the
    others (two queries)."""
    from django.db.models import Exists, OuterRef

    from applicants.models import Participation
    from interviews.selectors import interviewed_applications

    active = Participation.objects.filter(
        applicant_id=OuterRef("applicant_id"),
        cycle_id=quota.program.cycle_id,
        withdrawn_at__isnull=True,
    )
    applications = (
        interviewed_applications(quota)
        .annotate(participating=Exists(active))
        .order_by("applicant__last_name", "applicant__first_name", "applicant_id")
    )
    reasons = (
        {r.applicant_id: r for r in UnrankedReason.objects.filter(rank_list=rank_list)}
        if rank_list is not None
        else {}
    )
    return [
        Candidate(
            applicant=a.applicant,
            application_id=a.pk,
            participating=bool(a.participating),  # type: ignore[attr-defined]
            position=ranked.get(a.applicant_id),
            reason=reasons.get(a.applicant_id),
        )
        for a in applications
    ]


def unranked_without_reason(candidates: list[Candidate]) -> list[ApplicantProfile]:
    """Interviewed, still taking part, not ranked, and no reason given."""
    return [
        c.applicant
        for c in candidates
        if c.participating and c.position is None and c.reason is None
    ]


def unranked_payload(candidates: list[Candidate]) -> list[dict[str, Any]]:
    """The reasons kept with a submission: one per interviewed applicant left unranked."""
    return [
        {
            "applicant": c.applicant.matching_id,
            "applicant_id": c.applicant.pk,
            "reason": c.reason.kind,
            "text": c.reason.text,
        }
        for c in candidates
        if c.participating and c.position is None and c.reason is not None
    ]


def pending_approval(rank_list: RankList | None) -> RankListApproval | None:
    if rank_list is None:
        return None
    return (
        RankListApproval.objects.filter(rank_list=rank_list, state=ApprovalState.PENDING)
        .select_related("submitted_by")
        .first()
    )


def last_approval(rank_list: RankList | None) -> RankListApproval | None:
    """The latest submission for approval, whatever its state."""
    if rank_list is None:
        return None
    return (
        RankListApproval.objects.filter(rank_list=rank_list)
        .select_related("submitted_by", "decided_by")
        .order_by("-number")
        .first()
    )


def latest_submission_payload(
    version: RankListVersion | None, approval: RankListApproval | None
) -> list[dict[str, Any]] | None:
    """The entries of the last thing submitted (the list's last version, or its last
    submission for approval if it is later and not approved): what the draft is compared
    with."""
    if (
        approval is not None
        and approval.state != ApprovalState.APPROVED
        and (version is None or approval.submitted_at >= version.submitted_at)
    ):
        return list(approval.entries)
    return list(version.entries) if version is not None else None


def approvals_for_schools(
    school_ids: frozenset[int] | set[int], iteration: Iteration
) -> QuerySet[RankListApproval]:
    """Submissions for approval of the schools' program lists in ``iteration``: pending
    first, then the latest decisions."""
    from django.db.models import Case, IntegerField, Value, When

    return (
        RankListApproval.objects.filter(
            rank_list__quota__program__school_id__in=school_ids,
            rank_list__iteration=iteration,
        )
        .exclude(state=ApprovalState.SUPERSEDED)
        .select_related(
            "rank_list__quota__program__school",
            "rank_list__quota__program__discipline",
            "submitted_by",
            "decided_by",
        )
        .annotate(
            pending_first=Case(
                When(state=ApprovalState.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("pending_first", "-submitted_at", "-pk")
    )


@dataclass
class DiffRow:
    """One line of a submitted list, compared with the list submitted before it."""

    position: int
    applicant: ApplicantProfile | None
    matching_id: str
    before: int | None  # None: not on the previous list
    first: bool = False  # no previous list to compare with

    @property
    def change(self) -> int:
        """Places gained (positive) or lost (negative) since the previous list."""
        return 0 if self.before is None else self.before - self.position

    @property
    def places(self) -> int:
        return abs(self.change)


@dataclass
class HistoryItem:
    """One submission of a program list: a version (counts for the match), a submission for
    approval (with its decision), or the current draft."""

    kind: str  # "version" | "approval" | "draft"
    at: dt.datetime | None
    number: int | None
    state: str
    by: Any
    rows: list[DiffRow]
    removed: list[tuple[int, ApplicantProfile | None, str]]  # (previous rank, who, matching id)
    unranked: list[dict[str, Any]]
    version: RankListVersion | None = None
    approval: RankListApproval | None = None


def _ordered_items(payload: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(payload, key=lambda i: i.get("position", 0))


def _matching_id(item: dict[str, Any], applicants: dict[int, ApplicantProfile]) -> str:
    person = applicants.get(item_applicant_id(item))  # type: ignore[arg-type]
    if person is not None:
        return person.matching_id
    value = item.get("applicant")
    return value if isinstance(value, str) else ""


def diff_rows(
    payload: list[dict[str, Any]],
    previous: list[dict[str, Any]] | None,
    applicants: dict[int, ApplicantProfile],
) -> tuple[list[DiffRow], list[tuple[int, ApplicantProfile | None, str]]]:
    """The lines of ``payload`` with their rank in ``previous``, and who was dropped."""
    items = _ordered_items(payload)
    before = (
        {item_applicant_id(i): n + 1 for n, i in enumerate(_ordered_items(previous))}
        if previous is not None
        else {}
    )
    rows = [
        DiffRow(
            position=n + 1,
            applicant=applicants.get(item_applicant_id(i)),  # type: ignore[arg-type]
            matching_id=_matching_id(i, applicants),
            before=before.get(item_applicant_id(i)),
            first=previous is None,
        )
        for n, i in enumerate(items)
    ]
    now_ids = {item_applicant_id(i) for i in items}
    removed = [
        (
            n + 1,
            applicants.get(item_applicant_id(i)),  # type: ignore[arg-type]
            _matching_id(i, applicants),
        )
        for n, i in enumerate(_ordered_items(previous or []))
        if item_applicant_id(i) not in now_ids
    ]
    return rows, removed


def program_history(rank_list: RankList | None, entries: list[RankEntry]) -> list[HistoryItem]:
    """Every submission of a quota's list, newest first, each compared with the one before
    it; the draft on top when it differs from the last submission (four queries)."""
    if rank_list is None:
        return []
    versions = list(
        RankListVersion.objects.filter(rank_list=rank_list)
        .select_related("submitted_by", "approval")
        .order_by("number")
    )
    approvals = list(
        RankListApproval.objects.filter(rank_list=rank_list)
        .select_related("submitted_by", "decided_by")
        .order_by("number")
    )
    approved_versions = {a.version_id for a in approvals if a.version_id is not None}
    sequence: list[tuple[dt.datetime, int, str, Any]] = [
        (a.submitted_at, 1, "approval", a) for a in approvals
    ] + [(v.submitted_at, 0, "version", v) for v in versions if v.pk not in approved_versions]
    sequence.sort(key=lambda t: (t[0], t[1], t[3].number))
    ids = {item_applicant_id(i) for _a, _b, _k, obj in sequence for i in obj.entries}
    ids |= {item_applicant_id(i) for _a, _b, _k, obj in sequence for i in obj.unranked}
    ids |= {e.applicant_id for e in entries}
    ids.discard(None)
    applicants = ApplicantProfile.objects.in_bulk(list(ids)) if ids else {}
    out: list[HistoryItem] = []
    previous: list[dict[str, Any]] | None = None
    for at, _order, kind, obj in sequence:
        rows, removed = diff_rows(obj.entries, previous, applicants)
        unranked = [{**u, "person": applicants.get(item_applicant_id(u))} for u in obj.unranked]
        if kind == "version":
            item = HistoryItem(
                kind=kind,
                at=at,
                number=obj.number,
                state="submitted",
                by=obj.submitted_by,
                rows=rows,
                removed=removed,
                unranked=unranked,
                version=obj,
            )
        else:
            item = HistoryItem(
                kind=kind,
                at=at,
                number=obj.number,
                state=obj.state,
                by=obj.submitted_by,
                rows=rows,
                removed=removed,
                unranked=unranked,
                approval=obj,
                version=next((v for v in versions if v.pk == obj.version_id), None),
            )
        out.append(item)
        previous = list(obj.entries)
    draft = version_payload(entries)
    draft_ids = [item_applicant_id(i) for i in draft]
    previous_ids = (
        [item_applicant_id(i) for i in _ordered_items(previous)] if previous is not None else None
    )
    if draft_ids != previous_ids and (draft or previous is not None):
        rows, removed = diff_rows(draft, previous, applicants)
        out.append(
            HistoryItem(
                kind="draft",
                at=None,
                number=None,
                state="draft",
                by=None,
                rows=rows,
                removed=removed,
                unranked=[],
            )
        )
    out.reverse()
    return out


def applicants_who_applied_ids(quota: Quota, applicant_ids: list[int]) -> list[int]:
    """Of ``applicant_ids``, those with a submitted, not withdrawn, application to ``quota``."""
    return list(
        Application.objects.filter(
            quota=quota,
            applicant_id__in=applicant_ids,
            status=ApplicationStatus.SUBMITTED,
            withdrawn_at__isnull=True,
        ).values_list("applicant_id", flat=True)
    )


def lists_awaiting_approval(iteration: Iteration) -> QuerySet[RankListApproval]:
    """Program lists of ``iteration`` submitted for PGME approval and not decided yet. The
    match never uses them (it reads only versions); the match administrator's pre-run checks
    can list them so that no school's office forgets one."""
    return (
        RankListApproval.objects.filter(rank_list__iteration=iteration, state=ApprovalState.PENDING)
        .select_related("rank_list__quota__program__school", "submitted_by")
        .order_by("rank_list__quota__program__school__code", "rank_list__quota__program__code")
    )
