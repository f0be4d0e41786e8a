"""The referee, without an account: upload a PDF or fill the online form, once."""

from __future__ import annotations

import datetime as dt

import pikepdf
import pytest
import time_machine
from django.core import mail
from django.core.files.storage import storages

from programs.models import Discipline
from references import services
from references.models import (
    ReferenceContent,
    ReferenceKind,
    ReferenceRequest,
    ReferenceState,
    StructuredForm,
)
from references.tests.conftest import make_pdf, token_from_mail, upload

pytestmark = pytest.mark.django_db


def test_the_referee_sees_who_asks_and_uploads_a_letter(
    as_user, applicant, sent, django_capture_on_commit_callbacks
):
    request, token = sent
    client = as_user(None)
    page = client.get(f"/en/references/r/{token}/").content.decode()
    assert str(applicant) in page
    assert "Merci de votre aide." in page
    assert 'type="file"' in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/references/r/{token}/", {"letter": upload()})
    assert response.status_code == 200
    assert "was received" in response.content.decode()
    request.refresh_from_db()
    assert request.state == ReferenceState.RECEIVED
    assert request.received_at is not None and not request.received_late
    content = ReferenceContent.objects.get(request=request)
    assert content.file_name.startswith("references/")
    with storages["private"].open(content.file_name) as handle:
        assert handle.read().startswith(b"%PDF")
    # a receipt to the applicant (their language: English) and thanks to the referee (French)
    receipt = next(m for m in mail.outbox if m.to == [applicant.user.email])
    assert request.reference_id in receipt.subject and "received" in receipt.subject
    thanks = next(m for m in mail.outbox if m.to == ["ada@example.org"])
    assert "Merci" in thanks.subject


def test_the_receipt_is_in_the_applicants_language(
    as_user, applicant, sent, django_capture_on_commit_callbacks
):
    applicant.user.language = "fr"
    applicant.user.save()
    _request, token = sent
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        as_user(None).post(f"/en/references/r/{token}/", {"letter": upload()})
    receipt = next(m for m in mail.outbox if m.to == [applicant.user.email])
    assert "a été reçue" in receipt.subject


def test_a_used_link_shows_a_clear_page(as_user, sent):
    request, token = sent
    client = as_user(None)
    client.post(f"/en/references/r/{token}/", {"letter": upload()})
    response = client.get(f"/en/references/r/{token}/")
    assert response.status_code == 410
    assert "already submitted" in response.content.decode()
    response = client.post(f"/en/references/r/{token}/", {"letter": upload()})
    assert response.status_code == 410
    assert ReferenceContent.objects.filter(request=request).count() == 1


