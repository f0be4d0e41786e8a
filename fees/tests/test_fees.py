"""Participation fees: the schedule, charges without double charging, payments, receipts."""

from __future__ import annotations

import pytest

from core.errors import DomainError
from fees.models import LedgerEntry
from fees.selectors import balance_of, fee_due_for
from fees.services import fees_charge_applications, payment_record
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_fee_covers_nine_programs_then_charges_each_extra(cycle):
    schedule = cycle.fee_schedule
    assert fee_due_for(schedule=schedule, program_count=0) == 0
    assert fee_due_for(schedule=schedule, program_count=9) == 37500
    assert fee_due_for(schedule=schedule, program_count=12) == 37500 + 3 * 3500


def test_charges_follow_submitted_applications_and_never_double(cycle, iteration, applicant):
    from applications.models import Application

    programs = [factories.make_program(cycle=cycle, iteration=iteration) for _ in range(11)]
    for program in programs[:10]:
        Application.objects.create(
            applicant=applicant,
            program=program,
            quota=program.quotas.get(stream="CMG"),
            status="submitted",
            submitted_at=cycle.contracts.first().published_at,
        )
    fees_charge_applications(applicant=applicant, cycle=cycle)
    fees_charge_applications(applicant=applicant, cycle=cycle)
    assert balance_of(applicant, cycle) == 37500 + 3500
    Application.objects.create(
        applicant=applicant,
        program=programs[10],
        quota=programs[10].quotas.get(stream="CMG"),
        status="submitted",
        submitted_at=cycle.contracts.first().published_at,
    )
    fees_charge_applications(applicant=applicant, cycle=cycle)
    assert balance_of(applicant, cycle) == 37500 + 2 * 3500
    assert LedgerEntry.objects.filter(applicant=applicant).count() == 2


def test_the_administrator_records_an_offline_payment(as_user, cycle, applicant, match_admin):
    response = as_user(match_admin).post(
        "/en/fees/payments/record/",
        {"matching_id": applicant.matching_id, "amount": "375.00", "reference": "CHQ 1042"},
        follow=True,
    )
    assert "Payment recorded" in response.content.decode()
    entry = LedgerEntry.objects.get(applicant=applicant)
    assert entry.kind == "payment" and entry.amount_cents == 37500
    assert entry.receipt_number == f"R-{cycle.year}-000001"
    assert balance_of(applicant, cycle) == -37500


def test_an_applicant_cannot_record_a_payment(as_user, cycle, applicant):
    assert as_user(applicant.user).get("/en/fees/payments/record/").status_code == 403
    with pytest.raises(DomainError):
        payment_record(
            actor=applicant.user,
            applicant=applicant,
            cycle=cycle,
            amount_cents=100,
            provider="offline",
            reference="x",
        )


def test_receipts_are_private_and_come_as_pdf(
    as_user, cycle, applicant, other_applicant, match_admin
):
    entry = payment_record(
        actor=match_admin,
        applicant=applicant,
        cycle=cycle,
        amount_cents=1000,
        provider="offline",
        reference="wire 7",
    )
    mine = as_user(applicant.user)
    assert (
        entry.receipt_number
        in mine.get(f"/en/fees/receipts/{entry.receipt_number}/").content.decode()
    )
    pdf = mine.get(f"/en/fees/receipts/{entry.receipt_number}/pdf/")
    assert pdf.content.startswith(b"%PDF")
    other = as_user(other_applicant.user)
    assert other.get(f"/en/fees/receipts/{entry.receipt_number}/").status_code == 403
    assert other.get(f"/en/fees/receipts/{entry.receipt_number}/pdf/").status_code == 403
    ledger = other.get("/en/fees/").content.decode()
    assert entry.receipt_number not in ledger


def test_a_zero_amount_is_refused_with_a_message(as_user, cycle, applicant, match_admin):
    response = as_user(match_admin).post(
        "/en/fees/payments/record/",
        {"matching_id": applicant.matching_id, "amount": "0", "reference": "x"},
    )
    assert response.status_code == 200
    assert not LedgerEntry.objects.exists()
