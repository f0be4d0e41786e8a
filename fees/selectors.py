"""Reads of the fee ledger."""

from __future__ import annotations

from django.db.models import QuerySet, Sum

from applicants.models import ApplicantProfile
from cycles.models import Cycle
from fees.models import EntryKind, FeeSchedule, LedgerEntry


def ledger_of(applicant: ApplicantProfile, cycle: Cycle) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(applicant=applicant, cycle=cycle).order_by("created_at", "id")


def balance_of(applicant: ApplicantProfile, cycle: Cycle) -> int:
    """Cents owed (negative when in credit)."""
    totals = dict(
        ledger_of(applicant, cycle)
        .order_by()
        .values_list("kind")
        .annotate(total=Sum("amount_cents"))
        .values_list("kind", "total")
    )
    # A refund gives money back, so it raises the balance as a charge does.
    return (
        totals.get(EntryKind.CHARGE, 0)
        + totals.get(EntryKind.REFUND, 0)
        - totals.get(EntryKind.PAYMENT, 0)
    )


def schedule_of(cycle: Cycle) -> FeeSchedule | None:
    return FeeSchedule.objects.filter(cycle=cycle).first()


def fee_due_for(*, schedule: FeeSchedule, program_count: int) -> int:
    """Participation fee in cents for applying to ``program_count`` programs."""
    if program_count <= 0:
        return 0
    extra = max(0, program_count - schedule.programs_included)
    return schedule.base_fee_cents + extra * schedule.extra_program_fee_cents