def test_an_unknown_link_is_a_clear_page_not_a_500(as_user, db):
    response = as_user(None).get("/en/references/r/not-a-token/")
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_a_token_of_another_request_cannot_submit_this_one(
    applicant, other_applicant, cycle, sent, django_capture_on_commit_callbacks
):
    request, _token = sent
    other = services.reference_request_create(
        applicant=other_applicant,
        cycle=cycle,
        kind=ReferenceKind.NARRATIVE,
        referee_name="Dr Other",
        referee_email="other@example.org",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.reference_request_finalise(applicant=other_applicant, request=other)
    other_token = token_from_mail()
    from core.errors import DomainError

    with pytest.raises(DomainError, match="no longer valid"):
        services.reference_submit_letter(request=request, token=other_token, uploaded_file=upload())
    request.refresh_from_db()
    assert request.state == ReferenceState.SENT
    # the other token's page shows only the other request
    from django.test import Client

    page = Client().get(f"/en/references/r/{other_token}/").content.decode()
    assert request.reference_id not in page and str(applicant) not in page


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"hello, this is not a pdf at all", "not a PDF"),
        (make_pdf(encrypt=True), "password"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj garbage", "cannot be read"),
        (b"", "empty"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message(as_user, sent, data, words):
    request, token = sent
    response = as_user(None).post(f"/en/references/r/{token}/", {"letter": upload(data)})
    assert response.status_code == 400
    assert words in response.content.decode()
    request.refresh_from_db()
    assert request.state == ReferenceState.SENT
    assert not ReferenceContent.objects.exists()


def test_a_letter_too_large_is_refused(as_user, sent, settings):
    settings.REFERENCE_MAX_UPLOAD_BYTES = 100
    _request, token = sent
    response = as_user(None).post(f"/en/references/r/{token}/", {"letter": upload()})
    assert response.status_code == 400
    assert "larger than" in response.content.decode()


def test_a_letter_after_the_application_deadline_is_marked_late(iteration, sent):
    request, token = sent
    deadline = iteration.milestones.get(kind="application_deadline").at
    with time_machine.travel(deadline + dt.timedelta(hours=1)):
        services.reference_submit_letter(request=request, token=token, uploaded_file=upload())
    request.refresh_from_db()
    assert request.received_late


def test_referees_cannot_submit_once_ranking_opens(as_user, iteration, sent):
    _request, token = sent
    opens = iteration.milestones.get(kind="ranking_opens").at
    with time_machine.travel(opens + dt.timedelta(minutes=1)):
        response = as_user(None).get(f"/en/references/r/{token}/")
    assert response.status_code == 410
    assert "closed" in response.content.decode()


def _form_request(applicant, cycle, kind, discipline=None):  # type: ignore[no-untyped-def]
    request = services.reference_request_create(
        applicant=applicant,
        cycle=cycle,
        kind=kind,
        referee_name="Dr F",
        referee_email="f@example.org",
        referee_language="en",
        discipline=discipline,
    )
    services.reference_request_finalise(applicant=applicant, request=request)
    request.refresh_from_db()
    token = services.issue_link(request)
    return request, token


def test_a_structured_letter_uses_the_disciplines_form(as_user, applicant, cycle):
    discipline = Discipline.objects.create(code="PSY", name_en="Psychiatry", name_fr="Psychiatrie")
    StructuredForm.objects.create(
        discipline=discipline,
        title_en="Psychiatry form",
        title_fr="Formulaire de psychiatrie",
        questions=[
            {"key": "empathy", "type": "rating", "label_en": "Empathy", "label_fr": "Empathie"},
            {"key": "notes", "type": "text", "label_en": "Notes", "label_fr": "Notes"},
        ],
    )
    request, token = _form_request(applicant, cycle, ReferenceKind.STRUCTURED, discipline)
    client = as_user(None)
    page = client.get(f"/en/references/r/{token}/").content.decode()
    assert "Psychiatry form" in page and "Empathy" in page
    response = client.post(f"/en/references/r/{token}/", {"empathy": "7", "notes": "Kind"})
    assert response.status_code == 400
    response = client.post(f"/en/references/r/{token}/", {"empathy": "5", "notes": "Kind"})
    assert response.status_code == 200
    content = ReferenceContent.objects.get(request=request)
    assert content.answers == {"empathy": 5, "notes": "Kind"}
    assert content.questions[0]["key"] == "empathy"


def test_a_discipline_without_a_form_gets_the_default(as_user, applicant, cycle):
    request, token = _form_request(applicant, cycle, ReferenceKind.STRUCTURED)
    page = as_user(None).get(f"/en/references/r/{token}/").content.decode()
    assert "Medical knowledge" in page
    answers = {
        "medical_knowledge": "4",
        "clinical_skills": "4",
        "communication": "5",
        "professionalism": "5",
        "context": "Two years",
        "comments": "Excellent",
    }
    response = as_user(None).post(f"/en/references/r/{token}/", answers)
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.state == ReferenceState.RECEIVED


def test_the_support_form_is_a_short_fixed_form(as_user, applicant, cycle):
    request, token = _form_request(applicant, cycle, ReferenceKind.SUPPORT_FORM)
    client = as_user(None)
    page = client.get(f"/fr/references/r/{token}/").content.decode()
    assert "Formulaire d" in page
    response = client.post(
        f"/en/references/r/{token}/",
        {"relationship": "Supervisor", "overall": "5", "support": "Yes"},
    )
    assert response.status_code == 200
    assert ReferenceRequest.objects.get(pk=request.pk).state == ReferenceState.RECEIVED


def test_the_stored_letter_is_cleaned(sent):
    request, token = sent
    services.reference_submit_letter(
        request=request,
        token=token,
        uploaded_file=upload(make_pdf(javascript=True, title="Confidential title")),
    )
    content = ReferenceContent.objects.get(request=request)
    with storages["private"].open(content.file_name) as handle, pikepdf.open(handle) as pdf:
        assert "/OpenAction" not in pdf.Root
        assert "/JavaScript" not in pdf.Root.get("/Names", {})
        assert "/Title" not in pdf.docinfo
