"""Translations of the MSPR: through the platform's service (fee in the ledger, deadline, no
cancellation, a translator organisation delivers through the API), or an outside translation
uploaded by the applicant before the application deadline."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from documents.models import Document, DocumentStatus, TranslationRequest, TranslationState
from documents.services import outside_translation_upload, translation_request
from documents.tests.conftest import make_encrypted_pdf, make_pdf, upload
from fees.models import EntryKind, LedgerEntry
from integrations.models import OrganisationKind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("translation_lead_days")]

API = "/en/api/documents/third-party/translations"


def test_a_request_charges_the_fee_and_shows_a_requested_translation(
    as_user, applicant, mspr, translation_fee
):
    client = as_user(applicant.user)
    page = client.post(reverse("documents:translate", args=[mspr.pk]), follow=True)
    assert "Translation requested" in page.content.decode()
    request = TranslationRequest.objects.get()
    assert (request.from_language, request.to_language) == ("en", "fr")
    assert request.state == TranslationState.REQUESTED
    assert request.fee_cents == 15000
    entry = LedgerEntry.objects.get(applicant=applicant, code="translation")
    assert entry.kind == EntryKind.CHARGE and entry.amount_cents == 15000
    assert request.ledger_entry == entry
    iteration = mspr.cycle.iterations.get()
    assert request.due_at == iteration.milestones.get(kind="application_deadline").at
    placeholder = request.translation
    assert placeholder.status == DocumentStatus.REQUESTED and placeholder.language == "fr"
    assert placeholder.translation_of == mspr and not placeholder.file
    assert 'data-status="requested"' in client.get(reverse("documents:mine")).content.decode()


def test_no_second_request_and_no_cancellation(applicant, mspr, translation_fee):
    translation_request(applicant=applicant, document=mspr)
    with pytest.raises(DomainError, match="already requested"):
        translation_request(applicant=applicant, document=mspr)
    assert LedgerEntry.objects.filter(code="translation").count() == 1
    # An outside translation cannot replace a request (requests are not cancelled).
    with pytest.raises(DomainError, match="cannot be cancelled"):
        outside_translation_upload(
            applicant=applicant, document=mspr, upload=make_pdf(), filename="fr.pdf"
        )


def test_requests_close_before_the_deadline_with_a_clear_message(applicant, mspr, translation_fee):
    with time_machine.travel(timezone.now() + dt.timedelta(days=3)):
        with pytest.raises(DomainError, match="Translation requests closed") as info:
            translation_request(applicant=applicant, document=mspr)
        assert "upload the translation yourself" in str(info.value)
    assert not LedgerEntry.objects.filter(code="translation").exists()
    assert not TranslationRequest.objects.exists()


def test_no_fee_set_means_no_request(applicant, mspr):
    with pytest.raises(DomainError, match="no fee set"):
        translation_request(applicant=applicant, document=mspr)
    assert (
        not TranslationRequest.objects.exists()
        and not Document.objects.filter(status=DocumentStatus.REQUESTED).exists()
    )


def test_only_the_mspr_is_translated_and_only_by_its_owner(
    applicant, other_applicant, cycle, mspr, translation_fee, as_user
):
    from documents.services import document_upload

    cv = document_upload(
        applicant=applicant,
        cycle=cycle,
        doc_type="cv",
        language="en",
        upload=make_pdf(),
        filename="cv.pdf",
    )
    with pytest.raises(DomainError, match="MSPR only"):
        translation_request(applicant=applicant, document=cv)
    with pytest.raises(DomainError, match="not yours"):
        translation_request(applicant=other_applicant, document=mspr)
    response = as_user(other_applicant.user).post(reverse("documents:translate", args=[mspr.pk]))
    assert response.status_code == 404
    assert not TranslationRequest.objects.exists()


def test_the_translator_reads_takes_and_delivers_through_the_api(
    as_user, applicant, mspr, translation_fee, translator
):
    organisation, headers = translator
    request = translation_request(applicant=applicant, document=mspr)
    client = Client()
    listed = client.get(API, **headers).json()
    assert [(r["id"], r["state"], r["to_language"]) for r in listed] == [
        (request.pk, "requested", "fr")
    ]
    original = client.get(f"{API}/{request.pk}/original", **headers)
    assert original.status_code == 200
    assert original["Content-Disposition"].startswith("attachment")
    assert b"".join(original.streaming_content).startswith(b"%PDF-")
    assert client.post(f"{API}/{request.pk}/start", **headers).json()["state"] == "in_progress"
    refused = client.post(
        f"{API}/{request.pk}/delivery", {"file": upload(make_encrypted_pdf(), "fr.pdf")}, **headers
    )
    assert refused.status_code == 400 and refused.json()["code"] == "encrypted"
    delivered = client.post(
        f"{API}/{request.pk}/delivery", {"file": upload(make_pdf(text="DREM"), "fr.pdf")}, **headers
    )
    assert delivered.status_code == 200 and delivered.json()["state"] == "delivered"
    translation = Document.objects.get(translation_of=mspr)
    assert translation.status == DocumentStatus.RECEIVED
    assert translation.organisation == organisation and translation.file
    assert [s.status for s in translation.history.all()] == ["requested", "received"]
    again = client.post(
        f"{API}/{request.pk}/delivery", {"file": upload(make_pdf(), "fr.pdf")}, **headers
    )
    assert again.status_code == 400
    assert client.get(API, **headers).json() == []
    mine = as_user(applicant.user).get("/en/api/documents/mine").json()["documents"]
    assert {(d["translation_of"], d["status"]) for d in mine} == {
        (None, "uploaded"),
        (mspr.pk, "received"),
    }


def test_the_translator_api_refuses_others(
    as_user, applicant, mspr, translation_fee, translator, organisation_with_token, school_org
):
    request = translation_request(applicant=applicant, document=mspr)
    _, school = school_org
    _, mine = translator
    _, rival = organisation_with_token(OrganisationKind.TRANSLATOR)
    client = Client()
    for headers in (school, {}):
        assert client.get(API, **headers).status_code == 401
        assert client.get(f"{API}/{request.pk}/original", **headers).status_code == 401
        assert client.post(f"{API}/{request.pk}/start", **headers).status_code == 401
        assert (
            client.post(
                f"{API}/{request.pk}/delivery", {"file": upload(make_pdf())}, **headers
            ).status_code
            == 401
        )
    assert as_user(applicant.user).get(API).status_code == 401
    client.post(f"{API}/{request.pk}/start", **mine)
    # Once taken, another translator neither sees nor delivers it.
    assert client.get(API, **rival).json() == []
    assert client.get(f"{API}/{request.pk}/original", **rival).status_code == 404
    assert (
        client.post(
            f"{API}/{request.pk}/delivery", {"file": upload(make_pdf())}, **rival
        ).status_code
        == 404
    )
    assert TranslationRequest.objects.get().state == TranslationState.IN_PROGRESS


def test_an_outside_translation_is_uploaded_before_the_application_deadline(
    as_user, applicant, mspr
):
    client = as_user(applicant.user)
    url = reverse("documents:outside_translation", args=[mspr.pk])
    client.post(url, {"file": upload(make_pdf(), "fr.pdf")})
    translation = Document.objects.get(translation_of=mspr)
    assert translation.language == "fr" and translation.status == DocumentStatus.UPLOADED
    with time_machine.travel(timezone.now() + dt.timedelta(days=10)):
        page = client.post(url, {"file": upload(make_pdf(), "fr2.pdf")}, follow=True)
        assert "Uploading a translation closed" in page.content.decode()
    assert Document.objects.filter(translation_of=mspr).count() == 1


def test_the_request_button_is_shown_only_while_requests_are_open(as_user, applicant, mspr):
    client = as_user(applicant.user)
    assert "Request a translation" in client.get(reverse("documents:mine")).content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(days=3)):
        page = client.get(reverse("documents:mine")).content.decode()
        assert "Request a translation" not in page
        assert "Or upload your own translation" in page
