"""Per program, a checklist of what it requires; submission refused while something required
is missing; the program edits its requirements."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from applications.models import Application
from applications.selectors import application_checklist
from applications.services import application_select
from applications.tests.conftest import complete_application, upload_document
from documents.services import document_assign
from fees.models import LedgerEntry
from programs.models import ProgramRequirement

pytestmark = pytest.mark.django_db


def test_a_program_without_requirements_asks_for_the_defaults(world):
    application = application_select(applicant=world.applicant, program=world.program)
    items = application_checklist(application)
    assert [i.label for i in items] == [
        "CV",
        "MSPR (dean's letter)",
        "Medical school transcript",
        "Personal letter",
        "References (any kind): 3",
    ]
    assert {i.status for i in items} == {"required_missing"}
    assert all(i.symbol == "✗" for i in items)


def test_the_checklist_turns_complete_as_items_are_assigned(world):
    application = complete_application(world.applicant, world.program)
    items = application_checklist(application)
    assert {i.status for i in items} == {"complete"}
    assert items[-1].detail == "3 of 3 assigned, 3 received."


def test_optional_missing_is_a_warning_and_languages_and_sections_count(world):
    program = world.program
    ProgramRequirement.objects.create(program=program, kind="document", code="cv", language="fr")
    ProgramRequirement.objects.create(
        program=program, kind="document", code="photo", required=False
    )
    ProgramRequirement.objects.create(program=program, kind="section", code="personal")
    application = application_select(applicant=world.applicant, program=program)
    cv = upload_document(world.applicant, world.cycle, "cv", language="en")
    document_assign(applicant=world.applicant, document=cv, application=application)
    cv_item, photo, personal = application_checklist(application)
    assert cv_item.label == "CV (in French)" and cv_item.status == "required_missing"
    assert photo.status == "optional_missing" and photo.symbol == "⚠"
    assert personal.status == "required_missing" and "English" in personal.detail


def test_the_page_shows_the_checklist_with_text_not_only_symbols(as_user, world):
    application_select(applicant=world.applicant, program=world.program)
    page = as_user(world.applicant.user).get("/en/applications/").content.decode()
    assert "✗" in page and "Required, missing" in page and "Personal letter" in page


def test_the_api_gives_the_same_checklist(as_user, world):
    application = application_select(applicant=world.applicant, program=world.program)
    response = as_user(world.applicant.user).get(
        f"/en/api/applications/mine/{world.program.code}/checklist"
    )
    assert response.status_code == 200
    assert [i["label"] for i in response.json()] == [
        i.label for i in application_checklist(application)
    ]
    assert response.json()[0]["status"] == "required_missing"


def test_the_api_refuses_others(as_user, world):
    application_select(applicant=world.applicant, program=world.program)
    url = f"/en/api/applications/mine/{world.program.code}/checklist"
    assert as_user(None).get(url).status_code == 401
    assert as_user(world.director).get(url).status_code == 403
    assert as_user(world.other_director).get(url).status_code == 403
    assert as_user(world.other_reviewer).get(url).status_code == 403
    assert as_user(world.other_applicant.user).get(url).status_code == 404


def test_submitting_is_refused_naming_what_is_missing_per_program(as_user, world):
    complete_application(world.applicant, world.program)
    application_select(applicant=world.applicant, program=world.other_program)
    response = as_user(world.applicant.user).post("/en/applications/submit/", follow=True)
    page = response.content.decode()
    assert "Nothing was submitted" in page
    assert f"{world.other_program.code}: CV, MSPR" in page
    assert f"{world.program.code}:" not in page.split("Nothing was submitted")[1].split("<")[0]
    assert not Application.objects.filter(status="submitted").exists()
    assert not LedgerEntry.objects.filter(applicant=world.applicant, kind="charge").exists()


def test_a_complete_file_is_submitted_with_the_fee_shown_first(as_user, world):
    complete_application(world.applicant, world.program)
    client = as_user(world.applicant.user)
    assert "375.00" in client.get("/en/applications/").content.decode()
    client.post("/en/applications/submit/")
    assert Application.objects.get(applicant=world.applicant).status == "submitted"
    assert LedgerEntry.objects.filter(applicant=world.applicant, kind="charge").count() == 1


# --- The program edits what it requires -------------------------------------------------------


def test_the_director_edits_the_requirements_starting_from_the_defaults(as_user, world):
    url = f"/en/programs/{world.program.code}/requirements/"
    client = as_user(world.director)
    page = client.get(url).content.decode()
    assert "default list" in page and "References (any kind): 3" in page
    response = client.post(url, {"what": "document:photo", "count": 1, "language": ""}, follow=True)
    assert "The requirement was added." in response.content.decode()
    rows = list(world.program.requirements.all())
    assert [(r.kind, r.code, r.required) for r in rows][-1] == ("document", "photo", False)
    assert len(rows) == 6  # the five defaults were copied first
    client.post(url, {"remove": rows[0].pk})
    assert world.program.requirements.count() == 5


def test_bad_requirement_input_is_refused_clearly(as_user, world):
    url = f"/en/programs/{world.program.code}/requirements/"
    client = as_user(world.director)
    response = client.post(url, {"what": "document:nonsense", "count": 1})
    assert response.status_code == 200
    assert "Please correct the errors" in response.content.decode()
    client.post(url, {"what": "reference:", "count": 2, "required": "on"})
    response = client.post(url, {"what": "reference:", "count": 2, "required": "on"}, follow=True)
    assert "already listed" in response.content.decode()
    assert client.post(url, {"remove": "99999"}).status_code == 404


def test_requirements_close_at_the_application_deadline(as_user, world):
    deadline = world.iteration.milestones.get(kind="application_deadline").at
    with time_machine.travel(deadline + dt.timedelta(minutes=1)):
        response = as_user(world.director).post(
            f"/en/programs/{world.program.code}/requirements/",
            {"what": "document:photo", "count": 1},
            follow=True,
        )
    assert "closed" in response.content.decode()
    assert not world.program.requirements.exists()


def test_requirements_page_refusals(as_user, world):
    url = f"/en/programs/{world.program.code}/requirements/"
    for user in (world.reviewer, world.other_director, world.other_reviewer, world.applicant.user):
        assert as_user(user).get(url).status_code == 403
        assert as_user(user).post(url, {"what": "document:photo", "count": 1}).status_code == 403
    assert as_user(None).get(url).status_code == 302
    assert not world.program.requirements.exists()
