"""Writes of the ranking domain: build, reorder and submit rank order lists.

Every write is atomic, locks the list (``select_for_update``), checks the rank period of its
kind of list (applicants and couples: until the applicant ROL deadline; quotas: until the
program ROL deadline) and is audited. Submitting keeps an immutable ``RankListVersion``; the
match uses the last submitted version, so later edits count only once submitted again.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.models import ApplicantProfile, Couple, CoupleStatus
from applicants.selectors import participation_active
from core.audit import audit
from core.errors import DomainError
from cycles.deadlines import require_window
from cycles.models import Iteration, MilestoneKind
from programs.models import Quota
from ranking import selectors
from ranking.models import RankEntry, RankList, RankListStatus, RankListVersion

OFFSET = 1_000_000  # positions are moved out of the way before renumbering (unique per list)


def _kind(rank_list: RankList) -> str:
    if rank_list.quota_id is not None:
        return "quota"
    return "couple" if rank_list.couple_id is not None else "applicant"


def _require_open(iteration: Iteration, kind: str, *, submitting: bool = False) -> None:
    if kind == "quota":
        closes = MilestoneKind.PROGRAM_ROL_DEADLINE
        what = (
            _("Submitting a program's rank order list")
            if submitting
            else _("Changing a program's rank order list")
        )
    else:
        closes = MilestoneKind.APPLICANT_ROL_DEADLINE
        what = _("Submitting a rank order list") if submitting else _("Changing a rank order list")
    require_window(iteration, opens=MilestoneKind.RANKING_OPENS, closes=closes, what=what)


def _lock(rank_list: RankList) -> RankList:
    return RankList.objects.select_for_update().select_related("iteration").get(pk=rank_list.pk)


def _get_or_create_locked(**owner: Any) -> RankList:
    try:
        with transaction.atomic():
            rank_list, _created = RankList.objects.get_or_create(**owner)
    except IntegrityError:  # created by a concurrent request
        rank_list = RankList.objects.get(**owner)
    return _lock(rank_list)


def _require_participant(applicant: ApplicantProfile, iteration: Iteration) -> None:
    if not participation_active(applicant, iteration.cycle_id):
        raise DomainError(
            _(
                "%(name)s does not take part in this match (no participation, or withdrawn). "
                "Only participating applicants rank and are ranked."
            )
            % {"name": applicant},
            code="not_participating",
        )


def _append(rank_list: RankList, **what: Any) -> RankEntry:
    last = rank_list.entries.aggregate(m=Max("position"))["m"] or 0
    return RankEntry.objects.create(rank_list=rank_list, position=last + 1, **what)


def _renumber(rank_list: RankList, ordered_ids: list[int]) -> None:
    """Give the entries ``ordered_ids`` the positions 1..n without breaking uniqueness."""
    RankEntry.objects.filter(rank_list=rank_list).update(position=F("position") + OFFSET)
    entries = [RankEntry(pk=pk, position=i + 1) for i, pk in enumerate(ordered_ids)]
    RankEntry.objects.bulk_update(entries, ["position"])


def empty_list_message() -> str:
    return _("The list is empty: add at least one line before submitting.")


def _touch(rank_list: RankList) -> None:
    rank_list.save(update_fields=["updated_at"])


# --- Adding lines -----------------------------------------------------------------------------


@transaction.atomic
def rank_list_add(
    *, applicant: ApplicantProfile, quota: Quota, actor: Any | None = None
) -> RankEntry:
    """Add ``quota`` at the end of ``applicant``'s own list (created on first use)."""
    iteration = quota.iteration
    _require_open(iteration, "applicant")
    _require_participant(applicant, iteration)
    if not selectors.has_applied(applicant.pk, quota.pk):
        raise DomainError(
            _(
                "You can only rank programs you applied to: “%(quota)s” is not among your "
                "submitted applications."
            )
            % {"quota": quota},
            code="not_applied",
        )
    rank_list = _get_or_create_locked(iteration=iteration, applicant=applicant)
    if rank_list.entries.filter(quota=quota).exists():
        raise DomainError(
            _("“%(quota)s” is already on your list.") % {"quota": quota}, code="duplicate"
        )
    entry = _append(rank_list, quota=quota)
    _touch(rank_list)
    audit(
        actor=actor or applicant.user,
        action="ranking.entry.add",
        target=rank_list,
        data={"quota": quota.code, "position": entry.position},
    )
    return entry


