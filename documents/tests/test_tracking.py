"""The applicant's tracking page, uploads through it, the file download and who may read it,
the administrator's processing page (process / reject with a reason and an e-mail)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from core.models import AuditEntry
from documents.models import Document, DocumentStatus, Source
from documents.services import document_assign
from documents.tests.conftest import apply, make_encrypted_pdf, make_image, make_pdf, upload
from tests import factories

pytestmark = pytest.mark.django_db

MINE = reverse("documents:mine")
UPLOAD = reverse("documents:upload")
QUEUE = reverse("documents:queue")


def _post_upload(client, content, name="mspr.pdf", type="mspr", language="en"):  # type: ignore[no-untyped-def]
    return client.post(
        UPLOAD, {"type": type, "language": language, "file": upload(content, name)}, follow=True
    )


def test_an_applicant_uploads_and_sees_type_source_language_and_status(as_user, applicant):
    client = as_user(applicant.user)
    response = _post_upload(client, make_pdf(), language="fr")
    assert "Document uploaded" in response.content.decode()
    document = Document.objects.get(applicant=applicant)
    assert document.status == DocumentStatus.UPLOADED
    assert document.source == Source.APPLICANT
    assert document.language == "fr"
    assert document.mime == "application/pdf"
    assert document.history.get().status == DocumentStatus.UPLOADED
    assert AuditEntry.objects.filter(action="documents.document.uploaded").exists()
    page = client.get(MINE).content.decode()
    assert "MSPR (dean&#x27;s letter)" in page
    assert "Uploaded by the applicant" in page and "French" in page
    assert 'data-status="uploaded"' in page


def test_a_bad_upload_shows_the_reason_and_saves_nothing(as_user, applicant, mspr):
    client = as_user(applicant.user)
    page = _post_upload(client, make_encrypted_pdf()).content.decode()
    assert "protected by a password" in page
    page = _post_upload(client, make_image("PNG"), name="mspr.pdf").content.decode()
    assert "its content is not PDF" in page
    assert list(Document.objects.filter(applicant=applicant)) == [mspr]


def test_a_third_party_only_type_cannot_be_uploaded_by_the_applicant(as_user, applicant, cycle):
    from core.errors import DomainError
    from documents.services import document_upload

    _post_upload(as_user(applicant.user), make_pdf(), type="casper")
    assert not Document.objects.exists()
    with pytest.raises(DomainError, match="Casper result is sent to the platform"):
        document_upload(
            applicant=applicant,
            cycle=cycle,
            doc_type="casper",
            language="en",
            upload=make_pdf(),
            filename="casper.pdf",
        )


def test_the_tracking_page_shows_a_rejection_reason_in_red(as_user, applicant, mspr, match_admin):
    from documents.services import document_reject

    document_reject(actor=match_admin, document=mspr, reason="The scan is unreadable.")
    page = as_user(applicant.user).get(MINE).content.decode()
    assert 'data-status="rejected"' in page
    assert "The scan is unreadable." in page


def test_the_owner_downloads_the_cleaned_file_as_an_attachment(as_user, applicant, mspr):
    response = as_user(applicant.user).get(reverse("documents:download", args=[mspr.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-") and b"Secret title" not in body


def test_download_is_refused_to_others_and_allowed_to_the_assigned_program(
    as_user, applicant, other_applicant, mspr, program, director, other_director, match_admin
):
    url = reverse("documents:download", args=[mspr.pk])
    assert as_user(other_applicant.user).get(url).status_code == 403
    assert as_user(director).get(url).status_code == 403  # not assigned yet
    assert as_user(other_director).get(url).status_code == 403
    assert as_user(None).get(url).status_code == 302
    assert as_user(match_admin).get(url).status_code == 200
    document_assign(applicant=applicant, document=mspr, application=apply(applicant, program))
    assert as_user(director).get(url).status_code == 200
    assert as_user(other_director).get(url).status_code == 403
    assert as_user(other_applicant.user).get(url).status_code == 403


def test_the_file_is_stored_outside_media(applicant, mspr, settings, _private_storage):
    assert mspr.file.path.startswith(str(_private_storage))
    assert not mspr.file.path.startswith(str(settings.MEDIA_ROOT))


# --- The administrator's processing page ------------------------------------------------------


def test_the_administrator_processes_a_document(as_user, match_admin, applicant, mspr):
    client = as_user(match_admin)
    page = client.get(QUEUE).content.decode()
    assert applicant.matching_id in page
    client.post(reverse("documents:process", args=[mspr.pk]))
    mspr.refresh_from_db()
    assert mspr.status == DocumentStatus.PROCESSED
    change = mspr.history.last()
    assert change.status == DocumentStatus.PROCESSED and change.actor == match_admin
    assert applicant.matching_id not in client.get(QUEUE).content.decode()
    response = client.post(reverse("documents:process", args=[mspr.pk]), follow=True)
    assert "Only an uploaded or received document" in response.content.decode()


def test_rejecting_needs_a_reason_and_emails_the_applicant_in_their_language(
    as_user, match_admin, cycle, django_capture_on_commit_callbacks
):
    from documents.services import document_upload

    french = factories.make_applicant(cycle=cycle, language="fr")
    document = document_upload(
        applicant=french,
        cycle=cycle,
        doc_type="transcript",
        language="fr",
        upload=make_pdf(),
        filename="releve.pdf",
    )
    client = as_user(match_admin)
    page = client.post(
        reverse("documents:reject", args=[document.pk]), {"reason": " "}, follow=True
    ).content.decode()
    assert "Give the reason" in page
    document.refresh_from_db()
    assert document.status == DocumentStatus.UPLOADED
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("documents:reject", args=[document.pk]), {"reason": "Page 2 manque."})
    document.refresh_from_db()
    assert document.status == DocumentStatus.REJECTED
    assert document.rejected_reason == "Page 2 manque."
    assert document.history.last().reason == "Page 2 manque."
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [french.user.email]
    assert "refusé" in message.subject
    assert "Page 2 manque." in message.body


def test_the_processing_pages_are_refused_to_everyone_but_the_administrator(
    as_user, applicant, director, reviewer, mspr
):
    for user in (applicant.user, director, reviewer):
        client = as_user(user)
        assert client.get(QUEUE).status_code == 403
        assert client.post(reverse("documents:process", args=[mspr.pk])).status_code == 403
        assert (
            client.post(reverse("documents:reject", args=[mspr.pk]), {"reason": "x"}).status_code
            == 403
        )
    assert as_user(None).get(QUEUE).status_code == 302
    mspr.refresh_from_db()
    assert mspr.status == DocumentStatus.UPLOADED


def test_the_tracking_page_is_for_applicants(as_user, director):
    assert as_user(director).get(MINE).status_code == 403
    assert as_user(director).post(UPLOAD, {}).status_code == 403
    assert as_user(None).get(MINE).status_code == 302


def test_the_tracking_page_is_in_french(as_user, applicant, mspr):
    page = as_user(applicant.user).get("/fr/documents/").content.decode()
    assert "Mes documents" in page


def test_the_program_sees_the_documents_and_letter_assigned_to_an_application(
    as_user, applicant, mspr, program, director, other_director, other_applicant
):
    from documents.services import personal_letter_assign, personal_letter_save

    application = apply(applicant, program)
    url = reverse("documents:application_file", args=[application.pk])
    assert "No document assigned" in as_user(director).get(url).content.decode()
    document_assign(applicant=applicant, document=mspr, application=application)
    letter = personal_letter_save(applicant=applicant, program=program, text="Hi", language="en")
    personal_letter_assign(applicant=applicant, letter=letter)
    page = as_user(director).get(url).content.decode()
    assert reverse("documents:download", args=[mspr.pk]) in page
    assert reverse("documents:letter_view", args=[letter.pk]) in page
    for user in (other_director, applicant.user, other_applicant.user):
        assert as_user(user).get(url).status_code == 403
    assert as_user(None).get(url).status_code == 302


def test_the_program_does_not_see_an_application_still_being_prepared(
    as_user, applicant, mspr, program, director
):
    application = apply(applicant, program, status="selected")
    document_assign(applicant=applicant, document=mspr, application=application)
    url = reverse("documents:application_file", args=[application.pk])
    assert as_user(director).get(url).status_code == 404


def _documents(applicant, cycle, n):  # type: ignore[no-untyped-def]
    from documents.services import document_upload

    for i in range(n):
        document_upload(
            applicant=applicant,
            cycle=cycle,
            doc_type="supplementary",
            language="en",
            upload=make_pdf(text=f"page {i}"),
            filename=f"s{i}.pdf",
        )


def test_the_list_pages_make_a_fixed_number_of_queries(
    as_user, applicant, cycle, program, match_admin, django_assert_max_num_queries
):
    apply(applicant, program)
    _documents(applicant, cycle, 2)
    client, admin = as_user(applicant.user), as_user(match_admin)
    with django_assert_max_num_queries(20) as few:
        client.get(MINE)
    with django_assert_max_num_queries(20) as few_admin:
        admin.get(QUEUE)
    _documents(applicant, cycle, 6)
    for document in Document.objects.all():
        document_assign(
            applicant=applicant, document=document, application=applicant.applications.get()
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(MINE)
    with django_assert_max_num_queries(len(few_admin.captured_queries)):
        admin.get(QUEUE)


def test_the_django_admin_shows_documents_read_only(client, applicant, mspr):
    from accounts.models import User

    root = User.objects.create_superuser(email="root@example.org", password="x-long-password")
    client.force_login(root)
    assert client.get("/en/admin/documents/document/").status_code == 200
    page = client.get(f"/en/admin/documents/document/{mspr.pk}/change/")
    assert page.status_code == 200
    assert "Save" not in page.content.decode()
    assert client.get("/en/admin/documents/document/add/").status_code == 403
