"""Descriptions and approval: the director writes a bilingual draft, submits it, the school's
PGME office approves it (a new published version) or sends it back with a comment."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from accounts.models import Role
from core.errors import DomainError
from core.models import AuditEntry
from core.permissions import can
from cycles.models import MilestoneKind
from cycles.selectors import milestone_at
from notifications.models import Notification
from programs import services
from programs.models import DescriptionState, Program, ProgramDescription, PublishedDescription
from programs.tests.conftest import description_post, full_content
from tests import factories

pytestmark = pytest.mark.django_db


def _edit(program):  # type: ignore[no-untyped-def]
    return f"/en/programs/{program.code}/edit/"


def _review(program):  # type: ignore[no-untyped-def]
    return f"/en/programs/{program.code}/description/review/"


def _submitted(program, director, tag="v1"):  # type: ignore[no-untyped-def]
    working = services.description_save(
        actor=director, program=program, content=full_content(tag), training_language="bi"
    )
    return services.description_submit(actor=director, program=program, revision=working.revision)


def test_a_director_saves_a_draft_while_applicants_keep_reading_the_published_version(
    as_user, program, director, applicant
):
    response = as_user(director).post(
        _edit(program), description_post(full_content("draft"), action="save")
    )
    assert response.status_code == 302
    working = ProgramDescription.objects.get(program=program)
    assert working.state == DescriptionState.DRAFT and working.goals_fr == "goals français draft"
    page = as_user(applicant.user).get(f"/en/programs/{program.code}/").content.decode()
    assert "A community-based program." in page and "goals English draft" not in page
    assert "goals English draft" in as_user(director).get(_edit(program)).content.decode()


def test_submitting_without_every_french_section_names_what_is_missing(as_user, program, director):
    content = full_content()
    content["selection_criteria_fr"] = ""
    content["sites_fr"] = ""
    response = as_user(director).post(
        _edit(program), description_post(content, action="submit"), follow=True
    )
    page = response.content.decode()
    assert "Selection criteria (French), Training sites (French)" in page
    assert "The draft was saved; it was not submitted." in page
    working = ProgramDescription.objects.get(program=program)
    assert working.state == DescriptionState.DRAFT and working.goals_en == "goals English v2"


def test_the_missing_sections_message_is_in_french_on_french_pages(as_user, program, director):
    content = full_content()
    content["goals_en"] = ""
    response = as_user(director).post(
        f"/fr/programs/{program.code}/edit/",
        description_post(content, action="submit"),
        follow=True,
    )
    page = response.content.decode()
    assert "Objectifs du programme (anglais)" in page
    assert "en anglais et en français" in page


def test_approval_publishes_the_next_version_everywhere_applicants_look(
    as_user, client, program, director, pgme
):
    director.language = "fr"
    director.save()
    as_user(director).post(_edit(program), description_post(full_content(), action="submit"))
    assert ProgramDescription.objects.get(program=program).state == DescriptionState.SUBMITTED
    working = ProgramDescription.objects.get(program=program)
    response = as_user(pgme).post(
        _review(program), {"action": "approve", "revision": working.revision}
    )
    assert response.status_code == 302
    published = PublishedDescription.objects.get(program=program)
    assert published.version == 1 and published.approved_by == pgme
    assert published.submitted_by == director
    page = client.get(f"/fr/programs/{program.code}/").content.decode()
    assert "selection_criteria français v2" in page and "Version 1" in page
    program.refresh_from_db()
    assert program.description_en.startswith("goals English v2")
    assert "Selection criteria\nselection_criteria English v2" in program.description_en
    assert program.language == "en"  # the training language posted by description_post
    api = client.get(f"/en/api/programs/{program.code}").json()
    assert api["description_version"] == 1
    assert api["description_fr"].startswith("goals français v2")
    mail = Notification.objects.get(kind="programs.description_published", recipient=director)
    assert mail.language == "fr" and "publiée" in mail.subject
    assert ProgramDescription.objects.get(program=program).state == DescriptionState.PUBLISHED


def test_every_published_version_is_kept_with_who_and_when(as_user, program, director, pgme):
    for tag in ("v1", "v2"):
        working = _submitted(program, director, tag)
        services.description_approve(actor=pgme, program=program, revision=working.revision)
    versions = list(PublishedDescription.objects.filter(program=program).order_by("version"))
    assert [v.goals_en for v in versions] == ["goals English v1", "goals English v2"]
    page = as_user(director).get(f"/en/programs/{program.code}/description/versions/")
    text = page.content.decode()
    assert "Version 2: approved on" in text and pgme.email in text and "Version 1" in text
    with pytest.raises(RuntimeError):
        versions[0].save()  # a published version is never changed


def test_the_office_sends_a_description_back_with_a_comment(as_user, program, director, pgme):
    director.language = "fr"
    director.save()
    working = _submitted(program, director)
    response = as_user(pgme).post(
        _review(program),
        {"action": "return", "revision": working.revision, "comment": "Précisez les sites."},
    )
    assert response.status_code == 302
    working.refresh_from_db()
    assert working.state == DescriptionState.RETURNED and working.returned_by == pgme
    assert not PublishedDescription.objects.filter(program=program).exists()
    page = as_user(director).get(_edit(program)).content.decode()
    assert "Sent back for changes" in page and "Précisez les sites." in page
    mail = Notification.objects.get(kind="programs.description_returned", recipient=director)
    assert mail.language == "fr" and "Précisez les sites." in mail.body
    assert "renvoyée" in mail.subject
    assert f"/fr/programs/{program.code}/edit/" in mail.body


def test_sending_back_needs_a_comment(as_user, program, director, pgme):
    working = _submitted(program, director)
    page = as_user(pgme).post(
        _review(program), {"action": "return", "revision": working.revision, "comment": " "}
    )
    assert "comment" in page.content.decode()
    assert ProgramDescription.objects.get(program=program).state == DescriptionState.SUBMITTED


def test_a_submitted_description_is_locked_until_withdrawn(as_user, program, director):
    _submitted(program, director)
    page = as_user(director).post(
        _edit(program), description_post(full_content("changed"), action="save")
    )
    assert "withdraw the submission" in page.content.decode()
    assert ProgramDescription.objects.get(program=program).goals_en == "goals English v1"
    as_user(director).post(_edit(program), {"action": "withdraw"})
    assert ProgramDescription.objects.get(program=program).state == DescriptionState.DRAFT
    as_user(director).post(_edit(program), description_post(full_content("changed"), action="save"))
    assert ProgramDescription.objects.get(program=program).goals_en == "goals English changed"


def test_the_office_approves_only_the_text_it_read(program, director, pgme):
    read = _submitted(program, director, "read")
    services.description_withdraw(actor=director, program=program)
    _submitted(program, director, "changed since")
    with pytest.raises(DomainError) as refused:
        services.description_approve(actor=pgme, program=program, revision=read.revision)
    assert refused.value.code == "stale"
    assert not PublishedDescription.objects.filter(program=program).exists()


def test_an_unchanged_published_description_has_nothing_to_submit(program, director, pgme):
    working = _submitted(program, director)
    services.description_approve(actor=pgme, program=program, revision=working.revision)
    with pytest.raises(DomainError) as refused:
        services.description_submit(actor=director, program=program, revision=None)
    assert refused.value.code == "unchanged"
    # saving the published text again keeps it "published"
    working = services.description_save(
        actor=director, program=program, content=full_content("v1"), training_language="bi"
    )
    assert working.state == DescriptionState.PUBLISHED


def test_the_calendar_closes_descriptions_at_the_program_rol_deadline(
    as_user, iteration, program, director, pgme
):
    working = _submitted(program, director)
    deadline = milestone_at(iteration, MilestoneKind.PROGRAM_ROL_DEADLINE)
    with time_machine.travel(deadline + dt.timedelta(seconds=1)):
        page = as_user(pgme).post(
            _review(program), {"action": "approve", "revision": working.revision}
        )
        assert "closed" in page.content.decode()
        with pytest.raises(DomainError) as refused:
            services.description_save(
                actor=director, program=program, content=full_content(), training_language="en"
            )
        assert refused.value.code == "closed"
    assert not PublishedDescription.objects.filter(program=program).exists()


def test_the_pgme_page_lists_its_schools_programs_awaiting_approval_first(
    as_user, cycle, iteration, program, director, pgme, other_program
):
    sibling = factories.make_program(cycle=cycle, iteration=iteration, school=program.school)
    _submitted(sibling, factories.make_staff(role=Role.PROGRAM_DIRECTOR, program=sibling))
    page = as_user(pgme).get("/en/programs/approvals/").content.decode()
    assert "1 description is waiting for your approval." in page
    assert page.index(sibling.code) < page.index(program.code)
    assert other_program.code not in page
    assert f"/en/programs/{sibling.code}/description/review/" in page


def test_the_approvals_page_makes_a_fixed_number_of_queries(
    as_user, cycle, iteration, program, pgme, django_assert_max_num_queries
):
    for _ in range(15):
        factories.make_program(cycle=cycle, iteration=iteration, school=program.school)
    office = as_user(pgme)
    with django_assert_max_num_queries(10):
        assert office.get("/en/programs/approvals/").status_code == 200


def test_existing_descriptions_become_version_one_when_migrating(program):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("programs.migrations.0005_import_existing_descriptions")
    migration.forwards(apps, None)
    published = PublishedDescription.objects.get(program=program)
    assert published.version == 1 and published.imported
    assert published.goals_en == program.description_en
    assert ProgramDescription.objects.get(program=program).state == DescriptionState.PUBLISHED
    assert Program.objects.get(pk=program.pk).description == "A community-based program."


def test_every_step_is_audited(program, director, pgme):
    working = _submitted(program, director)
    services.description_return(
        actor=pgme, program=program, revision=working.revision, comment="Sites?"
    )
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "programs.description.saved",
        "programs.description.submitted",
        "programs.description.returned",
    } <= actions


# --- Refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["pgme", "other_director", "reviewer", "applicant", "match_admin"]
)
def test_only_the_programs_director_and_administrator_write_the_description(
    as_user, program, persona, request
):
    user = request.getfixturevalue(persona)
    user = getattr(user, "user", user)
    assert as_user(user).get(_edit(program)).status_code == 403
    response = as_user(user).post(_edit(program), description_post(full_content(), action="save"))
    assert response.status_code == 403
    assert not ProgramDescription.objects.filter(program=program).exists()


def test_the_program_administrator_writes_and_submits_too(as_user, program):
    admin = factories.make_staff(role=Role.PROGRAM_ADMINISTRATOR, program=program)
    as_user(admin).post(_edit(program), description_post(full_content(), action="submit"))
    assert ProgramDescription.objects.get(program=program).state == DescriptionState.SUBMITTED


def test_anonymous_visitors_are_sent_to_sign_in(as_user, program):
    for path in (_edit(program), _review(program), "/en/programs/approvals/"):
        assert "/accounts/login/" in as_user(None).get(path)["Location"]


@pytest.mark.parametrize("persona", ["director", "other_pgme", "reviewer", "applicant"])
def test_only_the_schools_office_approves_or_sends_back(as_user, program, persona, request):
    director = factories.make_staff(role=Role.PROGRAM_DIRECTOR, program=program)
    working = _submitted(program, director)
    user = request.getfixturevalue(persona)
    user = getattr(user, "user", user)
    assert as_user(user).get(_review(program)).status_code == 403
    response = as_user(user).post(
        _review(program), {"action": "approve", "revision": working.revision}
    )
    assert response.status_code == 403
    assert not PublishedDescription.objects.exists()


@pytest.mark.parametrize("persona", ["director", "reviewer", "applicant"])
def test_the_approvals_page_is_the_offices_own(as_user, persona, request):
    user = request.getfixturevalue(persona)
    assert as_user(getattr(user, "user", user)).get("/en/programs/approvals/").status_code == 403


def test_the_versions_page_is_for_the_program_and_its_office(as_user, program, reviewer, applicant):
    path = f"/en/programs/{program.code}/description/versions/"
    assert as_user(reviewer).get(path).status_code == 403
    assert as_user(applicant.user).get(path).status_code == 403


# --- The rules (core.permissions), allow and refuse -------------------------------------------


def test_program_describe_allows_the_programs_director_and_administrator_only(
    program, director, reviewer, pgme, other_director, applicant, match_admin
):
    admin = factories.make_staff(role=Role.PROGRAM_ADMINISTRATOR, program=program)
    assert can(director, "program.describe", program)
    assert can(admin, "program.describe", program)
    for refused in (reviewer, pgme, other_director, applicant.user, match_admin):
        assert not can(refused, "program.describe", program)


def test_program_approvals_allows_pgme_offices_and_the_match_administrator(
    pgme, match_admin, director, reviewer, applicant
):
    assert can(pgme, "program.approvals") and can(match_admin, "program.approvals")
    for refused in (director, reviewer, applicant.user):
        assert not can(refused, "program.approvals")
