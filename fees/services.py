"""Writes to the fee ledger. Entries are never changed: corrections are new entries."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext as _

from applicants.models import ApplicantProfile
from core.audit import audit
from core.errors import DomainError
from cycles.models import Cycle
from fees.models import EntryKind, FeeSchedule, LedgerEntry
from fees.providers import PROVIDERS
from fees.selectors import fee_due_for

APPLICATION_FEE_CODE = "applications"


def _next_receipt_number(cycle: Cycle) -> str:
    prefix = f"R-{cycle.year}-"
    last = (
        LedgerEntry.objects.filter(receipt_number__startswith=prefix)
        .order_by("-receipt_number")
        .values_list("receipt_number", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:06d}"


def _entry(
    *, applicant: ApplicantProfile, cycle: Cycle, kind: str, amount_cents: int, **fields: Any
) -> LedgerEntry:
    # The schedule row is locked so that receipt numbers are handed out one at a time.
    FeeSchedule.objects.select_for_update().filter(cycle=cycle).first()
    return LedgerEntry.objects.create(
        applicant=applicant,
        cycle=cycle,
        kind=kind,
        amount_cents=amount_cents,
        receipt_number=_next_receipt_number(cycle),
        **fields,
    )


@transaction.atomic
def fees_charge_applications(*, applicant: ApplicantProfile, cycle: Cycle) -> LedgerEntry | None:
    """Charge what the submitted applications cost beyond what was already charged for them.

    Idempotent: calling it twice charges nothing more. Withdrawn applications are not refunded
    (the fee covers the service already given), as in CaRMS.
    """
    from applications.models import Application

    schedule = FeeSchedule.objects.select_for_update().filter(cycle=cycle).first()
    if schedule is None:
        return None
    ApplicantProfile.objects.select_for_update().filter(pk=applicant.pk).first()
    count = (
        Application.objects.filter(applicant=applicant, program__cycle=cycle)
        .exclude(submitted_at__isnull=True)
        .values("program")
        .distinct()
        .count()
    )
    due = fee_due_for(schedule=schedule, program_count=count)
    charged = (
        LedgerEntry.objects.filter(
            applicant=applicant, cycle=cycle, kind=EntryKind.CHARGE, code=APPLICATION_FEE_CODE
        ).aggregate(total=Sum("amount_cents"))["total"]
        or 0
    )
    if due <= charged:
        return None
    entry = _entry(
        applicant=applicant,
        cycle=cycle,
        kind=EntryKind.CHARGE,
        amount_cents=due - charged,
        code=APPLICATION_FEE_CODE,
        description=_("Participation fee for %(n)s programs") % {"n": count},
    )
    audit(actor=applicant.user, action="fees.charge.created", target=entry)
    return entry


@transaction.atomic
def payment_record(
    *,
    actor: Any,
    applicant: ApplicantProfile,
    cycle: Cycle,
    amount_cents: int,
    provider: str,
    reference: str,
) -> LedgerEntry:
    """Record a payment received through ``provider`` (offline: by the administrator)."""
    chosen = PROVIDERS.get(provider)
    if chosen is None:
        raise DomainError(_("Unknown payment provider."), code="provider")
    if not chosen.may_record(actor):
        raise DomainError(_("You may not record payments."), code="forbidden")
    if amount_cents <= 0:
        raise DomainError(_("The amount must be more than zero."), code="amount")
    entry = _entry(
        applicant=applicant,
        cycle=cycle,
        kind=EntryKind.PAYMENT,
        amount_cents=amount_cents,
        provider=chosen.name,
        reference=reference.strip(),
        description=_("Payment received (%(reference)s)") % {"reference": reference.strip()},
        created_by=actor,
    )
    audit(actor=actor, action="fees.payment.recorded", target=entry)
    return entry


@transaction.atomic
def fees_charge_administrative(
    *, actor: Any, applicant: ApplicantProfile, cycle: Cycle, code: str
) -> LedgerEntry:
    """Charge the administrative fee ``code`` of the cycle's schedule (e.g. a translation).

    Refused when the schedule has no fee of that code, so nothing is done without its price.
    """
    from fees.models import AdministrativeFee

    fee = AdministrativeFee.objects.filter(schedule__cycle=cycle, code=code).first()
    if fee is None:
        raise DomainError(
            _("This service has no fee set for this cycle, so it cannot be requested yet."),
            code="no_fee",
        )
    label = fee.label_fr if translation.get_language() == "fr" else fee.label_en
    entry = _entry(
        applicant=applicant,
        cycle=cycle,
        kind=EntryKind.CHARGE,
        amount_cents=fee.amount_cents,
        code=code,
        description=label,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit(actor=actor, action="fees.charge.created", target=entry, data={"code": code})
    return entry
