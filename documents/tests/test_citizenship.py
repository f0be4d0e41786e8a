"""Citizenship or legal status: an uploaded proof verified or rejected by the administrator,
or the MCC's identity validity period; verified once, it carries over to later cycles."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from documents.models import DocumentStatus, VerificationState
from documents.selectors import citizenship_verified
from documents.services import document_upload, status_share_from_mcc
from documents.tests.conftest import make_pdf
from integrations.models import Organisation, OrganisationKind
from tests import factories

pytestmark = pytest.mark.django_db

MINE = reverse("documents:mine")


@pytest.fixture
def proof(applicant, cycle):  # type: ignore[no-untyped-def]
    return document_upload(
        applicant=applicant,
        cycle=cycle,
        doc_type="citizenship",
        language="en",
        upload=make_pdf(),
        filename="passport.pdf",
    )


def test_an_uploaded_proof_waits_then_the_administrator_verifies_it(
    as_user, applicant, proof, match_admin
):
    assert proof.cycle is None  # not tied to a cycle
    verification = proof.verification
    assert verification.state == VerificationState.PENDING
    assert not citizenship_verified(applicant)
    page = as_user(applicant.user).get(MINE).content.decode()
    assert 'data-verified="no"' in page and "waiting for verification" in page
    admin = as_user(match_admin)
    assert "Verify the status" in admin.get(reverse("documents:queue")).content.decode()
    admin.post(reverse("documents:status_verify", args=[verification.pk]))
    verification.refresh_from_db()
    proof.refresh_from_db()
    assert verification.state == VerificationState.VERIFIED
    assert verification.decided_by == match_admin
    assert proof.status == DocumentStatus.PROCESSED
    assert citizenship_verified(applicant)
    assert 'data-verified="yes"' in as_user(applicant.user).get(MINE).content.decode()


def test_a_rejected_proof_shows_the_reason_and_emails_the_applicant(
    as_user, applicant, proof, match_admin, django_capture_on_commit_callbacks
):
    admin = as_user(match_admin)
    url = reverse("documents:status_reject", args=[proof.verification.pk])
    assert "Give the reason" in admin.post(url, {"reason": ""}, follow=True).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(url, {"reason": "The passport has expired."})
    proof.refresh_from_db()
    assert proof.status == DocumentStatus.REJECTED
    assert proof.verification.state == VerificationState.REJECTED
    assert not citizenship_verified(applicant)
    page = as_user(applicant.user).get(MINE).content.decode()
    assert "The passport has expired." in page
    assert len(mail.outbox) == 1 and "The passport has expired." in mail.outbox[0].body
    again = admin.post(
        reverse("documents:status_verify", args=[proof.verification.pk]), follow=True
    )
    assert "already decided" in again.content.decode()


def test_the_verified_status_carries_over_to_a_later_cycle(as_user, applicant, proof, match_admin):
    from documents.services import status_verify

    status_verify(actor=match_admin, verification=proof.verification)
    cycle = applicant.participations.get().cycle
    cycle.is_current = False
    cycle.save()
    later, _ = factories.make_cycle(phase="program_selection", year=2028)
    assert citizenship_verified(applicant)
    page = as_user(applicant.user).get(MINE).content.decode()
    assert 'data-verified="yes"' in page
    assert str(later) != str(cycle)


def test_the_mcc_status_expires_with_its_validity_period(applicant):
    mcc = Organisation.objects.create(name="MCC", kind=OrganisationKind.MCC)
    until = timezone.localdate() + dt.timedelta(days=10)
    status_share_from_mcc(organisation=mcc, applicant=applicant, valid_until=until)
    assert citizenship_verified(applicant)
    with time_machine.travel(timezone.now() + dt.timedelta(days=12)):
        assert not citizenship_verified(applicant)


def test_verifying_is_refused_to_everyone_but_the_administrator(
    as_user, applicant, other_applicant, director, proof
):
    for user in (applicant.user, other_applicant.user, director):
        client = as_user(user)
        assert (
            client.post(
                reverse("documents:status_verify", args=[proof.verification.pk])
            ).status_code
            == 403
        )
        assert (
            client.post(
                reverse("documents:status_reject", args=[proof.verification.pk]), {"reason": "x"}
            ).status_code
            == 403
        )
    proof.verification.refresh_from_db()
    assert proof.verification.state == VerificationState.PENDING