@transaction.atomic
def couple_rank_list_add(
    *, actor: Any, couple: Couple, quota: Quota | None, partner_quota: Quota | None
) -> RankEntry:
    """Add a pair at the end of a linked couple's list: ``quota`` for the inviter (member 1),
    ``partner_quota`` for the partner (member 2); ``None`` means no match for that member."""
    if quota is None and partner_quota is None:
        raise DomainError(
            _(
                "Choose a program for at least one of you: a pair where both of you go "
                "unmatched is always implied at the end of the list."
            ),
            code="empty_pair",
        )
    iteration = (quota or partner_quota).iteration  # type: ignore[union-attr]
    _require_open(iteration, "couple")
    couple = Couple.objects.select_related("inviter", "partner").get(pk=couple.pk)
    if couple.status != CoupleStatus.ACTIVE:
        raise DomainError(
            _("This couple is not linked: both partners must be linked to rank pairs."),
            code="not_linked",
        )
    for member, chosen in ((couple.inviter, quota), (couple.partner, partner_quota)):
        _require_participant(member, iteration)
        if chosen is None:
            continue
        if chosen.iteration_id != iteration.pk:
            raise DomainError(_("Both programs of a pair must be in the same match round."))
        if not selectors.has_applied(member.pk, chosen.pk):
            raise DomainError(
                _(
                    "%(name)s did not apply to “%(quota)s”: each of you can only be ranked to "
                    "programs they applied to."
                )
                % {"name": member, "quota": chosen},
                code="not_applied",
            )
    rank_list = _get_or_create_locked(iteration=iteration, couple=couple)
    if rank_list.entries.filter(quota=quota, partner_quota=partner_quota).exists():
        raise DomainError(_("This pair is already on your couple's list."), code="duplicate")
    entry = _append(rank_list, quota=quota, partner_quota=partner_quota)
    _touch(rank_list)
    audit(
        actor=actor,
        action="ranking.entry.add",
        target=rank_list,
        data={
            "quota": quota.code if quota else None,
            "partner_quota": partner_quota.code if partner_quota else None,
            "position": entry.position,
        },
    )
    return entry


@transaction.atomic
def program_rank_list_add(*, actor: Any, quota: Quota, applicant: ApplicantProfile) -> RankEntry:
    """Add ``applicant`` at the end of ``quota``'s list."""
    iteration = quota.iteration
    _require_open(iteration, "quota")
    _require_participant(applicant, iteration)
    if not selectors.has_applied(applicant.pk, quota.pk):
        raise DomainError(
            _(
                "%(name)s has no submitted application to “%(quota)s”: a program can only "
                "rank applicants who applied to it."
            )
            % {"name": applicant, "quota": quota},
            code="not_applied",
        )
    rank_list = _get_or_create_locked(iteration=iteration, quota=quota)
    if rank_list.entries.filter(applicant=applicant).exists():
        raise DomainError(
            _("%(name)s is already on this list.") % {"name": applicant}, code="duplicate"
        )
    entry = _append(rank_list, applicant=applicant)
    _touch(rank_list)
    audit(
        actor=actor,
        action="ranking.entry.add",
        target=rank_list,
        data={"applicant": applicant.matching_id, "position": entry.position},
    )
    return entry


# --- Removing, moving, submitting (every kind of list) ------------------------------------------


def _entry_ids(rank_list: RankList) -> list[int]:
    return list(rank_list.entries.order_by("position").values_list("pk", flat=True))


def _missing_entry() -> DomainError:
    return DomainError(
        _(
            "This line is no longer on the list (it may have been changed elsewhere). "
            "The list below is up to date."
        ),
        code="no_entry",
    )


