"""Assigning many items to many programs at once (all or nothing), notes to a program after
file review opens, and late assignments that tell the program's director."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from applications.models import ApplicationNote
from applications.services import application_select, applications_submit, assignments_apply
from applications.tests.conftest import complete_application, received_reference, upload_document
from core.errors import DomainError
from documents.models import DocumentAssignment
from documents.services import document_assign, personal_letter_save
from references.models import ReferenceAssignment
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(world):  # type: ignore[no-untyped-def]
    """Two applications, two documents, a reference and a letter (nothing assigned)."""
    applicant = world.applicant
    first = application_select(applicant=applicant, program=world.program)
    second = application_select(applicant=applicant, program=world.other_program)
    cv = upload_document(applicant, world.cycle, "cv")
    mspr = upload_document(applicant, world.cycle, "mspr")
    reference = received_reference(applicant, world.cycle, 1)
    letter = personal_letter_save(
        applicant=applicant, program=world.program, text="Dear program", language="en"
    )
    return first, second, cv, mspr, reference, letter


def _deadline(world):  # type: ignore[no-untyped-def]
    return world.iteration.milestones.get(kind="application_deadline").at


def test_the_matrix_assigns_many_items_to_many_programs(as_user, world, two):
    first, second, cv, mspr, reference, letter = two
    client = as_user(world.applicant.user)
    page = client.get("/en/applications/assign/").content.decode()
    assert f"document-{cv.pk}-{first.pk}" in page and f"letter-{letter.pk}-{first.pk}" in page
    assert f"letter-{letter.pk}-{second.pk}" not in page  # a letter goes to its program only
    response = client.post(
        "/en/applications/assign/",
        {
            f"all-document-{cv.pk}": "on",
            f"document-{mspr.pk}-{second.pk}": "on",
            f"reference-{reference.pk}-{first.pk}": "on",
            f"letter-{letter.pk}-{first.pk}": "on",
        },
        follow=True,
    )
    assert "Saved: 5 assigned, 0 unassigned." in response.content.decode()
    assert DocumentAssignment.objects.filter(document=cv).count() == 2
    assert DocumentAssignment.objects.get(document=mspr).application == second
    assert ReferenceAssignment.objects.get(request=reference).application == first
    letter.refresh_from_db()
    assert letter.locked
    # unticking takes back; the locked letter (a disabled box, never sent) stays
    response = client.post(
        "/en/applications/assign/", {f"document-{cv.pk}-{first.pk}": "on"}, follow=True
    )
    assert "Saved: 0 assigned, 3 unassigned." in response.content.decode()
    letter.refresh_from_db()
    assert letter.locked
    assert list(DocumentAssignment.objects.values_list("application", flat=True)) == [first.pk]


def test_one_refusal_means_nothing_is_changed_and_every_refusal_is_listed(world, two):
    first, second, cv, mspr, _reference, letter = two
    document_assign(applicant=world.applicant, document=mspr, application=first)
    late = _deadline(world) + dt.timedelta(hours=1)
    with time_machine.travel(late), pytest.raises(DomainError) as error:
        assignments_apply(
            applicant=world.applicant,
            add=[(cv, first), (letter, second)],
            remove=[(mspr, first)],
        )
    message = error.value.message
    assert message.startswith("Nothing was changed, because 2 change(s) were refused")
    assert "Personal letter → " + world.other_program.code in message
    assert "Unassigning documents closed" in message
    assert not DocumentAssignment.objects.filter(document=cv).exists()
    assert DocumentAssignment.objects.filter(document=mspr, application=first).exists()


def test_a_locked_letter_cannot_be_taken_back_and_others_items_are_refused(world, two):
    first, _second, cv, _mspr, _reference, letter = two
    assignments_apply(applicant=world.applicant, add=[(letter, first)], remove=[])
    with pytest.raises(DomainError, match="stays locked"):
        assignments_apply(applicant=world.applicant, add=[], remove=[(letter, first)])
    with pytest.raises(DomainError, match="not yours"):
        assignments_apply(applicant=world.other_applicant, add=[(cv, first)], remove=[])


def test_the_bulk_page_refusals(as_user, world, two):
    first, _second, cv, *_ = two
    for user in (world.director, world.other_director, world.other_reviewer):
        assert as_user(user).get("/en/applications/assign/").status_code == 403
    assert as_user(None).get("/en/applications/assign/").status_code == 302
    # another applicant's page lists only their own items: posting mine changes nothing
    as_user(world.other_applicant.user).post(
        "/en/applications/assign/", {f"document-{cv.pk}-{first.pk}": "on"}
    )
    assert not DocumentAssignment.objects.exists()


def test_the_bulk_page_makes_a_fixed_number_of_queries(as_user, world, two):
    client = as_user(world.applicant.user)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/en/applications/assign/").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    third_program = factories.make_program(cycle=world.cycle, iteration=world.iteration)
    application_select(applicant=world.applicant, program=third_program)
    upload_document(world.applicant, world.cycle, "transcript")
    received_reference(world.applicant, world.cycle, 2)
    personal_letter_save(
        applicant=world.applicant, program=third_program, text="Hello", language="en"
    )
    assert count() == before


# --- Notes ------------------------------------------------------------------------------------


@pytest.fixture
def submitted(world):  # type: ignore[no-untyped-def]
    application = complete_application(world.applicant, world.program)
    applications_submit(applicant=world.applicant, cycle=world.cycle)
    application.refresh_from_db()
    return application


def test_a_note_waits_for_file_review_then_reaches_the_director_in_their_language(
    as_user, world, submitted, django_capture_on_commit_callbacks
):
    url = f"/en/applications/{submitted.pk}/note/"
    response = as_user(world.applicant.user).post(
        url, {"text": "I published a paper."}, follow=True
    )
    assert "is not open yet" in response.content.decode()
    assert not ApplicationNote.objects.exists()
    french = factories.make_user(language="fr")
    from accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=french, role=Role.PROGRAM_DIRECTOR, program=world.program)
    with time_machine.travel(_deadline(world) + dt.timedelta(days=1)):
        client = as_user(world.applicant.user)
        assert "A note to the program" in client.get("/en/applications/").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"text": "I published a paper."}, follow=True)
        assert "Your note was sent to the program." in response.content.decode()
        reader = as_user(world.reviewer).get(f"/en/review/application/{submitted.pk}/")
        assert "I published a paper." in reader.content.decode()
        empty = client.post(url, {"text": "   "}, follow=True)
        assert "Write the note" in empty.content.decode()
    assert ApplicationNote.objects.get().text == "I published a paper."
    by_address = {m.to[0]: m for m in mail.outbox}
    assert "A note from" in by_address[world.director.email].subject
    assert "Une note de" in by_address[french.email].subject
    assert world.reviewer.email not in by_address  # directors only


def test_note_refusals(as_user, world, submitted):
    url = f"/en/applications/{submitted.pk}/note/"
    with time_machine.travel(_deadline(world) + dt.timedelta(days=1)):
        assert as_user(world.other_applicant.user).post(url, {"text": "x"}).status_code == 404
        for user in (world.director, world.other_director, world.other_reviewer):
            assert as_user(user).post(url, {"text": "x"}).status_code == 403
        assert as_user(None).post(url, {"text": "x"}).status_code == 302
    assert not ApplicationNote.objects.exists()


# --- Late assignments -------------------------------------------------------------------------


def test_late_document_and_reference_tell_the_director(
    as_user, world, submitted, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with time_machine.travel(_deadline(world) + dt.timedelta(hours=2)):
        extra = upload_document(world.applicant, world.cycle, "supplementary")
        reference = received_reference(world.applicant, world.cycle, 7)
        with django_capture_on_commit_callbacks(execute=True):
            assignments_apply(
                applicant=world.applicant,
                add=[(extra, submitted), (reference, submitted)],
                remove=[],
            )
        page = as_user(world.director).get(f"/en/review/application/{submitted.pk}/")
        listing = as_user(world.director).get(f"/en/review/program/{world.program.code}/")
    assert DocumentAssignment.objects.get(document=extra).late
    assert ReferenceAssignment.objects.get(request=reference).is_late
    assert page.content.decode().count('class="late"') == 2
    assert '<span class="late">late additions</span>' in listing.content.decode()
    subjects = [m.subject for m in mail.outbox if m.to == [world.director.email]]
    assert len(subjects) == 2 and all("Late addition" in s for s in subjects)
    assert "Supplementary document" in mail.outbox[0].body


def test_assignments_before_the_deadline_tell_nobody(
    world, two, django_capture_on_commit_callbacks
):
    first, _second, cv, *_ = two
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assignments_apply(applicant=world.applicant, add=[(cv, first)], remove=[])
    assert mail.outbox == []


def test_a_late_letter_tells_the_director_and_shows_late(
    as_user, world, django_capture_on_commit_callbacks
):
    from documents.services import personal_letter_assign

    application = application_select(applicant=world.applicant, program=world.program)
    with time_machine.travel(_deadline(world) + dt.timedelta(hours=2)):
        letter = personal_letter_save(
            applicant=world.applicant, program=world.program, text="Late words", language="en"
        )
        with django_capture_on_commit_callbacks(execute=True):
            personal_letter_assign(applicant=world.applicant, letter=letter)
    assert [m.to for m in mail.outbox] == [[world.director.email]]
    assert "personal letter" in mail.outbox[0].body
    page = as_user(world.director).get(f"/en/review/program/{world.program.code}/")
    assert page.status_code == 200  # not submitted: not listed yet, but nothing breaks
    letter.refresh_from_db()
    assert letter.late and application.applicant_id == letter.applicant_id
