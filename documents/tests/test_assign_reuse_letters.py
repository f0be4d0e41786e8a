"""Assigning documents to applications (late after the deadline), reusing a document of an
earlier cycle, personal letters (one per program, locked once assigned)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from documents.models import Document, DocumentAssignment, DocumentStatus, PersonalLetter
from documents.services import (
    document_assign,
    document_process,
    document_reuse,
    document_unassign,
    document_upload,
    personal_letter_assign,
    personal_letter_save,
)
from documents.tests.conftest import apply, make_pdf
from tests import factories

pytestmark = pytest.mark.django_db

MINE = reverse("documents:mine")


def test_the_applicant_assigns_a_document_from_the_tracking_page(as_user, applicant, mspr, program):
    application = apply(applicant, program)
    client = as_user(applicant.user)
    client.post(reverse("documents:assign", args=[mspr.pk]), {"application": application.pk})
    assignment = DocumentAssignment.objects.get()
    assert assignment.application == application and assignment.late is False
    assert program.code in client.get(MINE).content.decode()
    client.post(reverse("documents:unassign", args=[assignment.pk]))
    assert not DocumentAssignment.objects.exists()


def test_assigning_after_the_deadline_is_late_and_unassigning_is_refused(applicant, mspr, program):
    application = apply(applicant, program)
    with time_machine.travel(timezone.now() + dt.timedelta(days=10)):  # after the deadline
        assignment = document_assign(applicant=applicant, document=mspr, application=application)
        assert assignment.late is True
        with pytest.raises(DomainError, match="Unassigning documents closed"):
            document_unassign(applicant=applicant, assignment=assignment)
    with time_machine.travel(timezone.now() + dt.timedelta(days=40)):  # ranking opened
        other = document_upload(
            applicant=applicant,
            cycle=program.cycle,
            doc_type="cv",
            language="en",
            upload=make_pdf(),
            filename="cv.pdf",
        )
        with pytest.raises(DomainError, match="Assigning documents closed"):
            document_assign(applicant=applicant, document=other, application=application)


def test_assignment_refusals(as_user, applicant, other_applicant, mspr, program, match_admin):
    from documents.services import document_reject

    others = apply(other_applicant, program)
    with pytest.raises(DomainError, match="not yours"):
        document_assign(applicant=applicant, document=mspr, application=others)
    # Another applicant cannot assign my document through the page either.
    response = as_user(other_applicant.user).post(
        reverse("documents:assign", args=[mspr.pk]), {"application": others.pk}
    )
    assert response.status_code == 404
    document_reject(actor=match_admin, document=mspr, reason="Blurry")
    with pytest.raises(DomainError, match="rejected"):
        document_assign(applicant=applicant, document=mspr, application=apply(applicant, program))
    assert not DocumentAssignment.objects.exists()
    assert as_user(None).post(reverse("documents:assign", args=[mspr.pk])).status_code == 302


def test_a_document_of_an_earlier_cycle_is_reused_with_its_status(as_user, applicant, match_admin):
    old_cycle, _ = factories.make_cycle(phase="match_day", current=False, year=2026)
    old = document_upload(
        applicant=applicant,
        cycle=old_cycle,
        doc_type="transcript",
        language="fr",
        upload=make_pdf(),
        filename="releve.pdf",
    )
    document_process(actor=match_admin, document=old)
    client = as_user(applicant.user)
    assert "Reuse in this cycle" in client.get(MINE).content.decode()
    client.post(reverse("documents:reuse", args=[old.pk]))
    copy = Document.objects.get(reused_from=old)
    current = applicant.participations.get().cycle
    assert copy.cycle == current
    assert copy.status == DocumentStatus.PROCESSED
    assert copy.file.name == old.file.name and copy.sha256 == old.sha256
    assert "Reused from" in copy.history.get().reason
    page = client.post(reverse("documents:reuse", args=[old.pk]), follow=True).content.decode()
    assert "already in the current cycle" in page
    with pytest.raises(DomainError, match="earlier cycle"):
        document_reuse(applicant=applicant, document=copy, cycle=current)


def test_another_applicant_cannot_reuse_my_document(as_user, applicant, other_applicant):
    old_cycle, _ = factories.make_cycle(phase="match_day", current=False, year=2026)
    old = document_upload(
        applicant=applicant,
        cycle=old_cycle,
        doc_type="cv",
        language="en",
        upload=make_pdf(),
        filename="cv.pdf",
    )
    assert (
        as_user(other_applicant.user).post(reverse("documents:reuse", args=[old.pk])).status_code
        == 404
    )
    with pytest.raises(DomainError, match="not yours"):
        document_reuse(applicant=other_applicant, document=old, cycle=old_cycle)


# --- Personal letters -------------------------------------------------------------------------


def test_one_letter_per_program_written_online_then_locked_once_assigned(
    as_user, applicant, program
):
    apply(applicant, program, status="selected")
    client = as_user(applicant.user)
    url = reverse("documents:letter_edit", args=[program.pk])
    client.post(url, {"language": "en", "text": "Dear program, ..."})
    client.post(url, {"language": "fr", "text": "Cher programme, ..."})
    letter = PersonalLetter.objects.get()
    assert letter.text == "Cher programme, ..." and letter.language == "fr"
    client.post(reverse("documents:letter_assign", args=[letter.pk]))
    letter.refresh_from_db()
    assert letter.locked and letter.late is False
    page = client.post(url, {"language": "en", "text": "Changed"}).content.decode()
    assert "locked: it can no longer be changed" in page
    letter.refresh_from_db()
    assert letter.text == "Cher programme, ..."


def test_a_letter_is_assigned_only_with_an_application_to_its_program(applicant, program):
    letter = personal_letter_save(applicant=applicant, program=program, text="Hi", language="en")
    with pytest.raises(DomainError, match="before assigning its letter"):
        personal_letter_assign(applicant=applicant, letter=letter)
    with pytest.raises(DomainError, match="Write the letter"):
        personal_letter_save(applicant=applicant, program=program, text="  ", language="en")


def test_who_reads_a_letter(
    as_user, applicant, other_applicant, program, director, other_director, match_admin
):
    apply(applicant, program)
    letter = personal_letter_save(applicant=applicant, program=program, text="Hi", language="en")
    url = reverse("documents:letter_view", args=[letter.pk])
    assert as_user(director).get(url).status_code == 403  # not assigned yet
    personal_letter_assign(applicant=applicant, letter=letter)
    assert as_user(applicant.user).get(url).status_code == 200
    assert as_user(match_admin).get(url).status_code == 200
    assert as_user(director).get(url).status_code == 200
    assert as_user(other_director).get(url).status_code == 403
    assert as_user(other_applicant.user).get(url).status_code == 403
    assert as_user(None).get(url).status_code == 302
    # Another applicant cannot edit or assign it.
    other = as_user(other_applicant.user)
    assert other.post(reverse("documents:letter_assign", args=[letter.pk])).status_code == 404


def test_letter_pages_are_for_applicants(as_user, director, program):
    assert (
        as_user(director).get(reverse("documents:letter_edit", args=[program.pk])).status_code
        == 403
    )


def test_unassign_and_outside_translation_are_refused_to_others(
    as_user, applicant, other_applicant, director, mspr, program
):
    from documents.tests.conftest import upload

    assignment = document_assign(
        applicant=applicant, document=mspr, application=apply(applicant, program)
    )
    unassign = reverse("documents:unassign", args=[assignment.pk])
    outside = reverse("documents:outside_translation", args=[mspr.pk])
    assert as_user(other_applicant.user).post(unassign).status_code == 404
    assert as_user(director).post(unassign).status_code == 403
    assert as_user(None).post(unassign).status_code == 302
    for user, code in ((other_applicant.user, 404), (director, 403)):
        response = as_user(user).post(outside, {"file": upload(make_pdf(), "fr.pdf")})
        assert response.status_code == code
    assert DocumentAssignment.objects.filter(pk=assignment.pk).exists()
    assert not Document.objects.filter(translation_of=mspr).exists()


def test_a_document_is_assigned_to_all_applications_at_once(
    as_user, applicant, mspr, program, other_program
):
    apply(applicant, program)
    apply(applicant, other_program)
    client = as_user(applicant.user)
    assert "All my applications" in client.get(MINE).content.decode()
    client.post(reverse("documents:assign", args=[mspr.pk]), {"application": "all"})
    assert {a.application.program for a in DocumentAssignment.objects.all()} == {
        program,
        other_program,
    }
