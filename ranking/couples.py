"""Couples: two applicants who rank pairs of programs together.

The partner must accept the invitation; either member may unlink before the applicant rank order
list deadline. While linked, the couple's list replaces the members' own lists in the match.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.models import ApplicantProfile, Couple, CoupleStatus
from core.audit import audit
from core.errors import DomainError
from cycles.deadlines import require_window
from cycles.models import Cycle, MilestoneKind
from cycles.selectors import iteration_of
from ranking.tasks import send_couple_invitation


def _check_deadline(cycle: Cycle) -> None:
    iteration = iteration_of(cycle)
    if iteration is not None:
        require_window(
            iteration,
            opens=None,
            closes=MilestoneKind.APPLICANT_ROL_DEADLINE,
            what=_("Linking or unlinking a couple"),
        )


def _in_couple(applicant: ApplicantProfile, cycle: Cycle) -> bool:
    return (
        Couple.objects.filter(cycle=cycle, status__in=[CoupleStatus.PENDING, CoupleStatus.ACTIVE])
        .filter(Q(inviter=applicant) | Q(partner=applicant))
        .exists()
    )


@transaction.atomic
def couple_invite(*, inviter: ApplicantProfile, partner_matching_id: str, cycle: Cycle) -> Couple:
    _check_deadline(cycle)
    partner = (
        ApplicantProfile.objects.filter(matching_id=partner_matching_id.strip().upper())
        .select_related("user")
        .first()
    )
    if partner is None:
        raise DomainError(
            _("No applicant has the match identifier “%(id)s”. Ask your partner for theirs.")
            % {"id": partner_matching_id},
            code="unknown",
        )
    if partner.pk == inviter.pk:
        raise DomainError(_("You cannot form a couple with yourself."), code="self")
    # Lock both profiles so two crossing invitations cannot both succeed.
    list(ApplicantProfile.objects.select_for_update().filter(pk__in=[inviter.pk, partner.pk]))
    if _in_couple(inviter, cycle):
        raise DomainError(
            _("You are already in a couple or have an invitation pending; unlink it first."),
            code="busy",
        )
    if _in_couple(partner, cycle):
        raise DomainError(
            _("This applicant is already in a couple or has an invitation pending."), code="busy"
        )
    couple = Couple.objects.create(cycle=cycle, inviter=inviter, partner=partner)
    audit(actor=inviter.user, action="ranking.couple.invited", target=couple)
    transaction.on_commit(lambda: send_couple_invitation(couple.pk))
    return couple


@transaction.atomic
def couple_respond(*, partner: ApplicantProfile, couple: Couple, accept: bool) -> Couple:
    couple = Couple.objects.select_for_update().get(pk=couple.pk)
    if couple.partner_id != partner.pk or couple.status != CoupleStatus.PENDING:
        raise DomainError(_("There is no invitation to answer."), code="no_invitation")
    _check_deadline(couple.cycle)
    couple.status = CoupleStatus.ACTIVE if accept else CoupleStatus.DECLINED
    couple.accepted_at = timezone.now() if accept else None
    couple.save(update_fields=["status", "accepted_at"])
    audit(
        actor=partner.user,
        action="ranking.couple.accepted" if accept else "ranking.couple.declined",
        target=couple,
    )
    return couple


@transaction.atomic
def couple_dissolve(*, member: ApplicantProfile, couple: Couple) -> None:
    couple = Couple.objects.select_for_update().get(pk=couple.pk)
    if member.pk not in (couple.inviter_id, couple.partner_id):
        raise DomainError(_("You are not a member of this couple."), code="forbidden")
    _check_deadline(couple.cycle)
    couple.status = CoupleStatus.DISSOLVED
    couple.save(update_fields=["status"])
    audit(actor=member.user, action="ranking.couple.dissolved", target=couple)


def couple_of(applicant: ApplicantProfile, cycle: Cycle) -> Couple | None:
    """The applicant's pending or active couple, if any."""
    return (
        Couple.objects.filter(cycle=cycle, status__in=[CoupleStatus.PENDING, CoupleStatus.ACTIVE])
        .filter(Q(inviter=applicant) | Q(partner=applicant))
        .select_related("inviter__user", "partner__user")
        .first()
    )
