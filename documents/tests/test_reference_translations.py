"""Translations of references: the applicant requests them through the platform's service only
(never an outside translation: they never read a reference), sees the state, never the text; the
translator that took the request reads the original and delivers; the translation goes with the
reference to the programs it is assigned to."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from documents.models import Document, TranslationRequest, TranslationState
from documents.services import (
    reference_outside_translation_upload,
    reference_translation_request,
)
from documents.tests.conftest import apply, make_encrypted_pdf, make_pdf, upload
from fees.models import AdministrativeFee, LedgerEntry
from integrations.models import OrganisationKind
from references import services as refs
from references.models import Delivery, ReferenceKind
from references.selectors import form_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("translation_lead_days")]

API = "/en/api/documents/third-party/translations"
LETTER_TEXT = "Confidential praise"


def _received(applicant, cycle, kind=ReferenceKind.NARRATIVE, referee_language="en"):  # type: ignore[no-untyped-def]
    reference = refs.reference_request_create(
        applicant=applicant,
        cycle=cycle,
        kind=kind,
        referee_name="Dr Ada Tremblay",
        referee_email="ada@example.org",
        referee_language=referee_language,
        message="",
        delivery=Delivery.COVER_SHEET,
    )
    refs.reference_request_finalise(applicant=applicant, request=reference)
    token = refs.reference_cover_sheet_link(applicant=applicant, request=reference)
    reference.refresh_from_db()
    if kind == ReferenceKind.NARRATIVE:
        refs.reference_submit_letter(
            request=reference, token=token, uploaded_file=upload(make_pdf(text=LETTER_TEXT))
        )
    else:
        form, _title, questions = form_for(reference)
        answers = {
            qn["key"]: 5 if qn["type"] == "rating" else "Excellent resident" for qn in questions
        }
        refs.reference_submit_form(
            request=reference, token=token, answers=answers, form=form, questions=questions
        )
    reference.refresh_from_db()
    return reference


@pytest.fixture
def letter(applicant, cycle):  # type: ignore[no-untyped-def]
    return _received(applicant, cycle)


def _take_and_deliver(client, request, headers, captured):  # type: ignore[no-untyped-def]
    assert client.post(f"{API}/{request.pk}/start", **headers).json()["state"] == "in_progress"
    with captured(execute=True):
        response = client.post(
            f"{API}/{request.pk}/delivery",
            {"file": upload(make_pdf(text="Eloge confidentiel"), "fr.pdf")},
            **headers,
        )
    assert response.status_code == 200, response.content
    return response


def test_request_take_deliver_then_staff_read_it_and_the_applicant_never_does(
    as_user,
    applicant,
    cycle,
    program,
    director,
    other_director,
    match_admin,
    letter,
    translation_fee,
    translator,
    django_capture_on_commit_callbacks,
):
    application = apply(applicant, program)
    refs.reference_assign(applicant=applicant, request=letter, application=application)
    me = as_user(applicant.user)
    confirm = me.get(reverse("documents:reference_translate", args=[letter.reference_id]))
    page = confirm.content.decode()
    assert "150.00" in page and "only the platform's translation service" in page
    done = me.post(
        reverse("documents:reference_translate", args=[letter.reference_id]),
        {"to_language": "fr"},
        follow=True,
    )
    assert "Translation requested" in done.content.decode()
    request = TranslationRequest.objects.get(reference=letter)
    assert (request.from_language, request.to_language, request.state) == ("en", "fr", "requested")
    assert request.document is None and request.translation is None
    # No document of the applicant is created for it: it is not in "My documents".
    assert not Document.objects.filter(applicant=applicant).exists()
    assert (
        'data-translation-state="requested"' in me.get(reverse("references:mine")).content.decode()
    )

    organisation, headers = translator
    client = Client()
    listed = client.get(API, **headers).json()
    assert [(r["id"], r["document_type"], r["reference_kind"]) for r in listed] == [
        (request.pk, "reference", "narrative")
    ]
    # The original of a reference is read only once taken.
    assert client.get(f"{API}/{request.pk}/original", **headers).status_code == 403
    client.post(f"{API}/{request.pk}/start", **headers)
    original = client.get(f"{API}/{request.pk}/original", **headers)
    assert original.status_code == 200
    stored = storages["private"].open(letter.content.file_name, "rb").read()
    assert original.content == stored
    refused = client.post(
        f"{API}/{request.pk}/delivery", {"file": upload(make_encrypted_pdf(), "fr.pdf")}, **headers
    )
    assert refused.status_code == 400 and refused.json()["code"] == "encrypted"
    mail.outbox.clear()
    _take_and_deliver(client, request, headers, django_capture_on_commit_callbacks)
    request.refresh_from_db()
    assert request.state == TranslationState.DELIVERED and request.file
    assert request.translator == organisation
    # Delivered: the translator no longer reads the original, nor delivers again.
    assert client.get(f"{API}/{request.pk}/original", **headers).status_code == 403
    again = client.post(f"{API}/{request.pk}/delivery", {"file": upload(make_pdf())}, **headers)
    assert again.status_code == 400
    # The applicant is told, in their language, without the text.
    [message] = mail.outbox
    assert message.to == [applicant.user.email] and letter.reference_id in message.subject
    assert "Eloge" not in message.body

    # Program staff of the program it is assigned to read it (page and API), the admin too.
    file_url = reverse("documents:reference_translation_file", args=[request.pk])
    api_url = f"/en/api/documents/reference-translations/{request.pk}/file"
    program_page = as_user(director).get(reverse("references:program", args=[program.code]))
    assert file_url in program_page.content.decode()
    for user in (director, match_admin):
        got = as_user(user).get(file_url)
        assert got.status_code == 200
        assert b"".join(got.streaming_content) == request.file.open("rb").read()
        assert as_user(user).get(api_url).status_code == 200
    # Never the applicant (page, API, download), nor another program's staff.
    for user in (applicant.user, other_director):
        assert as_user(user).get(file_url).status_code == 403
        assert as_user(user).get(api_url).status_code == 403
    assert Client().get(api_url).status_code == 401
    mine = me.get(reverse("references:mine")).content.decode()
    assert 'data-translation-state="delivered"' in mine and file_url not in mine
    assert (
        "Eloge"
        not in me.get(
            reverse("documents:reference_translate", args=[letter.reference_id])
        ).content.decode()
    )
    assert me.get(API).status_code == 401
    # The applicant's API: the state, nothing of the text nor a link to it.
    states = me.get("/en/api/documents/reference-translations/mine")
    assert [(t["reference_id"], t["state"]) for t in states.json()] == [
        (letter.reference_id, "delivered")
    ]
    assert "file" not in states.content.decode()


def test_the_translation_goes_wherever_the_reference_is_assigned(
    as_user,
    applicant,
    program,
    other_program,
    other_director,
    letter,
    translation_fee,
    translator,
    django_capture_on_commit_callbacks,
):
    request = reference_translation_request(applicant=applicant, reference=letter, to_language="fr")
    _take_and_deliver(Client(), request, translator[1], django_capture_on_commit_callbacks)
    url = reverse("documents:reference_translation_file", args=[request.pk])
    assert as_user(other_director).get(url).status_code == 403
    refs.reference_assign(
        applicant=applicant, request=letter, application=apply(applicant, other_program)
    )
    assert as_user(other_director).get(url).status_code == 200


def test_a_form_is_sent_to_the_translator_as_a_pdf_of_its_answers(
    applicant, cycle, translation_fee, translator
):
    import io

    import pikepdf

    reference = _received(applicant, cycle, kind=ReferenceKind.SUPPORT_FORM, referee_language="fr")
    request = reference_translation_request(
        applicant=applicant, reference=reference, to_language="en"
    )
    assert request.from_language == "fr"
    _, headers = translator
    client = Client()
    assert client.get(API, **headers).json()[0]["reference_kind"] == "support_form"
    client.post(f"{API}/{request.pk}/start", **headers)
    original = client.get(f"{API}/{request.pk}/original", **headers)
    assert original.status_code == 200 and original["Content-Type"] == "application/pdf"
    assert len(pikepdf.open(io.BytesIO(original.content)).pages) >= 1


def test_another_translator_is_refused(
    applicant, letter, translation_fee, translator, organisation_with_token
):  # type: ignore[no-untyped-def]
    request = reference_translation_request(applicant=applicant, reference=letter, to_language="fr")
    _, mine = translator
    _, rival = organisation_with_token(OrganisationKind.TRANSLATOR)
    _, school = organisation_with_token(OrganisationKind.SCHOOL)
    client = Client()
    # Not taken: nobody reads it yet, nobody delivers without taking it.
    assert client.get(f"{API}/{request.pk}/original", **rival).status_code == 403
    early = client.post(f"{API}/{request.pk}/delivery", {"file": upload(make_pdf())}, **rival)
    assert early.status_code == 400 and early.json()["code"] == "not_started"
    client.post(f"{API}/{request.pk}/start", **mine)
    assert client.get(API, **rival).json() == []
    assert client.get(f"{API}/{request.pk}/original", **rival).status_code == 404
    assert client.post(f"{API}/{request.pk}/start", **rival).status_code == 404
    late = client.post(f"{API}/{request.pk}/delivery", {"file": upload(make_pdf())}, **rival)
    assert late.status_code == 404
    assert client.get(f"{API}/{request.pk}/original", **school).status_code == 401
    request.refresh_from_db()
    assert request.state == TranslationState.IN_PROGRESS and not request.file


def test_no_outside_translation_for_a_reference(as_user, applicant, letter):
    with pytest.raises(DomainError, match="cannot take an outside translation"):
        reference_outside_translation_upload(
            applicant=applicant, reference=letter, upload=upload(make_pdf()), filename="fr.pdf"
        )
    page = as_user(applicant.user).post(
        reverse("documents:reference_outside_translation", args=[letter.reference_id]),
        {"file": upload(make_pdf(), "fr.pdf")},
        follow=True,
    )
    assert "cannot take an outside translation" in page.content.decode()
    assert not TranslationRequest.objects.exists() and not Document.objects.exists()


def test_one_request_per_reference_and_language_and_the_fee_charged_once(
    applicant, letter, translation_fee
):
    reference_translation_request(applicant=applicant, reference=letter, to_language="fr")
    with pytest.raises(DomainError, match="already requested"):
        reference_translation_request(applicant=applicant, reference=letter, to_language="fr")
    assert LedgerEntry.objects.filter(applicant=applicant, code="translation").count() == 1
    assert TranslationRequest.objects.get().fee_cents == 15000
    # The database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        TranslationRequest.objects.create(
            reference=letter,
            from_language="en",
            to_language="fr",
            state="requested",
            due_at=timezone.now(),
            fee_cents=0,
        )


def test_a_request_targets_a_document_or_a_reference_never_both_nor_neither(
    applicant, letter, mspr
):
    for target in ({}, {"reference": letter, "document": mspr}):
        with pytest.raises(IntegrityError), transaction.atomic():
            TranslationRequest.objects.create(
                from_language="en",
                to_language="fr",
                state="requested",
                due_at=timezone.now(),
                fee_cents=0,
                **target,
            )


def test_deadline_rules(applicant, cycle, letter, translation_fee, as_user):
    iteration = cycle.iterations.get()
    deadline = iteration.milestones.get(kind="application_deadline").at
    url = reverse("documents:reference_translate", args=[letter.reference_id])
    # Two days left: open, and due at the application deadline.
    with time_machine.travel(timezone.now() + dt.timedelta(days=1, hours=23)):
        request = reference_translation_request(
            applicant=applicant, reference=letter, to_language="fr"
        )
    assert request.due_at == deadline
    # After the cut-off (7 days before the deadline): refused with the reason, nothing charged.
    with time_machine.travel(timezone.now() + dt.timedelta(days=2, hours=1)):
        with pytest.raises(DomainError, match="Translation requests closed"):
            reference_translation_request(applicant=applicant, reference=letter, to_language="en")
        page = as_user(applicant.user).get(url).content.decode()
        assert "Translation requests closed" in page and "Confirm and pay" not in page
    assert LedgerEntry.objects.filter(code="translation").count() == 1


def test_only_a_received_reference_of_the_applicant_with_a_fee_set(
    as_user, applicant, other_applicant, cycle, letter
):
    with pytest.raises(DomainError, match="no fee set"):
        reference_translation_request(applicant=applicant, reference=letter, to_language="fr")
    draft = refs.reference_request_create(
        applicant=applicant,
        cycle=cycle,
        kind=ReferenceKind.NARRATIVE,
        referee_name="Dr B",
        referee_email="b@example.org",
        referee_language="en",
        message="",
        delivery=Delivery.EMAIL,
    )
    AdministrativeFee.objects.create(
        schedule=cycle.fee_schedule, code="translation", label_en="T", label_fr="T", amount_cents=1
    )
    with pytest.raises(DomainError, match="not arrived yet"):
        reference_translation_request(applicant=applicant, reference=draft, to_language="fr")
    with pytest.raises(DomainError, match="not yours"):
        reference_translation_request(applicant=other_applicant, reference=letter, to_language="fr")
    with pytest.raises(DomainError, match="English or French"):
        reference_translation_request(applicant=applicant, reference=letter, to_language="de")
    url = reverse("documents:reference_translate", args=[letter.reference_id])
    assert as_user(other_applicant.user).get(url).status_code == 404
    assert as_user(other_applicant.user).post(url, {"to_language": "fr"}).status_code == 404
    outside = reverse("documents:reference_outside_translation", args=[letter.reference_id])
    assert as_user(other_applicant.user).post(outside).status_code == 404
    assert Client().get(url).status_code == 302
    assert not TranslationRequest.objects.exists()


def test_the_references_page_offers_a_translation_for_received_references(
    as_user, applicant, letter
):
    page = as_user(applicant.user).get(reverse("references:mine")).content.decode()
    assert reverse("documents:reference_translate", args=[letter.reference_id]) in page


def test_the_applicant_api_lists_only_their_own_and_needs_a_session(
    as_user, applicant, other_applicant, director, letter, translation_fee
):
    reference_translation_request(applicant=applicant, reference=letter, to_language="fr")
    url = "/en/api/documents/reference-translations/mine"
    assert len(as_user(applicant.user).get(url).json()) == 1
    assert as_user(other_applicant.user).get(url).json() == []
    assert as_user(director).get(url).status_code == 403
    assert Client().get(url).status_code == 401


def test_the_delivery_e_mail_is_in_the_applicant_language(
    applicant, letter, translation_fee, translator, django_capture_on_commit_callbacks
):
    applicant.user.language = "fr"
    applicant.user.save(update_fields=["language"])
    request = reference_translation_request(applicant=applicant, reference=letter, to_language="fr")
    mail.outbox.clear()
    _take_and_deliver(Client(), request, translator[1], django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert "La traduction de la référence" in message.subject
    assert "Mes références" in message.body


def test_an_applicant_who_is_also_staff_of_the_program_is_still_refused(
    as_user,
    applicant,
    program,
    letter,
    translation_fee,
    translator,
    django_capture_on_commit_callbacks,
):
    from accounts.models import Role, RoleAssignment

    refs.reference_assign(
        applicant=applicant, request=letter, application=apply(applicant, program)
    )
    RoleAssignment.objects.create(user=applicant.user, role=Role.PROGRAM_DIRECTOR, program=program)
    request = reference_translation_request(applicant=applicant, reference=letter, to_language="fr")
    _take_and_deliver(Client(), request, translator[1], django_capture_on_commit_callbacks)
    client = as_user(applicant.user)
    assert (
        client.get(reverse("documents:reference_translation_file", args=[request.pk])).status_code
        == 403
    )
    assert (
        client.get(f"/en/api/documents/reference-translations/{request.pk}/file").status_code == 403
    )
