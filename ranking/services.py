"""Writes to rank order lists: add, remove, move, submit. Every write checks the deadline."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.models import ApplicantProfile, Participation
from core.audit import audit
from core.errors import DomainError
from cycles.deadlines import require_window
from cycles.models import MilestoneKind
from programs.models import Quota
from ranking.models import RankEntry, RankList, RankListStatus, RankListVersion
from ranking.selectors import entries_as_data, has_applied


def _check_open(rank_list: RankList) -> None:
    closes = (
        MilestoneKind.PROGRAM_ROL_DEADLINE
        if rank_list.quota_id
        else MilestoneKind.APPLICANT_ROL_DEADLINE
    )
    require_window(
        rank_list.iteration,
        opens=MilestoneKind.RANKING_OPENS,
        closes=closes,
        what=_("Changing this rank order list"),
    )
    members = []
    if rank_list.applicant_id:
        members = [rank_list.applicant_id]
    elif rank_list.couple_id:
        members = [rank_list.couple.inviter_id, rank_list.couple.partner_id]
    cycle_id = rank_list.iteration.cycle_id
    active = Participation.objects.filter(
        applicant_id__in=members, cycle_id=cycle_id, withdrawn_at__isnull=True
    ).count()
    if active < len(members):
        raise DomainError(
            _("Only applicants taking part in the match (contract accepted, not withdrawn) rank."),
            code="not_participating",
        )


def _locked(rank_list: RankList) -> RankList:
    locked = (
        RankList.objects.select_for_update()
        .select_related("iteration__cycle", "couple")
        .get(pk=rank_list.pk)
    )
    _check_open(locked)
    return locked


def _rewrite(rank_list: RankList, entries: list[RankEntry]) -> None:
    """Store ``entries`` in this order (positions 1..n)."""
    rank_list.entries.all().delete()
    RankEntry.objects.bulk_create(
        [
            RankEntry(
                rank_list=rank_list,
                position=i + 1,
                quota_id=e.quota_id,
                partner_quota_id=e.partner_quota_id,
                applicant_id=e.applicant_id,
            )
            for i, e in enumerate(entries)
        ]
    )
    rank_list.save(update_fields=["updated_at"])


@transaction.atomic
def rank_list_add(
    *,
    actor: Any,
    rank_list: RankList,
    quota: Quota | None = None,
    partner_quota: Quota | None = None,
    applicant: ApplicantProfile | None = None,
) -> RankEntry:
    """Append a line at the bottom of the list."""
    rank_list = _locked(rank_list)
    entries = list(rank_list.entries.order_by("position"))
    if rank_list.quota_id:
        if applicant is None or not has_applied(applicant.pk, rank_list.quota_id):
            raise DomainError(
                _("You can only rank applicants who applied to this quota."), code="not_applied"
            )
        key: tuple[Any, ...] = (None, None, applicant.pk)
    elif rank_list.couple_id:
        couple = rank_list.couple
        if quota is None and partner_quota is None:
            raise DomainError(
                _("Choose a program for at least one of you: “no match” for both is implied."),
                code="empty_pair",
            )
        for member_id, chosen in ((couple.inviter_id, quota), (couple.partner_id, partner_quota)):
            if chosen is not None and not has_applied(member_id, chosen.pk):
                raise DomainError(
                    _("Each of you can only rank programs you applied to (%(program)s).")
                    % {"program": chosen.code},
                    code="not_applied",
                )
        key = (quota.pk if quota else None, partner_quota.pk if partner_quota else None, None)
    else:
        if quota is None or not has_applied(rank_list.applicant_id, quota.pk):
            raise DomainError(_("You can only rank programs you applied to."), code="not_applied")
        key = (quota.pk, None, None)
    if any((e.quota_id, e.partner_quota_id, e.applicant_id) == key for e in entries):
        raise DomainError(_("This line is already on the list."), code="duplicate")
    entry = RankEntry.objects.create(
        rank_list=rank_list,
        position=len(entries) + 1,
        quota_id=key[0],
        partner_quota_id=key[1],
        applicant_id=key[2],
    )
    rank_list.save(update_fields=["updated_at"])
    audit(actor=actor, action="ranking.rank_list.entry_added", target=rank_list)
    return entry


@transaction.atomic
def rank_list_remove(*, actor: Any, rank_list: RankList, entry_id: int) -> None:
    rank_list = _locked(rank_list)
    entries = list(rank_list.entries.order_by("position"))
    kept = [e for e in entries if e.pk != entry_id]
    if len(kept) == len(entries):
        raise DomainError(_("This line is no longer on the list."), code="missing")
    _rewrite(rank_list, kept)
    audit(actor=actor, action="ranking.rank_list.entry_removed", target=rank_list)


@transaction.atomic
def rank_list_move(*, actor: Any, rank_list: RankList, entry_id: int, position: int) -> None:
    """Move one line to ``position`` (1 = top; out-of-range positions go to the ends)."""
    rank_list = _locked(rank_list)
    entries = list(rank_list.entries.order_by("position"))
    moving = next((e for e in entries if e.pk == entry_id), None)
    if moving is None:
        raise DomainError(_("This line is no longer on the list."), code="missing")
    entries.remove(moving)
    entries.insert(max(0, min(len(entries), position - 1)), moving)
    _rewrite(rank_list, entries)
    audit(actor=actor, action="ranking.rank_list.moved", target=rank_list)


@transaction.atomic
def rank_list_submit(*, actor: Any, rank_list: RankList) -> RankListVersion:
    """Submit the list as it stands: a binding, immutable, numbered version."""
    rank_list = _locked(rank_list)
    entries = list(rank_list.entries.order_by("position"))
    if not entries:
        raise DomainError(_("Add at least one line before submitting."), code="empty")
    now = timezone.now()
    number = (
        rank_list.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    version = RankListVersion.objects.create(
        rank_list=rank_list,
        number=number,
        entries=entries_as_data(entries),
        submitted_at=now,
        submitted_by=actor,
    )
    rank_list.status = RankListStatus.SUBMITTED
    rank_list.submitted_at = now
    rank_list.save(update_fields=["status", "submitted_at", "updated_at"])
    audit(
        actor=actor,
        action="ranking.rank_list.submitted",
        target=rank_list,
        data={"version": number, "lines": len(entries)},
    )
    return version
