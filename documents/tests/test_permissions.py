"""The documents rules of ``core.permissions``: who is allowed and who is refused."""

from __future__ import annotations

import pytest

from accounts.models import Role
from core.permissions import can
from documents.services import document_assign, personal_letter_assign, personal_letter_save
from documents.tests.conftest import apply
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(
    applicant,
    other_applicant,
    program,
    other_program,
    director,
    other_director,
    reviewer,
    match_admin,
):  # type: ignore[no-untyped-def]
    return {
        "owner": applicant.user,
        "other_applicant": other_applicant.user,
        "director": director,
        "reviewer": reviewer,
        "program_admin": factories.make_staff(role=Role.PROGRAM_ADMINISTRATOR, program=program),
        "pgme": factories.make_staff(role=Role.PGME_OFFICE, school=program.school),
        "other_pgme": factories.make_staff(role=Role.PGME_OFFICE, school=other_program.school),
        "other_director": other_director,
        "admin": match_admin,
    }


def _check(people, action, obj, allowed):  # type: ignore[no-untyped-def]
    for name, user in people.items():
        assert can(user, action, obj) is (name in allowed), f"{name} {action}"


def test_document_view(people, applicant, mspr, program):
    _check(people, "document.view", mspr, {"owner", "admin"})
    document_assign(applicant=applicant, document=mspr, application=apply(applicant, program))
    _check(
        people,
        "document.view",
        mspr,
        {"owner", "admin", "director", "reviewer", "program_admin", "pgme"},
    )


def test_a_program_sees_a_document_only_once_the_application_is_submitted(
    people, applicant, mspr, program
):
    """Assigned to an application still being prepared: the program does not see it yet."""
    from applications.models import ApplicationStatus

    application = apply(applicant, program, status=ApplicationStatus.SELECTED)
    document_assign(applicant=applicant, document=mspr, application=application)
    _check(people, "document.view", mspr, {"owner", "admin"})
    application.status = ApplicationStatus.SUBMITTED
    application.save(update_fields=["status"])
    _check(
        people,
        "document.view",
        mspr,
        {"owner", "admin", "director", "reviewer", "program_admin", "pgme"},
    )


def test_document_process(people):
    _check(people, "document.process", None, {"admin"})


def test_letter_view(people, applicant, program):
    apply(applicant, program)
    letter = personal_letter_save(applicant=applicant, program=program, text="Hi", language="en")
    _check(people, "letter.view", letter, {"owner", "admin"})
    letter = personal_letter_assign(applicant=applicant, letter=letter)
    _check(
        people,
        "letter.view",
        letter,
        {"owner", "admin", "director", "reviewer", "program_admin", "pgme"},
    )


def test_a_program_reads_a_personal_letter_once_the_application_is_submitted(
    people, applicant, program
):
    from applications.models import ApplicationStatus

    application = apply(applicant, program, status=ApplicationStatus.SELECTED)
    letter = personal_letter_save(applicant=applicant, program=program, text="Hi", language="en")
    letter = personal_letter_assign(applicant=applicant, letter=letter)
    _check(people, "letter.view", letter, {"owner", "admin"})
    application.status = ApplicationStatus.SUBMITTED
    application.save(update_fields=["status"])
    _check(
        people,
        "letter.view",
        letter,
        {"owner", "admin", "director", "reviewer", "program_admin", "pgme"},
    )
