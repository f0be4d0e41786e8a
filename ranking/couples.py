"""Couples: two applicants who rank program pairs together (invite, respond, unlink).

The inviter is member 1, the partner member 2 (in that order in the couple's pairs and in the
match instance). Every change is possible until the applicant rank order list deadline.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.models import ApplicantProfile, Couple, CoupleStatus
from applicants.selectors import participation_active
from core.audit import audit
from core.errors import DomainError
from cycles.deadlines import require_window
from cycles.models import Iteration, MilestoneKind
from cycles.selectors import current_iteration
from ranking import selectors


def _iteration(iteration: Iteration | None) -> Iteration:
    iteration = iteration or current_iteration()
    if iteration is None:
        raise DomainError(_("No match is open at the moment."), code="no_match")
    return iteration


def _require_open(iteration: Iteration, what: str) -> None:
    require_window(iteration, opens=None, closes=MilestoneKind.APPLICANT_ROL_DEADLINE, what=what)


def _find_partner(identifier: str) -> ApplicantProfile | None:
    identifier = identifier.strip()
    if not identifier:
        return None
    found = ApplicantProfile.objects.select_related("user")
    if "@" in identifier:
        return found.filter(user__email__iexact=identifier).first()
    return found.filter(matching_id__iexact=identifier).first()


@transaction.atomic
def couple_invite(
    *, inviter: ApplicantProfile, partner_matching_id: str, iteration: Iteration | None = None
) -> Couple:
    """Invite the applicant with this match identifier (or e-mail address) to rank as a couple."""
    from ranking.emails import queue_couple_invitation

    iteration = _iteration(iteration)
    _require_open(iteration, _("Inviting a partner to rank as a couple"))
    cycle_id = iteration.cycle_id
    # Lock the inviter's profile so two invitations sent at once cannot both pass the checks.
    inviter = ApplicantProfile.objects.select_for_update().get(pk=inviter.pk)
    if not participation_active(inviter, cycle_id):
        raise DomainError(
            _("You do not take part in this match, so you cannot form a couple."),
            code="not_participating",
        )
    partner = _find_partner(partner_matching_id)
    if partner is None or not participation_active(partner, cycle_id):
        raise DomainError(
            _(
                "No applicant taking part in this match has the match identifier or e-mail "
                "address “%(value)s”. Check it with your partner and try again."
            )
            % {"value": partner_matching_id.strip()},
            code="unknown_partner",
        )
    if partner.pk == inviter.pk:
        raise DomainError(_("You cannot invite yourself: enter your partner's match identifier."))
    if selectors.linked_couple(inviter, cycle_id) is not None:
        raise DomainError(
            _("You are already linked in a couple: unlink it before inviting someone else."),
            code="already_linked",
        )
    if selectors.linked_couple(partner, cycle_id) is not None:
        raise DomainError(
            _("%(name)s is already linked in another couple.") % {"name": partner},
            code="partner_linked",
        )
    pending = Couple.objects.filter(
        Q(inviter=inviter) | Q(partner=inviter, inviter=partner),
        cycle_id=cycle_id,
        status=CoupleStatus.PENDING,
    ).first()
    if pending is not None:
        if pending.inviter_id == inviter.pk:
            message = _(
                "You already have an invitation waiting for an answer: cancel it before "
                "inviting someone else."
            )
        else:
            message = _("%(name)s has already invited you: accept or decline that invitation.") % {
                "name": partner
            }
        raise DomainError(message, code="pending")
    couple = Couple.objects.create(cycle_id=cycle_id, inviter=inviter, partner=partner)
    audit(
        actor=inviter.user,
        action="ranking.couple.invite",
        target=couple,
        data={"partner": partner.matching_id},
    )
    queue_couple_invitation(couple)
    return couple


@transaction.atomic
def couple_respond(
    *,
    partner: ApplicantProfile,
    couple: Couple,
    accept: bool,
    iteration: Iteration | None = None,
) -> Couple:
    """The invited partner accepts (the couple is linked) or declines."""
    from ranking.emails import queue_couple_answer

    iteration = _iteration(iteration)
    _require_open(iteration, _("Answering a couple invitation"))
    couple = Couple.objects.select_for_update().get(pk=couple.pk)
    if couple.partner_id != partner.pk:
        raise DomainError(_("Only the invited partner can answer this invitation."))
    if couple.status != CoupleStatus.PENDING:
        raise DomainError(
            _("This invitation was already answered or cancelled: nothing was changed."),
            code="answered",
        )
    if accept:
        for member_id in (couple.inviter_id, couple.partner_id):
            member = ApplicantProfile.objects.get(pk=member_id)
            if not participation_active(member, couple.cycle_id):
                raise DomainError(
                    _("%(name)s no longer takes part in this match.") % {"name": member}
                )
            if selectors.linked_couple(member, couple.cycle_id) is not None:
                raise DomainError(
                    _("%(name)s is already linked in another couple.") % {"name": member},
                    code="already_linked",
                )
        couple.status = CoupleStatus.ACTIVE
        couple.accepted_at = timezone.now()
        couple.save(update_fields=["status", "accepted_at"])
        # Other invitations of either member can no longer be accepted.
        Couple.objects.filter(
            Q(inviter_id__in=[couple.inviter_id, couple.partner_id])
            | Q(partner_id__in=[couple.inviter_id, couple.partner_id]),
            cycle_id=couple.cycle_id,
            status=CoupleStatus.PENDING,
        ).exclude(pk=couple.pk).update(status=CoupleStatus.DECLINED)
    else:
        couple.status = CoupleStatus.DECLINED
        couple.save(update_fields=["status"])
    audit(
        actor=partner.user,
        action="ranking.couple.accept" if accept else "ranking.couple.decline",
        target=couple,
    )
    queue_couple_answer(couple)
    return couple


@transaction.atomic
def couple_dissolve(
    *, actor: ApplicantProfile, couple: Couple, iteration: Iteration | None = None
) -> Couple:
    """Unlink a couple (either member) or cancel a pending invitation (its inviter).

    The couple's list is kept but no longer used: each member's own list counts again."""
    iteration = _iteration(iteration)
    _require_open(iteration, _("Unlinking a couple"))
    couple = Couple.objects.select_for_update().get(pk=couple.pk)
    if actor.pk not in (couple.inviter_id, couple.partner_id):
        raise DomainError(_("Only a member of this couple can unlink it."))
    if couple.status not in (CoupleStatus.PENDING, CoupleStatus.ACTIVE):
        raise DomainError(
            _("This couple is already unlinked: nothing was changed."), code="not_linked"
        )
    if couple.status == CoupleStatus.PENDING and actor.pk != couple.inviter_id:
        raise DomainError(_("Decline the invitation instead."), code="pending")
    couple.status = CoupleStatus.DISSOLVED
    couple.save(update_fields=["status"])
    audit(actor=actor.user, action="ranking.couple.dissolve", target=couple)
    return couple
