"""Writes about applicants: registering, the contract, withdrawing, provincial lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.models import (
    ApplicantProfile,
    Citizenship,
    ContractVersion,
    Participation,
    ProvincialEligibility,
)
from core.audit import audit
from core.choices import PROVINCES_WITH_IMG_LIST, Stream
from core.errors import DomainError
from core.permissions import forget_roles
from cycles.deadlines import require_window
from cycles.models import Cycle, MilestoneKind
from cycles.selectors import iteration_of


def _next_matching_id() -> str:
    last = ApplicantProfile.objects.order_by("-matching_id").values_list("matching_id", flat=True)
    numbers = [int(m[1:]) for m in last[:1] if m[1:].isdigit()]
    return f"A{(numbers[0] if numbers else 0) + 1:06d}"


def applicant_register(
    *,
    user: Any,
    first_name: str,
    last_name: str,
    medical_school_region: str,
    medical_school_name: str,
    graduation_year: int,
    citizenship: str,
) -> ApplicantProfile:
    """Create the applicant profile of ``user`` with a unique match identifier."""
    if citizenship == Citizenship.OTHER:
        raise DomainError(
            _(
                "Only Canadian citizens and permanent residents may take part in the match. "
                "If your status has changed, choose it above."
            ),
            code="citizenship",
        )
    if ApplicantProfile.objects.filter(user=user).exists():
        raise DomainError(_("You are already registered as an applicant."), code="exists")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                profile = ApplicantProfile.objects.create(
                    user=user,
                    first_name=first_name.strip(),
                    last_name=last_name.strip(),
                    medical_school_region=medical_school_region,
                    medical_school_name=medical_school_name.strip(),
                    graduation_year=graduation_year,
                    citizenship=citizenship,
                    matching_id=_next_matching_id(),
                )
                audit(actor=user, action="applicants.applicant.registered", target=profile)
        except IntegrityError:
            continue  # another registration took the same identifier: take the next one
        forget_roles(user)
        return profile
    raise DomainError(_("Registration is busy; please try again in a moment."), code="busy")


@transaction.atomic
def participation_accept(
    *,
    applicant: ApplicantProfile,
    cycle: Cycle,
    contract: ContractVersion,
    ip: str | None,
    now: dt.datetime | None = None,
) -> Participation:
    """Accept the applicant contract (the version read is kept, with time and address)."""
    iteration = iteration_of(cycle)
    if iteration is not None:
        require_window(
            iteration,
            opens=MilestoneKind.OPENING,
            closes=MilestoneKind.APPLICANT_ROL_DEADLINE,
            what=_("Joining the match"),
        )
    if contract.cycle_id != cycle.pk:
        raise DomainError(_("This contract is not the one of this cycle."), code="contract")
    existing = Participation.objects.select_for_update().filter(applicant=applicant, cycle=cycle)
    if existing.exists():
        raise DomainError(
            _("You have already accepted the applicant contract for this cycle."), code="exists"
        )
    participation = Participation.objects.create(
        applicant=applicant,
        cycle=cycle,
        contract=contract,
        accepted_at=now or timezone.now(),
        accepted_ip=ip,
    )
    audit(
        actor=applicant.user,
        action="applicants.participation.accepted",
        target=participation,
        data={"contract_version": contract.version},
    )
    return participation


@transaction.atomic
def participation_withdraw(*, applicant: ApplicantProfile, cycle: Cycle, reason: str) -> None:
    """Withdraw from the match, before the applicant rank order list deadline."""
    iteration = iteration_of(cycle)
    if iteration is not None:
        require_window(
            iteration,
            opens=None,
            closes=MilestoneKind.APPLICANT_ROL_DEADLINE,
            what=_("Withdrawing from the match"),
        )
    if not reason.strip():
        raise DomainError(_("Give the reason for your withdrawal."), code="reason")
    participation = (
        Participation.objects.select_for_update().filter(applicant=applicant, cycle=cycle).first()
    )
    if participation is None or participation.withdrawn_at is not None:
        raise DomainError(_("You are not taking part in this match."), code="not_participating")
    participation.withdrawn_at = timezone.now()
    participation.withdrawal_reason = reason.strip()
    participation.save(update_fields=["withdrawn_at", "withdrawal_reason"])
    audit(actor=applicant.user, action="applicants.participation.withdrawn", target=participation)


@transaction.atomic
def provincial_eligibility_add(
    *, actor: Any, applicant: ApplicantProfile, cycle: Cycle, province: str
) -> ProvincialEligibility:
    if province not in PROVINCES_WITH_IMG_LIST:
        raise DomainError(_("This province keeps no IMG list."), code="province")
    if applicant.stream != Stream.IMG:
        raise DomainError(
            _("%(name)s is a Canadian medical graduate; only IMGs go on a provincial list.")
            % {"name": applicant},
            code="not_img",
        )
    entry, created = ProvincialEligibility.objects.get_or_create(
        applicant=applicant, cycle=cycle, province=province, defaults={"added_by": actor}
    )
    if not created:
        raise DomainError(_("%(name)s is already on the list.") % {"name": applicant}, code="dup")
    audit(actor=actor, action="applicants.provincial_list.added", target=entry)
    return entry


@transaction.atomic
def provincial_eligibility_remove(*, actor: Any, entry: ProvincialEligibility) -> None:
    audit(
        actor=actor,
        action="applicants.provincial_list.removed",
        target=entry.applicant,
        data={"province": entry.province, "cycle": entry.cycle_id},
    )
    entry.delete()