@transaction.atomic
def rank_list_remove(*, actor: Any, rank_list: RankList, entry_id: int) -> None:
    rank_list = _lock(rank_list)
    _require_open(rank_list.iteration, _kind(rank_list))
    ids = _entry_ids(rank_list)
    if entry_id not in ids:
        raise _missing_entry()
    position = ids.index(entry_id) + 1
    RankEntry.objects.filter(pk=entry_id).delete()
    ids.remove(entry_id)
    _renumber(rank_list, ids)
    _touch(rank_list)
    audit(
        actor=actor,
        action="ranking.entry.remove",
        target=rank_list,
        data={"entry": entry_id, "position": position},
    )


@transaction.atomic
def rank_list_move(*, actor: Any, rank_list: RankList, entry_id: int, position: int) -> None:
    """Move a line to ``position`` (1 = most preferred); the others shift."""
    rank_list = _lock(rank_list)
    _require_open(rank_list.iteration, _kind(rank_list))
    ids = _entry_ids(rank_list)
    if entry_id not in ids:
        raise _missing_entry()
    if not 1 <= position <= len(ids):
        raise DomainError(
            _("Choose a position between 1 and %(count)d.") % {"count": len(ids)},
            code="bad_position",
        )
    before = ids.index(entry_id) + 1
    if before == position:
        return
    ids.remove(entry_id)
    ids.insert(position - 1, entry_id)
    _renumber(rank_list, ids)
    _touch(rank_list)
    audit(
        actor=actor,
        action="ranking.entry.move",
        target=rank_list,
        data={"entry": entry_id, "from": before, "to": position},
    )


def _check_still_valid(rank_list: RankList, entries: list[RankEntry]) -> None:
    """Before submitting: every line still names an application and an active participant."""
    iteration = rank_list.iteration
    kind = _kind(rank_list)
    if kind == "quota":
        allowed = set(selectors.rankable_applicants(rank_list.quota).values_list("pk", flat=True))
        for entry in entries:
            if entry.applicant_id not in allowed:
                raise DomainError(
                    _(
                        "%(name)s (rank %(position)d) no longer has an active application to "
                        "this program: remove them, then submit again."
                    )
                    % {"name": entry.applicant, "position": entry.position},
                    code="stale",
                )
        return
    members: list[tuple[ApplicantProfile, str]]
    if kind == "couple":
        couple = rank_list.couple
        if couple.status != CoupleStatus.ACTIVE:
            raise DomainError(_("This couple is no longer linked: its list cannot be submitted."))
        members = [(couple.inviter, "quota_id"), (couple.partner, "partner_quota_id")]
    else:
        members = [(rank_list.applicant, "quota_id")]
    for member, field in members:
        _require_participant(member, iteration)
        applied = {q.pk for q in selectors.applied_quotas(member, iteration)}
        for entry in entries:
            quota_id = getattr(entry, field)
            if quota_id is not None and quota_id not in applied:
                quota = entry.quota if field == "quota_id" else entry.partner_quota
                raise DomainError(
                    _(
                        "“%(quota)s” (rank %(position)d) is no longer among the submitted "
                        "applications of %(name)s: remove it, then submit again."
                    )
                    % {"quota": quota, "position": entry.position, "name": member},
                    code="stale",
                )


@transaction.atomic
def rank_list_submit(*, actor: Any, rank_list: RankList) -> RankListVersion:
    """Keep the list as it is now as a new immutable version: the one the match will use."""
    rank_list = _lock(rank_list)
    _require_open(rank_list.iteration, _kind(rank_list), submitting=True)
    entries = selectors.entries_of(rank_list)
    if not entries:
        raise DomainError(empty_list_message(), code="empty")
    _check_still_valid(rank_list, entries)
    now = timezone.now()
    last = rank_list.versions.aggregate(m=Max("number"))["m"] or 0
    version = RankListVersion.objects.create(
        rank_list=rank_list,
        number=last + 1,
        entries=selectors.version_payload(entries, couple=rank_list.couple_id is not None),
        submitted_at=now,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    rank_list.status = RankListStatus.SUBMITTED
    rank_list.submitted_at = now
    rank_list.save(update_fields=["status", "submitted_at", "updated_at"])
    audit(
        actor=actor,
        action="ranking.list.submit",
        target=rank_list,
        data={"version": version.number, "entries": len(entries)},
    )
    return version
